"""The conversation as the merchant saw it: both sides, masked, each with the server's time.

A page that reloads, a second tab and a page reopened days later show this record
instead of what the browser remembers, so a card number typed in clear is never
kept in the browser (only the masked text the door passed on is recorded here),
every message keeps the time it was said, and two tabs show the same thing.
"""
from __future__ import annotations

import json
import time
import uuid
from typing import Any, Dict, List, Optional

import redis.asyncio as aioredis

KEPT_MESSAGES = 200


def entry(side: str, text: str, *, ref: Optional[str] = None, turn: Optional[str] = None,
          choices: Optional[List[Dict[str, str]]] = None, at: Optional[float] = None) -> Dict[str, Any]:
    """One message: `side` is `merchant` or `bot`; `ref` the sender's own id for its message;
    `turn` names the bot's turn it belongs to (choices offered hold only until the turn is over)."""
    said = {"id": uuid.uuid4().hex[:16], "side": side, "text": text,
            "time": int((time.time() if at is None else at) * 1000)}
    if ref:
        said["ref"] = ref
    if turn:
        said["turn"] = turn
    if choices:
        said["choices"] = choices
    return said


class Transcript:
    """The last `KEPT_MESSAGES` of each conversation, kept `keep_seconds` after the last one."""

    def __init__(self, client: aioredis.Redis, keep_seconds: int, prefix: str = "daozhang") -> None:
        self.redis = client
        self.keep_seconds = keep_seconds
        self.prefix = prefix

    def _key(self, conversation: str) -> str:
        return f"{self.prefix}:transcript:{conversation}"

    async def add(self, conversation: str, said: Dict[str, Any]) -> None:
        key = self._key(conversation)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.rpush(key, json.dumps(said, ensure_ascii=False))
            pipe.ltrim(key, -KEPT_MESSAGES, -1)
            pipe.expire(key, self.keep_seconds)
            await pipe.execute()

    async def recent(self, conversation: str) -> List[Dict[str, Any]]:
        """The kept messages, oldest first."""
        return [json.loads(raw) for raw in await self.redis.lrange(self._key(conversation), 0, -1)]

    async def first_time_seen(self, conversation: str, ref: str, said: Dict[str, Any]) -> Optional[Dict[str, Any]]:
        """None when `ref` is new to the conversation (it is noted with `said`), else what was said then:
        a message the page sends again after losing its connection is answered once."""
        key = f"{self.prefix}:transcript-ref:{conversation}:{ref}"
        if await self.redis.set(key, json.dumps(said, ensure_ascii=False), nx=True, ex=self.keep_seconds):
            return None
        earlier = await self.redis.get(key)
        return json.loads(earlier) if earlier else said
