"""WeChat's customer-service message API, with one access token shared by every process.

WeChat allows a limited number of token fetches a day, and a new token retires
the old one: the token is fetched once, kept in Redis until shortly before it
expires, and fetched again only when it has expired or the API says so
(40001, 42001). The calls go through aiohttp, so sanic's event loop is never
blocked.
"""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Dict, Iterable

import aiohttp
from redis.asyncio import Redis
from redis.exceptions import RedisError

from channels.wechat_text import split_utf8

logger = logging.getLogger(__name__)

TOKEN_REJECTED = {40001, 40014, 42001}  # invalid, not a token, expired
_EARLY_SECONDS = 300  # fetch a new token this long before the old one expires
_LOCK_SECONDS = 10
_TIMEOUT = aiohttp.ClientTimeout(total=10)


class WeChatApiError(Exception):
    """WeChat answered with an errcode."""

    def __init__(self, answer: Dict[str, Any]) -> None:
        super().__init__(f"{answer.get('errcode')}: {answer.get('errmsg')}")
        self.errcode = answer.get("errcode")


class SharedAccessToken:
    """The official account's access token, kept in Redis for every process."""

    def __init__(self, api_base: str, app_id: str, app_secret: str, redis: Redis) -> None:
        self.api_base, self.app_id, self.app_secret, self.redis = api_base, app_id, app_secret, redis
        self.key = f"daozhang:wechat:access_token:{app_id}"

    async def get(self) -> str:
        """The token in Redis; fetched by one process only when there is none."""
        try:
            token = await self.redis.get(self.key)
            if token:
                return token.decode()
            if not await self.redis.set(self.key + ":fetching", 1, nx=True, ex=_LOCK_SECONDS):
                return await self._fetched_by_another()
            try:
                return await self._fetch_and_share()
            finally:
                await self.redis.delete(self.key + ":fetching")
        except RedisError:
            logger.exception("Redis unavailable: fetching a WeChat access token without sharing it")
            token, _ = await self._fetch()
            return token

    async def forget(self, token: str) -> None:
        """WeChat refused `token`: the next `get` fetches a new one (unless another process did)."""
        try:
            stored = await self.redis.get(self.key)
            if stored and stored.decode() == token:
                await self.redis.delete(self.key)
        except RedisError:
            logger.exception("Redis unavailable: could not drop the refused WeChat access token")

    async def _fetched_by_another(self) -> str:
        for _ in range(_LOCK_SECONDS * 10):
            await asyncio.sleep(0.1)
            token = await self.redis.get(self.key)
            if token:
                return token.decode()
        return await self._fetch_and_share()

    async def _fetch_and_share(self) -> str:
        token, expires_in = await self._fetch()
        await self.redis.set(self.key, token, ex=max(60, expires_in - _EARLY_SECONDS))
        return token

    async def _fetch(self) -> tuple[str, int]:
        params = {"grant_type": "client_credential", "appid": self.app_id, "secret": self.app_secret}
        async with aiohttp.ClientSession(timeout=_TIMEOUT) as session:
            async with session.get(f"{self.api_base}/cgi-bin/token", params=params) as answer:
                body = await answer.json(content_type=None)
        if not body.get("access_token"):
            raise WeChatApiError(body)
        logger.info("fetched a new WeChat access token")
        return body["access_token"], int(body.get("expires_in") or 7200)


class CustomerService:
    """Sends text to a follower outside the 5-second passive reply window."""

    def __init__(self, api_base: str, token: SharedAccessToken) -> None:
        self.api_base = api_base
        self.token = token

    async def send_text(self, openid: str, text: str) -> None:
        """`text` in pieces of 2,048 bytes at most, in order; failures are logged."""
        await self.send_pieces(openid, split_utf8(text))

    async def send_pieces(self, openid: str, pieces: Iterable[str]) -> None:
        try:
            for piece in pieces:
                await self._send(openid, piece)
        except (WeChatApiError, aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            logger.error("WeChat customer-service message to %s not sent: %s", openid, error)

    async def _send(self, openid: str, content: str, token_refused: bool = False) -> None:
        token = await self.token.get()
        payload = {"touser": openid, "msgtype": "text", "text": {"content": content}}
        # WeChat shows \u escapes literally: send the characters themselves.
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        async with aiohttp.ClientSession(timeout=_TIMEOUT) as session:
            async with session.post(f"{self.api_base}/cgi-bin/message/custom/send",
                                    params={"access_token": token}, data=body,
                                    headers={"Content-Type": "application/json; charset=utf-8"}) as answer:
                result = await answer.json(content_type=None)
        errcode = result.get("errcode") or 0
        if errcode in TOKEN_REJECTED and not token_refused:
            await self.token.forget(token)
            await self._send(openid, content, token_refused=True)
        elif errcode:
            raise WeChatApiError(result)
