"""Redis tracker and lock stores configured from REDIS_* environment variables.

Rasa's endpoint files cannot give defaults for environment variables, so the
connection comes from here: REDIS_HOST (localhost), REDIS_PORT (6379),
REDIS_DB (0), REDIS_PASSWORD (none). The tracker store also masks card
numbers, passwords and SMS codes in everything it writes, whatever channel
the conversation came from.

Rasa's stores take one host. With REDIS_SENTINELS set, their client (`self.red`) is replaced by
the one daozhang.wiring makes for the master the Sentinels name, and a saved turn is
acknowledged only once a replica has it (daozhang.replicated). A turn the store cannot read or
save is noted for the door (daozhang.unkept), which apologises: Rasa's own wrapper hides it.
"""
from __future__ import annotations

import json
from typing import Any, Optional, Text

from rasa.core.lock_store import RedisLockStore
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from daozhang.masking import mask_values
from daozhang.replicated import transaction
from daozhang.unkept import not_kept
from daozhang.wiring import blocking_redis, redis_settings, replica_wait_ms, sentinels
from stores.ticket_locks import AtomicTicketLocks


class MaskingRedisTrackerStore(RedisTrackerStore):
    """RedisTrackerStore from the environment that never writes a secret."""

    def __init__(self, domain: Domain, host: Optional[Text] = None, port: Any = None,
                 db: Any = None, key_prefix: Optional[Text] = "daozhang", **kwargs: Any) -> None:
        settings = redis_settings(host, port, db)
        kwargs.pop("password", None)
        super().__init__(domain, key_prefix=key_prefix, **settings, **kwargs)
        self.replica_wait_ms = None
        if sentinels():
            self.red = blocking_redis("state", db=settings["db"])
            self.replica_wait_ms = replica_wait_ms()

    @staticmethod
    def serialise_tracker(tracker: DialogueStateTracker) -> Text:
        return json.dumps(mask_values(tracker.as_dialogue().as_dict()))

    async def _retrieve(self, sender_id: Text, fetch_all_sessions: bool) -> Optional[DialogueStateTracker]:
        """Rasa's read, its failure noted for the door (daozhang/unkept.py): Rasa would answer as if
        the conversation had just begun."""
        try:
            return await super()._retrieve(sender_id, fetch_all_sessions)
        except Exception as error:
            not_kept(error)
            raise

    async def save(self, tracker: DialogueStateTracker, timeout: Optional[float] = None) -> None:
        """Rasa's save, its failure noted for the door (daozhang/unkept.py): Rasa keeps the turn
        in memory only and answers as if it were kept."""
        try:
            await self._save(tracker, timeout)
        except Exception as error:
            not_kept(error)
            raise

    async def _save(self, tracker: DialogueStateTracker, timeout: Optional[float]) -> None:
        """Rasa's save; through Sentinels its write returns once a replica has the turn."""
        if self.replica_wait_ms is None:
            return await super().save(tracker, timeout)
        await self.stream_events(tracker)
        key = self.key_prefix + tracker.sender_id
        stored = self.red.get(key)
        if stored is not None:
            tracker = self._merge_trackers(self.deserialise_tracker(tracker.sender_id, stored), tracker)
        with transaction(self.red, self.replica_wait_ms) as pipe:
            pipe.set(key, self.serialise_tracker(tracker), ex=timeout or self.record_exp).execute()


class EnvRedisLockStore(AtomicTicketLocks, RedisLockStore):
    """RedisLockStore from the environment, its lock changes atomic (several Rasa servers). Locks
    are not waited for: a lock lost in a failover lets at most one message be handled beside
    another of the same conversation."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        kwargs = endpoint_config.kwargs
        settings = redis_settings(endpoint_config.url, kwargs.get("port"), kwargs.get("db"))
        super().__init__(key_prefix=kwargs.get("key_prefix", "daozhanglock"), **settings)
        if sentinels():
            self.red = blocking_redis("state", db=settings["db"])
