"""A digit a follower sends picks one of the choices the last answer numbered.

WeChat shows no buttons, so choices go out as "回复数字：1. 解决了 2. 还没有"; a
reply of just "1" then means what tapping that button means in the web widget
(its payload, e.g. /affirm). The payloads are kept per OpenID in Redis, so any
process can read the reply; a digit with nothing numbered before stays a digit.
"""
from __future__ import annotations

import json
import logging
import re
from typing import Any, Dict, List, Optional

from redis.asyncio import Redis
from redis.exceptions import RedisError

from daozhang.wiring import redis_key

logger = logging.getLogger(__name__)

KEEP_SECONDS = 3600
_ONE_DIGIT = re.compile(r"\s*([1-9１-９])\s*")


class NumberedChoices:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    @staticmethod
    def _key(openid: str) -> str:
        return redis_key("wechat", "choices", openid)

    async def remember(self, openid: str, messages: List[Dict[str, Any]]) -> None:
        """The payloads of the last message's buttons (none: a digit is just a digit again)."""
        buttons = next((m["buttons"] for m in reversed(messages) if m.get("buttons")), [])
        try:
            if buttons:
                payloads = [b.get("payload") or b.get("title") for b in buttons]
                await self.redis.set(self._key(openid), json.dumps(payloads), ex=KEEP_SECONDS)
            else:
                await self.redis.delete(self._key(openid))
        except RedisError:  # the follower can still answer in words
            logger.warning("WeChat choices not kept", exc_info=True)

    async def picked(self, openid: str, text: str) -> Optional[str]:
        """The payload a bare digit picks, or None."""
        digit = _ONE_DIGIT.fullmatch(text or "")
        if not digit:
            return None
        try:
            stored = await self.redis.get(self._key(openid))
        except RedisError:
            logger.warning("WeChat choices unavailable", exc_info=True)
            return None
        payloads = json.loads(stored) if stored else []
        index = int(digit.group(1).translate({ord("１") + i: str(i + 1) for i in range(9)})) - 1
        return payloads[index] if index < len(payloads) else None
