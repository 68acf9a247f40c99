"""Rasa's Redis ticket lock, made safe for several Rasa servers on one Redis.

Rasa 3.6's RedisLockStore changes a conversation's lock by reading it, changing
it in the process and writing it back (Rasa issue 9213). Two servers taking a
ticket at once can both get the same number and then both handle the
conversation, and one's tracker overwrites the other's turn; a server clearing
expired tickets or deleting a finished lock can drop a ticket another server
has just taken, which then fails with a LockError. Here every change is one
Redis transaction on the lock's key (WATCH, then MULTI/EXEC, again when the key
changed meanwhile), so a ticket is issued once and never lost.
"""
from __future__ import annotations

import json
from typing import Callable, Optional, Text, Tuple, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError

Result = TypeVar("Result")
# A change of the lock: from the lock as stored (None when there is none) to a result and the
# lock to store (None to delete it).
Change = Callable[[Optional[TicketLock]], Tuple[Result, Optional[TicketLock]]]


class AtomicTicketLocks:
    """Mixin for RedisLockStore (which provides `red` and `key_prefix`): atomic lock changes."""

    def _change(self, conversation_id: Text, change: Change) -> Result:
        key = self.key_prefix + conversation_id

        def attempt(pipe) -> Result:
            raw = pipe.get(key)
            result, lock = change(TicketLock.from_dict(json.loads(raw)) if raw else None)
            pipe.multi()
            if lock is None:
                pipe.delete(key)
            else:
                pipe.set(key, lock.dumps())
            return result

        return self.red.transaction(attempt, key, value_from_callable=True)

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: Optional[TicketLock]) -> Tuple[int, TicketLock]:
            lock = lock or TicketLock(conversation_id)
            return lock.issue_ticket(lock_lifetime), lock

        try:
            return self._change(conversation_id, issue)
        except Exception as error:  # Rasa's own contract: any failure to take a ticket is a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: Text) -> None:
        def drop_expired(lock: Optional[TicketLock]) -> Tuple[None, Optional[TicketLock]]:
            if lock is not None:
                lock.remove_expired_tickets()
            return None, lock

        self._change(conversation_id, drop_expired)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Give the ticket back; the lock goes when no one else holds a ticket, in the same step."""
        def finish(lock: Optional[TicketLock]) -> Tuple[None, Optional[TicketLock]]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return None, lock if lock is not None and lock.is_someone_waiting() else None

        self._change(conversation_id, finish)
