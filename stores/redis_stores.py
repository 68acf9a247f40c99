"""Redis tracker and lock stores configured from REDIS_* environment variables.

Rasa's endpoint files cannot give defaults for environment variables, so the
connection comes from here: REDIS_HOST (localhost), REDIS_PORT (6379),
REDIS_DB (0), REDIS_PASSWORD (none). The tracker store also masks card
numbers, passwords and SMS codes in everything it writes, whatever channel
the conversation came from.
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
from daozhang.wiring import redis_settings
from stores.ticket_locks import AtomicTicketLocks


class MaskingRedisTrackerStore(RedisTrackerStore):
    """RedisTrackerStore from the environment that never writes a secret."""

    def __init__(self, domain: Domain, host: Optional[Text] = None, port: Any = None,
                 db: Any = None, key_prefix: Optional[Text] = "daozhang", **kwargs: Any) -> None:
        settings = redis_settings(host, port, db)
        kwargs.pop("password", None)
        super().__init__(domain, key_prefix=key_prefix, **settings, **kwargs)

    @staticmethod
    def serialise_tracker(tracker: DialogueStateTracker) -> Text:
        return json.dumps(mask_values(tracker.as_dialogue().as_dict()))


class EnvRedisLockStore(AtomicTicketLocks, RedisLockStore):
    """RedisLockStore from the environment, its lock changes atomic (several Rasa servers)."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        kwargs = endpoint_config.kwargs
        settings = redis_settings(endpoint_config.url, kwargs.get("port"), kwargs.get("db"))
        super().__init__(key_prefix=kwargs.get("key_prefix", "daozhanglock"), **settings)
