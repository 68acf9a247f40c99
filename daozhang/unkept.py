"""Whether the turn a channel is answering was kept: the tracker store says when it was not.

Rasa wraps every tracker store in its FailSafeTrackerStore, which swallows any failure: a turn
it cannot save is saved in the process's memory instead (gone at the next message, which reads
Redis), and a conversation it cannot read starts afresh. The merchant would be answered as if all
were well: a turn that no replica confirmed (daozhang/replicated.py) told as done, or an answer
made without the conversation so far. So the store (stores/redis_stores.py) notes its failure
here, and the door (channels/door.py), which watches the turn, adds the apology.

A context variable: the door sets a list before Rasa runs the message, and the task Rasa runs it
in shares the list, whatever else runs at the same time in the process.
"""
from __future__ import annotations

from contextvars import ContextVar
from typing import List, Optional

_FAILURES: ContextVar[Optional[List[BaseException]]] = ContextVar("daozhang_unkept_turn", default=None)


def watch_turn() -> List[BaseException]:
    """A new list of this turn's tracker store failures, filled while Rasa handles the message
    (call it before the task that runs the message is made)."""
    failures: List[BaseException] = []
    _FAILURES.set(failures)
    return failures


def not_kept(error: BaseException) -> None:
    """The tracker store could not read or save the turn being answered (outside a turn: nothing)."""
    failures = _FAILURES.get()
    if failures is not None:
        failures.append(error)
