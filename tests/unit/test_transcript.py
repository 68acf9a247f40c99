"""The conversation as shown (both sides, masked by the door, with the server's times), against a real Redis."""
import uuid

import pytest

from daozhang.transcript import KEPT_MESSAGES, Transcript, entry
from daozhang.wiring import redis_client


@pytest.fixture
def transcript(run):
    prefix = f"t{uuid.uuid4().hex[:8]}"
    client = redis_client("tools", db=8)
    yield Transcript(client, keep_seconds=60, prefix=prefix)
    for key in run(client.keys(f"{prefix}:*")):
        run(client.delete(key))


def test_both_sides_are_kept_in_order_with_their_times_and_turns(run, transcript):
    asked = entry("merchant", "卡号***************0128", ref="m1", at=1_800_000_000.25)
    answered = entry("bot", "请告诉我您的商户号", turn="t1", choices=[{"title": "转人工", "payload": "/request_human"}])
    run(transcript.add("socketio:s1", asked))
    run(transcript.add("socketio:s1", answered))
    kept = run(transcript.recent("socketio:s1"))
    assert kept == [asked, answered]
    assert kept[0]["time"] == 1_800_000_000_250 and kept[0]["ref"] == "m1" and kept[1]["turn"] == "t1"
    assert run(transcript.recent("socketio:other")) == []


def test_only_the_latest_messages_are_kept_and_they_expire(run, transcript):
    for n in range(KEPT_MESSAGES + 5):
        run(transcript.add("socketio:s2", entry("merchant", f"第{n}条")))
    kept = run(transcript.recent("socketio:s2"))
    assert len(kept) == KEPT_MESSAGES and kept[0]["text"] == "第5条"
    assert 0 < run(transcript.redis.ttl(transcript._key("socketio:s2"))) <= 60


def test_a_message_sent_again_with_the_same_id_is_recognised(run, transcript):
    first = entry("merchant", "898310000000002", ref="m7")
    assert run(transcript.first_time_seen("socketio:s3", "m7", first)) is None
    again = entry("merchant", "898310000000002", ref="m7")
    assert run(transcript.first_time_seen("socketio:s3", "m7", again)) == first  # what was shown then
    assert run(transcript.first_time_seen("socketio:s4", "m7", again)) is None  # ids are per conversation
