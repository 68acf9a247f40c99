"""The tracker store writes a turn's events only (stores/redis_stores.py), against the test
session's real Redis: events in order, nothing lost between two servers, secrets masked, a
conversation stored whole by an earlier release still read, and a save at turn 200 writing what
a save at turn 5 writes."""
import json
import uuid

import pytest
import redis
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from stores.redis_stores import MaskingRedisTrackerStore

CARD = "6222021234567894"


@pytest.fixture
def prefix():
    return f"i{uuid.uuid4().hex[:8]}"


@pytest.fixture
def client():
    import os

    return redis.Redis(host=os.environ["REDIS_HOST"], port=int(os.environ["REDIS_PORT"]), decode_responses=True)


class Broker:
    """An event broker that keeps what it is given."""

    def __init__(self):
        self.published = []

    def publish(self, event):
        self.published.append(event)


def turn(store, run, sender, text):
    """One turn as Rasa's processor does it: retrieve, the merchant's message and an answer, save."""
    tracker = run(store.retrieve(sender)) or DialogueStateTracker(sender, slots=[])
    tracker.update(UserUttered(text))
    tracker.update(ActionExecuted("utter_answer"))
    tracker.update(BotUttered(f"答：{text}"))
    run(store.save(tracker))


def said(store, run, sender):
    return [e.text for e in run(store.retrieve(sender)).events if isinstance(e, UserUttered)]


def test_turns_are_kept_in_order_masked_and_streamed_once(run, prefix, client):
    broker = Broker()
    store = MaskingRedisTrackerStore(Domain.empty(), key_prefix=prefix, event_broker=broker)
    lines = ["昨天刷卡两千三没到账", f"我的卡号是{CARD}", "商户号898310000000003"]
    for line in lines:
        turn(store, run, "rest:m1", line)
    kept = said(store, run, "rest:m1")
    assert [kept[0], kept[2]] == [lines[0], lines[2]] and kept[1].startswith("我的卡号是") and CARD not in kept[1]
    stored = client.lrange(f"{prefix}:tracker:rest:m1", 0, -1)
    assert len(stored) == 9 and CARD not in "".join(stored)
    assert [e["event"] for e in broker.published] == ["user", "action", "bot"] * 3
    assert CARD not in str(broker.published)  # the console's feed is masked as the store is


def test_two_servers_taking_turns_lose_nothing(run, prefix):
    first, second = (MaskingRedisTrackerStore(Domain.empty(), key_prefix=prefix) for _ in range(2))
    lines = [f"第{n}句" for n in range(10)]
    for n, line in enumerate(lines):
        turn((first, second)[n % 2], run, "rest:m2", line)
    assert said(MaskingRedisTrackerStore(Domain.empty(), key_prefix=prefix), run, "rest:m2") == lines


def test_a_conversation_stored_whole_by_an_earlier_release_is_read_and_goes_on(run, prefix, client):
    old = DialogueStateTracker("rest:m3", slots=[])
    old.update(UserUttered("刷卡的钱没到账"))
    key = f"{prefix}:tracker:rest:m3"
    client.set(key, json.dumps(old.as_dialogue().as_dict()))
    store = MaskingRedisTrackerStore(Domain.empty(), key_prefix=prefix)
    assert said(store, run, "rest:m3") == ["刷卡的钱没到账"]
    turn(store, run, "rest:m3", f"卡号{CARD}")
    assert client.type(key) == "list" and CARD not in "".join(client.lrange(key, 0, -1))
    assert said(store, run, "rest:m3")[0] == "刷卡的钱没到账" and len(said(store, run, "rest:m3")) == 2


def _written_by_one_turn(store, run, client, sender):
    """(commands, bytes) Redis received for one turn's save."""
    tracker = run(store.retrieve(sender))
    tracker.update(UserUttered("还没到账"))
    client.config_resetstat()
    run(store.save(tracker))
    stats, info = client.info("commandstats"), client.info("stats")
    return {name: value["calls"] for name, value in stats.items()}, info["total_net_input_bytes"]


def test_a_save_writes_the_turn_only_however_long_the_conversation(run, prefix, client):
    store = MaskingRedisTrackerStore(Domain.empty(), key_prefix=prefix)
    for n in range(5):
        turn(store, run, "rest:m4", f"第{n}句")
    early_commands, early_bytes = _written_by_one_turn(store, run, client, "rest:m4")
    for n in range(5, 200):
        turn(store, run, "rest:m4", f"第{n}句")
    late_commands, late_bytes = _written_by_one_turn(store, run, client, "rest:m4")
    assert len(run(store.retrieve("rest:m4")).events) == 200 * 3 + 2
    assert "cmdstat_set" not in late_commands and "cmdstat_get" not in late_commands
    assert late_commands.get("cmdstat_rpush") == 1
    assert late_bytes <= early_bytes + 64  # the bytes of one event, not of the conversation


def test_a_turn_reads_the_last_session_and_the_whole_conversation_stays_kept(run, prefix):
    store = MaskingRedisTrackerStore(Domain.empty(), key_prefix=prefix)
    tracker = DialogueStateTracker("rest:m9", slots=[])
    for session, line in enumerate(["上周的钱没到", "今天又来问"]):
        tracker.update(ActionExecuted("action_session_start"))
        tracker.update(SessionStarted())
        tracker.update(ActionExecuted("action_listen"))
        tracker.update(UserUttered(line))
        run(store.save(tracker))
        last = run(store.retrieve("rest:m9"))
        assert [e.text for e in last.events if isinstance(e, UserUttered)] == [line]
    assert said(store, run, "rest:m9") == ["今天又来问"]
    whole = run(store.retrieve_full_tracker("rest:m9"))
    assert [e.text for e in whole.events if isinstance(e, UserUttered)] == ["上周的钱没到", "今天又来问"]
