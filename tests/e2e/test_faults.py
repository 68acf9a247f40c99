"""Faults behind the REST channel (and the chat page's socket.io with Redis gone): the merchant always
gets a short apology in time, never silence.

A stack of its own (its own Redis, which these tests stop), with a backend that
stalls for a minute: the deadline a merchant sees is the reply deadline (6 s),
asserted with a wide margin. The faults are taken in turn: slow, action server
down, Redis refusing writes, Redis down.
"""
import time
import urllib.error
import uuid

import pytest

from tests.support.redis_server import RedisServer
from tests.support.stack import Stack, http_json
from tests.support.widget_peer import WidgetPeer

WITHIN_SECONDS = 15  # the deadline is 6 s; a merchant would notice anything near a minute


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    redis_server = RedisServer().start()
    try:  # a stack that fails to start leaves no Redis running
        stack = Stack(tmp_path_factory.mktemp("faulty"), redis_port=redis_server.port,
                      DZ_LOOKUP_TIMEOUT="60").start()
        yield stack, redis_server
        stack.stop()
    finally:
        redis_server.stop()


def timed_say(stack, text):
    started = time.monotonic()
    replies = stack.say(f"fault-{uuid.uuid4().hex[:6]}", text)
    return "\n".join(r.get("text", "") for r in replies), time.monotonic() - started


def health(stack):
    try:
        return 200, http_json(f"{stack.url}/webhooks/rest/health")
    except urllib.error.HTTPError as error:
        import json

        return error.code, json.loads(error.read().decode())


def test_1_all_well_is_reported_healthy(faulty):
    stack, _ = faulty
    assert health(stack) == (200, {"status": "ok", "redis": True, "action_server": True})


def test_2_a_stalling_backend_gets_an_apology_within_seconds(faulty):
    stack, _ = faulty
    said, seconds = timed_say(stack, "昨天刷卡的钱没到账 商户号898310000000500")
    assert seconds < WITHIN_SECONDS and "有点慢" in said


def test_3_the_action_server_down_gets_an_apology_not_silence(faulty):
    stack, _ = faulty
    stack.action_server.terminate()
    stack.action_server.wait(timeout=20)
    said, seconds = timed_say(stack, "刷卡的钱没到账")
    assert seconds < WITHIN_SECONDS and "抱歉" in said and said.strip()
    code, body = health(stack)
    assert code == 503 and body["action_server"] is False and body["redis"] is True


def test_4_redis_refusing_writes_gets_an_apology_not_silence(faulty):
    import redis

    stack, redis_server = faulty
    client = redis.Redis(host="127.0.0.1", port=redis_server.port)
    client.config_set("min-replicas-to-write", 1)  # every write now fails (NOREPLICAS), as with MISCONF
    try:
        said, seconds = timed_say(stack, "你好")
        assert seconds < WITHIN_SECONDS and "故障" in said
        code, body = health(stack)
        assert code == 503 and body["redis"] is False
        log = (stack.workdir / "rasa.log").read_text()  # whoever runs the server can see why
        assert "could not be handled" in log and "Traceback (most recent call last)" in log and "NOREPLICAS" in log
    finally:
        client.config_set("min-replicas-to-write", 0)


def test_5_redis_down_gets_an_apology_not_silence(faulty):
    stack, redis_server = faulty
    redis_server.stop()
    said, seconds = timed_say(stack, "你好")
    assert seconds < WITHIN_SECONDS and "故障" in said
    code, body = health(stack)
    assert code == 503 and body["redis"] is False


def test_6_the_chat_page_with_redis_down_gets_an_apology_not_silence(faulty):
    stack, _ = faulty  # Redis still down: no issued session, no record of the conversation
    tab = WidgetPeer(stack.url)
    try:
        started = time.monotonic()
        said = "".join(tab.say("你好", timeout=WITHIN_SECONDS))
        assert time.monotonic() - started < WITHIN_SECONDS and "故障" in said
    finally:
        tab.close()
