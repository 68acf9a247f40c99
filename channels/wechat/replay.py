"""A signed WeChat request is taken only at its moment, and its signature only for its own body.

In plain mode the signature covers the token, the timestamp and the nonce, not
the body: a captured signed URL could carry any message. So a request whose
timestamp is more than five minutes from our clock is refused, and a nonce is
remembered (in Redis, for every process) with a digest of the message it
brought (once it could be read: a damaged delivery does not use the nonce up):
the same message again is WeChat's own retry (answered once, by MsgId),
another message under a nonce already seen is a replay and refused. Safe mode
signs the body too; the same rules hold there. Redis down: the timestamp
still counts, the nonce cannot be checked (logged), and the message is taken.
"""
from __future__ import annotations

import hashlib
import logging
import time
from typing import Optional

from redis.asyncio import Redis
from redis.exceptions import RedisError

from daozhang.wiring import redis_key

logger = logging.getLogger(__name__)

MAX_SKEW_SECONDS = 300


class ReplayGuard:
    def __init__(self, redis: Redis, max_skew: int = MAX_SKEW_SECONDS) -> None:
        self.redis = redis
        self.max_skew = max_skew

    def fresh(self, timestamp: Optional[str], now: Optional[float] = None) -> bool:
        """The request was signed within `max_skew` seconds of our clock, either way."""
        try:
            signed_at = int(timestamp or "")
        except ValueError:
            return False
        return abs((time.time() if now is None else now) - signed_at) <= self.max_skew

    async def first_use(self, nonce: str, timestamp: str, body: bytes) -> bool:
        """False when this nonce and timestamp were seen with another message (a replay)."""
        key = redis_key("wechat", "nonce", timestamp, nonce)
        digest = hashlib.sha256(body).hexdigest()
        try:
            if await self.redis.set(key, digest, nx=True, ex=2 * self.max_skew + 60):
                return True
            seen = await self.redis.get(key)
        except RedisError:
            logger.warning("Redis unavailable: WeChat nonce %s not checked for a replay", nonce, exc_info=True)
            return True
        return seen is not None and seen.decode() == digest
