"""WeChat's customer-service message API, with one access token shared by every process.

The token comes from `/cgi-bin/stable_token`, which hands every caller the same
token while it is valid: it is fetched once, kept in Redis until shortly
before it expires, and fetched again only when it has expired or the API
refuses it (40001, 42001); a refused token that WeChat still hands out is
force-refreshed, once. The calls go through aiohttp, so sanic's event loop is
never blocked.

A message is never lost silently: a busy API or a network error is retried
(tenacity); one WeChat will not take (45015: the follower last wrote more than
48 hours ago) or that still fails is logged and kept in Redis, and goes out
when the follower next writes (`deliver_kept`).
"""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Dict, Iterable, List

import aiohttp
from redis.asyncio import Redis
from redis.exceptions import RedisError
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential

from channels.wechat.text import split_utf8
from daozhang.wiring import redis_key

logger = logging.getLogger(__name__)

TOKEN_REJECTED = {40001, 40014, 42001}  # invalid, not a token, expired
BUSY = -1  # 系统繁忙: worth another try
KEEP_SECONDS = 30 * 24 * 3600
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
        self.key = redis_key("wechat", "access_token", app_id)

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
        """WeChat refused `token`: share a new one (unless another process did), forcing a refresh
        when the stable token WeChat hands out is the refused one."""
        try:
            stored = await self.redis.get(self.key)
            if stored and stored.decode() != token:
                return
            await self.redis.delete(self.key)
        except RedisError:
            logger.exception("Redis unavailable: could not drop the refused WeChat access token")
            return
        fresh, expires_in = await self._fetch()
        if fresh == token:
            fresh, expires_in = await self._fetch(force_refresh=True)
        await self._share(fresh, expires_in)

    async def _fetched_by_another(self) -> str:
        for _ in range(_LOCK_SECONDS * 10):
            await asyncio.sleep(0.1)
            token = await self.redis.get(self.key)
            if token:
                return token.decode()
        return await self._fetch_and_share()

    async def _fetch_and_share(self) -> str:
        token, expires_in = await self._fetch()
        await self._share(token, expires_in)
        return token

    async def _share(self, token: str, expires_in: int) -> None:
        try:
            await self.redis.set(self.key, token, ex=max(60, expires_in - _EARLY_SECONDS))
        except RedisError:
            logger.exception("Redis unavailable: the WeChat access token is not shared")

    async def _fetch(self, force_refresh: bool = False) -> tuple[str, int]:
        payload = {"grant_type": "client_credential", "appid": self.app_id, "secret": self.app_secret,
                   "force_refresh": force_refresh}
        async with aiohttp.ClientSession(timeout=_TIMEOUT) as session:
            async with session.post(f"{self.api_base}/cgi-bin/stable_token", json=payload) as answer:
                body = await answer.json(content_type=None)
        if not body.get("access_token"):
            raise WeChatApiError(body)
        logger.info("fetched the WeChat access token%s", " (forced refresh)" if force_refresh else "")
        return body["access_token"], int(body.get("expires_in") or 7200)


class KeptMessages:
    """Texts WeChat would not take for a follower, in order, until the follower writes again."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    @staticmethod
    def _key(openid: str) -> str:
        return redis_key("wechat", "kept", openid)

    async def keep(self, openid: str, texts: List[str]) -> None:
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.rpush(self._key(openid), *texts)
                pipe.expire(self._key(openid), KEEP_SECONDS)
                await pipe.execute()
        except RedisError:
            logger.exception("Redis unavailable: %d WeChat message(s) to %s are lost", len(texts), openid)

    async def take(self, openid: str) -> List[str]:
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.lrange(self._key(openid), 0, -1)
                pipe.delete(self._key(openid))
                kept, _ = await pipe.execute()
        except RedisError:
            logger.exception("Redis unavailable: the messages kept for %s stay kept", openid)
            return []
        return [text.decode() for text in kept]


def _worth_retrying(error: BaseException) -> bool:
    return isinstance(error, (aiohttp.ClientError, asyncio.TimeoutError)) or (
        isinstance(error, WeChatApiError) and error.errcode == BUSY)


class CustomerService:
    """Sends text to a follower outside the 5-second passive reply window."""

    def __init__(self, api_base: str, token: SharedAccessToken, kept: KeptMessages,
                 retry_wait: float = 0.5) -> None:
        self.api_base = api_base
        self.token = token
        self.kept = kept
        self.retry_wait = retry_wait

    async def send_text(self, openid: str, text: str) -> None:
        """`text` in pieces of 2,048 bytes at most, in order; what cannot go now is kept."""
        await self.send_pieces(openid, split_utf8(text))

    async def send_pieces(self, openid: str, pieces: Iterable[str]) -> None:
        pieces = list(pieces)
        for sent, piece in enumerate(pieces):
            try:
                await self._send_retrying(openid, piece)
            except (WeChatApiError, aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                logger.warning("WeChat customer-service message to %s not sent; %d piece(s) kept for the "
                               "follower's next message", openid, len(pieces) - sent, exc_info=True)
                await self.kept.keep(openid, pieces[sent:])
                return

    async def deliver_kept(self, openid: str) -> None:
        """The follower wrote: what could not reach them before goes out now, before the answer."""
        kept = await self.kept.take(openid)
        if kept:
            logger.info("delivering %d kept WeChat message(s) to %s", len(kept), openid)
            await self.send_pieces(openid, kept)

    async def _send_retrying(self, openid: str, content: str) -> None:
        async for attempt in AsyncRetrying(retry=retry_if_exception(_worth_retrying), stop=stop_after_attempt(3),
                                           wait=wait_exponential(multiplier=self.retry_wait, max=4), reraise=True):
            with attempt:
                await self._send(openid, content)

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
