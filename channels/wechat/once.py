"""A WeChat message is processed once and answered once, whatever the retries and processes.

WeChat posts a message again when no reply came within 5 s, up to three times,
possibly to another process. Per MsgId, Redis keeps (with a TTL):
- `seen`: set by the request that processes the message; a retry finds it;
- `answer`: the answer's text, once the bot is done, so a retry can reply with it;
- `answered`: set by whoever delivers the answer (a passive reply or the
  customer-service API); SET NX, so exactly one of them does.
When Redis is unreachable the message is processed and answered anyway:
a double answer is better than none.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Optional

from redis.asyncio import Redis
from redis.exceptions import RedisError

from daozhang.wiring import redis_key

logger = logging.getLogger(__name__)

KEEP_SECONDS = 600  # WeChat's retries are over within ~20 s


class AnswerOnce:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    @staticmethod
    def _key(msg_id: str, part: str) -> str:
        return redis_key("wechat", "msg", msg_id, part)

    async def first_time(self, msg_id: str) -> bool:
        """True for the first delivery of the message, False for a retry."""
        return await self._set_once(msg_id, "seen", "1")

    async def keep_answer(self, msg_id: str, answer: str) -> None:
        try:
            await self.redis.set(self._key(msg_id, "answer"), answer, ex=KEEP_SECONDS)
        except RedisError:
            logger.exception("Redis unavailable: a retry of WeChat message %s cannot reply with its answer", msg_id)

    async def answer_within(self, msg_id: str, seconds: float) -> Optional[str]:
        """The answer, when it is ready within `seconds`; None otherwise."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while True:
            try:
                answer = await self.redis.get(self._key(msg_id, "answer"))
            except RedisError:
                logger.exception("Redis unavailable: cannot read the answer to WeChat message %s", msg_id)
                return None
            if answer is not None or loop.time() >= deadline:
                return answer.decode() if answer is not None else None
            await asyncio.sleep(min(0.1, max(0.0, deadline - loop.time())))

    async def claim_answer(self, msg_id: str, how: str) -> bool:
        """True for the one caller that may deliver the answer (`how`: passive or api)."""
        return await self._set_once(msg_id, "answered", how)

    async def _set_once(self, msg_id: str, part: str, value: str) -> bool:
        try:
            return bool(await self.redis.set(self._key(msg_id, part), value, nx=True, ex=KEEP_SECONDS))
        except RedisError:
            logger.exception("Redis unavailable: WeChat message %s handled without de-duplication", msg_id)
            return True
