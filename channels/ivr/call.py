"""One hotline turn as the IVR platform sends it, and what the channel remembers of a call.

The request is checked strictly (a malformed turn is a clean 400, never a
bot turn). The memory (the last answer, for `*` to repeat; how many unclear
turns in a row) lives in Redis so every Rasa process agrees on it, and a Redis
hiccup only costs the repeat, never the turn.
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import redis.asyncio as aioredis

from channels.json_body import BadRequest, json_object
from daozhang.wiring import redis_key

logger = logging.getLogger(__name__)

MAX_ID_CHARS = 128
MAX_TRANSCRIPT_CHARS = 10_000
_KEYPAD = re.compile(r"^[0-9*#]{1,64}$")


@dataclass(frozen=True)
class Hypothesis:
    transcript: str
    confidence: float


@dataclass(frozen=True)
class IvrTurn:
    call_id: str
    transcript: str = ""
    confidence: float = 1.0
    nbest: List[Hypothesis] = field(default_factory=list)
    dtmf: str = ""
    caller: str = ""

    @classmethod
    def from_body(cls, body: bytes) -> "IvrTurn":
        data = json_object(body)
        call_id = data.get("call_id")
        if not isinstance(call_id, str) or not call_id.strip() or len(call_id) > MAX_ID_CHARS:
            raise BadRequest(f"call_id must be a non-empty string of at most {MAX_ID_CHARS} characters")
        dtmf = _optional_str(data, "dtmf", 64)
        if dtmf and not _KEYPAD.match(dtmf):
            raise BadRequest("dtmf may hold only 0-9, * and #")
        nbest = data.get("nbest") or []
        if not isinstance(nbest, list) or not all(isinstance(h, dict) for h in nbest):
            raise BadRequest("nbest must be a list of {transcript, confidence}")
        return cls(call_id=call_id.strip(), transcript=_optional_str(data, "transcript", MAX_TRANSCRIPT_CHARS),
                   confidence=_confidence(data.get("confidence", 1.0)),
                   nbest=[Hypothesis(_optional_str(h, "transcript", MAX_TRANSCRIPT_CHARS),
                                     _confidence(h.get("confidence", 0.0))) for h in nbest],
                   dtmf=dtmf, caller=_optional_str(data, "caller", 32))

    def heard(self, min_confidence: float) -> Optional[str]:
        """What the caller said, when the recogniser was sure enough of it (else None)."""
        if self.transcript.strip() and self.confidence >= min_confidence:
            return self.transcript
        usable = [h for h in self.nbest if h.transcript.strip() and h.confidence >= min_confidence]
        return max(usable, key=lambda h: h.confidence).transcript if usable else None


def _optional_str(data: Dict[str, Any], key: str, limit: int) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > limit:
        raise BadRequest(f"{key} must be a string of at most {limit} characters")
    return value


def _confidence(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise BadRequest("confidence must be a number from 0 to 1")
    return float(value)


class CallMemory:
    """The last answer and the unclear-turn count of one call, in Redis."""

    def __init__(self, client: aioredis.Redis, call_id: str, ttl_seconds: int) -> None:
        self.key = redis_key("ivr", "call", call_id)
        self.ttl = ttl_seconds
        self.client = client

    async def last_answer(self) -> Optional[Dict[str, Any]]:
        stored = await self._try(self.client.hget(self.key, "last"))
        return json.loads(stored) if stored else None

    async def remember_answer(self, answer: Dict[str, Any], choices: List[str]) -> None:
        """The answer (for `*`) and the payloads its keys 1, 2, … stand for (none: digits are data)."""
        await self._try(self._write("last", json.dumps(answer, ensure_ascii=False)))
        await self._try(self._write("choices", json.dumps(choices)))

    async def choice(self, key: str) -> Optional[str]:
        """The payload a single key press picks from the last answer's choices, if it picks one."""
        stored = await self._try(self.client.hget(self.key, "choices"))
        choices = json.loads(stored) if stored else []
        return choices[int(key) - 1] if key.isdigit() and 1 <= int(key) <= len(choices) else None

    async def unclear_turn(self) -> int:
        """Counts one more unclear turn in a row; returns the count."""
        count = await self._try(self.client.hincrby(self.key, "unclear", 1))
        await self._try(self.client.expire(self.key, self.ttl))
        return int(count or 1)

    async def clear_turn(self) -> None:
        await self._try(self.client.hdel(self.key, "unclear"))

    async def _write(self, name: str, value: str) -> None:
        await self.client.hset(self.key, name, value)
        await self.client.expire(self.key, self.ttl)

    @staticmethod
    async def _try(operation: Any) -> Any:
        try:
            return await operation
        except Exception:  # Redis down: the call goes on without its memory
            logger.warning("the IVR call memory is unavailable", exc_info=True)
            return None
