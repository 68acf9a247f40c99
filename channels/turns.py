"""One turn at a time per conversation; what arrives during a turn is answered together next.

A merchant who sends fifteen lines in half a second (or two tabs sending at once)
would otherwise start fifteen concurrent turns: they queue on the conversation's
lock, run out the door's deadline ("系统现在有点慢"), trip the burst limit and
ask again for what the next line gives. Here the first message gets its turn at
once; the lines that arrive meanwhile wait and are joined into one message for
the next turn, so every reply answers something and none repeats. A button's
payload (`/affirm`) is never joined to text: it keeps a turn of its own.
While lines are still arriving (the last came less than `settle` seconds ago) the
next turn waits for them, at most `gather` seconds, and so does a line that comes
just after a quick turn ended (a turn can be shorter than the gap between two
typed lines); a message after a pause is answered at once.

Lines also reach the queue in the order they were sent: socket.io runs each
event in a task of its own, and a line whose Redis calls return first would
otherwise overtake the one before it (a merchant id answered before the
question it answers). `submit` runs a message's preparation only once the
messages that arrived before it are queued.
"""
from __future__ import annotations

import asyncio
import logging
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import AsyncIterator, Awaitable, Callable, Dict, List, Optional, Tuple

logger = logging.getLogger(__name__)
_ENDS_A_SENTENCE = "。！？!?；;，,…"


@dataclass
class Turn:
    """The text of one turn and the senders' ids of every message it answers."""

    text: str
    refs: List[str] = field(default_factory=list)


def joined(waiting: List[Turn]) -> List[Turn]:
    """The waiting messages as turns: runs of plain text joined into one, each payload alone."""
    turns: List[Turn] = []
    for message in waiting:
        payload = message.text.startswith("/")
        if turns and not payload and not turns[-1].text.startswith("/"):
            before = turns[-1].text.rstrip()
            glue = "" if not before or before[-1] in _ENDS_A_SENTENCE else "。"
            turns[-1] = Turn(before + glue + message.text.strip(), turns[-1].refs + message.refs)
        else:
            turns.append(Turn(message.text, list(message.refs)))
    return turns


class Turns:
    """Runs `answer(conversation, turn)` for one conversation at a time, in order of arrival."""

    def __init__(self, answer: Callable[[str, Turn], Awaitable[None]],
                 settle: float = 1.0, gather: float = 3.0) -> None:
        self.answer = answer
        self.settle, self.gather = settle, gather
        self.waiting: Dict[str, List[Turn]] = {}
        self.last_arrival: Dict[str, float] = {}
        self.arriving: Dict[str, Tuple[asyncio.Lock, int]] = {}  # a lock and how many hold or wait for it

    async def submit(self, conversation: str, message: Turn,
                     prepare: Optional[Callable[[], Awaitable[bool]]] = None) -> None:
        """Queues the message and, when no turn of the conversation is under way, answers until none
        waits. `prepare` (the channel's own steps: recording and echoing the line) runs first, one
        message of the conversation at a time in the order they arrived; a message it turns down
        (False: sent twice) is not queued."""
        async with self._in_arrival_order(conversation):
            if prepare is not None and not await prepare():
                return
            still_typing = time.monotonic() - self.last_arrival.get(conversation, float("-inf")) < self.settle
            answer_now = self._queue(conversation, message)
        if answer_now:
            if still_typing:  # the last turn ended before the next line came: gather the rest first
                await self._still_arriving(conversation)
            await self._answer_waiting(conversation)

    @asynccontextmanager
    async def _in_arrival_order(self, conversation: str) -> AsyncIterator[None]:
        lock, users = self.arriving.get(conversation, (asyncio.Lock(), 0))
        self.arriving[conversation] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self.arriving[conversation]
            if users == 1:
                del self.arriving[conversation]
            else:
                self.arriving[conversation] = (lock, users - 1)

    def _queue(self, conversation: str, message: Turn) -> bool:
        """Queues the message; True when the caller is to answer it (no turn is under way)."""
        self.last_arrival[conversation] = time.monotonic()
        if conversation in self.waiting:  # a turn is under way: this one waits for it
            self.waiting[conversation].append(message)
            return False
        self.waiting[conversation] = [message]
        return True

    async def _answer_waiting(self, conversation: str) -> None:
        try:
            while self.waiting[conversation]:
                first, *rest = joined(self.waiting[conversation])
                self.waiting[conversation] = rest
                try:
                    await self.answer(conversation, first)
                except Exception:  # the door answers failures itself; this keeps the queue going
                    logger.exception("a turn of %s failed", conversation)
                if self.waiting[conversation]:
                    await self._still_arriving(conversation)
        finally:
            del self.waiting[conversation]
            asyncio.get_running_loop().call_later(self.settle, self._forget, conversation,
                                                  self.last_arrival.get(conversation))

    def _forget(self, conversation: str, arrival: Optional[float]) -> None:
        """Drops the time of the last line once it can no longer make a new line wait."""
        if conversation not in self.waiting and self.last_arrival.get(conversation) == arrival:
            self.last_arrival.pop(conversation, None)

    async def _still_arriving(self, conversation: str) -> None:
        """Waits while the merchant is still sending (at most `gather` seconds)."""
        give_up = time.monotonic() + self.gather
        while True:
            quiet_at = self.last_arrival[conversation] + self.settle
            now = time.monotonic()
            if now >= quiet_at or now >= give_up:
                return
            await asyncio.sleep(min(quiet_at, give_up) - now)
