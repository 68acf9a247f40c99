"""What the assistant has to tell a merchant between their messages, kept until it can be said.

A reminder that fires while nobody is connected (REST, the hotline, a closed chat page)
waits here, per conversation, and is said before the answer to the merchant's next
message (the hotline: the next call from that number).
"""
from __future__ import annotations

from typing import List

import redis.asyncio as aioredis

KEEP_SECONDS = 30 * 24 * 3600


class Outbox:
    def __init__(self, client: aioredis.Redis, prefix: str = "daozhang") -> None:
        self.redis = client
        self.prefix = prefix

    def _key(self, conversation: str) -> str:
        return f"{self.prefix}:outbox:{conversation}"

    async def keep(self, conversation: str, text: str) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.rpush(self._key(conversation), text)
            pipe.expire(self._key(conversation), KEEP_SECONDS)
            await pipe.execute()

    async def follow(self, caller_key: str, conversation: str) -> None:
        """The hotline: what was kept for a caller's earlier call now waits for this `conversation`
        (`caller_key`: the number's fingerprint, never the number)."""
        last_call = f"{self.prefix}:last_call:{caller_key}"
        earlier = await self.redis.set(last_call, conversation, ex=KEEP_SECONDS, get=True)
        if earlier and earlier != conversation:
            for text in await self.take(earlier):
                await self.keep(conversation, text)

    async def take(self, conversation: str) -> List[str]:
        """Everything kept for the conversation, in order; taken once."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.lrange(self._key(conversation), 0, -1)
            pipe.delete(self._key(conversation))
            kept, _ = await pipe.execute()
        return [text.decode() if isinstance(text, bytes) else text for text in kept]
