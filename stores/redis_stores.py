"""Redis tracker and lock stores configured from REDIS_* environment variables.

Rasa's endpoint files cannot give defaults for environment variables, so the
connection comes from here: REDIS_HOST (localhost), REDIS_PORT (6379),
REDIS_DB (0), REDIS_PASSWORD (none). The tracker store also masks card
numbers, passwords and SMS codes in everything it writes, whatever channel
the conversation came from.

A conversation is a Redis list of its events, each masked JSON, and a turn appends only the
events it added (RPUSH): Rasa's own store read, merged and rewrote the whole conversation on
every turn, so a turn cost more the longer the conversation (`make bench`, `turn40_vs_5`).
A conversation stored whole under the same key by an earlier release is still read, and
becomes a list at its next turn.

Rasa's stores take one host. With REDIS_SENTINELS set, their client (`self.red`) is replaced by
the one daozhang.wiring makes for the master the Sentinels name, and a saved turn is
acknowledged only once a replica has it (daozhang.replicated). A turn the store cannot read or
save is noted for the door (daozhang.unkept), which apologises: Rasa's own wrapper hides it.
"""
from __future__ import annotations

import itertools
import json
from typing import Any, List, Optional, Text, Tuple, Union

import ujson
from rasa.core.lock_store import RedisLockStore
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.conversation import Dialogue
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, split_events
from rasa.shared.core.trackers import DialogueStateTracker, get_trackers_for_conversation_sessions
from rasa.utils.endpoints import EndpointConfig

from daozhang.masking import mask_values
from daozhang.replicated import transaction
from daozhang.unkept import not_kept
from daozhang.wiring import blocking_redis, redis_settings, replica_wait_ms, sentinels
from stores.ticket_locks import AtomicTicketLocks


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else value


def stored_conversation(client: Any, key: Any) -> Optional[Text]:
    """A stored conversation as Rasa serialises a tracker (JSON with its events), from its list
    or from the one key an earlier release kept it in; None when there is none."""
    kind, events = client.pipeline(transaction=False).type(key).lrange(key, 0, -1).execute(raise_on_error=False)
    if _text(kind) == "string":
        return _text(client.get(key))
    if not events or isinstance(events, Exception):
        return None
    return f'{{"name": "", "events": [{",".join(map(_text, events))}]}}'  # the name: the tracker is named by its key


class MaskingRedisTrackerStore(RedisTrackerStore):
    """RedisTrackerStore from the environment that never writes a secret, and writes a turn's
    events only."""

    def __init__(self, domain: Domain, host: Optional[Text] = None, port: Any = None,
                 db: Any = None, key_prefix: Optional[Text] = "daozhang", **kwargs: Any) -> None:
        settings = redis_settings(host, port, db)
        kwargs.pop("password", None)
        super().__init__(domain, key_prefix=key_prefix, **settings, **kwargs)
        self.replica_wait_ms = None
        if sentinels():
            self.red = blocking_redis("state", db=settings["db"])
            self.replica_wait_ms = replica_wait_ms()

    def _publish(self, masked: List[dict], sender_id: Text) -> None:
        """Rasa's `_stream_new_events` for the events as the store writes them (masked), in one
        batch when the broker takes one (our SQL broker)."""
        bodies = [{"sender_id": sender_id, **event} for event in masked]
        if hasattr(self.event_broker, "publish_many"):
            self.event_broker.publish_many(bodies)
        else:
            for body in bodies:
                self.event_broker.publish(body)

    def _stored_end(self, key: Text) -> Tuple[Optional[dict], Optional[Text]]:
        """(the last stored event, the whole conversation when an earlier release stored it as one key)."""
        kind, last = self.red.pipeline(transaction=False).type(key).lindex(key, -1).execute(raise_on_error=False)
        if _text(kind) == "string":
            return None, self.red.get(key)
        return (json.loads(last) if isinstance(last, (str, bytes)) else None), None

    @staticmethod
    def _new_events(tracker: DialogueStateTracker, last: Optional[dict]) -> List[Event]:
        """The tracker's events after the last one stored (found from the end: a turn adds a few)."""
        events = tracker.events
        if last is None:
            return list(events)
        for index in range(len(events) - 1, -1, -1):
            if events[index].timestamp == last["timestamp"] and events[index].type_name == last["event"]:
                return list(itertools.islice(events, index + 1, len(events)))
        return [event for event in events if event.timestamp > last["timestamp"]]

    async def save(self, tracker: DialogueStateTracker, timeout: Optional[float] = None) -> None:
        """Rasa's save, its failure noted for the door (daozhang/unkept.py): Rasa keeps the turn
        in memory only and answers as if it were kept."""
        try:
            await self._append(tracker, timeout)
        except Exception as error:
            not_kept(error)
            raise

    async def _append(self, tracker: DialogueStateTracker, timeout: Optional[float]) -> None:
        """Appends the turn's events, masked, and gives them to the event broker; through Sentinels
        the write returns once a replica has it."""
        key = self.key_prefix + tracker.sender_id
        last, whole = self._stored_end(key)
        if whole is not None:  # stored whole by an earlier release: merged as Rasa does, then a list
            tracker = self._merge_trackers(self.deserialise_tracker(tracker.sender_id, whole), tracker)
        new = [mask_values(event.as_dict()) for event in self._new_events(tracker, last)]
        if self.event_broker is not None:
            self._publish(new, tracker.sender_id)
        if not new and whole is None:
            return
        expiry = timeout or self.record_exp
        with transaction(self.red, self.replica_wait_ms) as pipe:
            if whole is not None:
                pipe.delete(key)
            if new:
                pipe.rpush(key, *map(json.dumps, new))
            if expiry:
                pipe.expire(key, int(expiry))
            pipe.execute()

    def deserialise_tracker(self, sender_id: Text, serialised_tracker: Union[Text, bytes]) -> DialogueStateTracker:
        """Rasa's, read with ujson: a 40-turn conversation is 190 kB of JSON, read at every turn
        (1.4x as fast as the standard library's reader here)."""
        tracker = self.init_tracker(sender_id)
        tracker.recreate_from_dialogue(Dialogue.from_parameters(ujson.loads(serialised_tracker)))
        return tracker

    async def _retrieve(self, sender_id: Text, fetch_all_sessions: bool) -> Optional[DialogueStateTracker]:
        """Rasa's, reading the list (the whole conversation, or its last session); a failure is noted
        for the door (daozhang/unkept.py): Rasa would answer as if the conversation had just begun."""
        try:
            stored = stored_conversation(self.red, self.key_prefix + sender_id)
        except Exception as error:
            not_kept(error)
            raise
        if stored is None:
            return None
        tracker = self.deserialise_tracker(sender_id, stored)
        sessions = split_events(tracker.events, ActionExecuted, {"action_name": ACTION_SESSION_START_NAME})
        if fetch_all_sessions or len(sessions) <= 1:
            return tracker  # one session: not replayed a second time to split it
        return get_trackers_for_conversation_sessions(tracker)[-1]


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
