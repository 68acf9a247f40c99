"""Bad input through every channel: a clear reply or a clean 4xx every time, nothing unmasked stored,
and the server still answering afterwards. REST, the hotline, WeChat and the web widget on the shared stack."""
import uuid

import pytest
import redis

from tests.stack import http_post
from tests.wechat_peer import WeChatServers, follower, signed
from tests.widget_peer import WidgetPeer

CARD, PASSWORD = "6222021234567894", "870421"
BAD_MESSAGES = ["", "   \n\t ", "\x00\x07\x1b[2J", "😀😀😀", "<script>alert('x')</script>",
                "'; DROP TABLE merchants; --", f"卡号{CARD}", f"密码是{PASSWORD}"]


def answered(text):
    return bool(text and text.strip())


@pytest.fixture(scope="module")
def wechat(stack, wechat_api):
    return WeChatServers(stack, wechat_api)


def test_rest(stack):
    who = f"bad-{uuid.uuid4().hex[:8]}"
    for message in BAD_MESSAGES:
        assert answered("".join(r.get("text", "") for r in stack.say(who, message))), repr(message)
    status, _ = http_post(f"{stack.url}/webhooks/rest/webhook", b'{"sender": "x", "message": "\xff\xfe"}')
    assert status == 400
    status, answer = http_post(f"{stack.url}/webhooks/rest/webhook",  # a lone surrogate: valid JSON, no text
                               b'{"sender": "%s", "message": "\\ud800 \\ud83d\\ude00"}' % who.encode())
    assert status == 200 and answered("".join(r.get("text", "") for r in answer))


def test_hotline(stack):
    call = f"bad-{uuid.uuid4().hex[:8]}"
    for message in BAD_MESSAGES:
        status, answer = stack.ivr({"call_id": call, "transcript": message, "confidence": 0.9})
        assert status == 200 and answered("".join(m["text"] for m in answer["messages"])), repr(message)
    status, _ = http_post(f"{stack.url}/webhooks/ivr/webhook", b'{"call_id": "\xff"}',
                          {"Authorization": "Bearer ivr-test-token"})
    assert status == 400


def test_wechat(wechat):
    openid = follower()
    for message in BAD_MESSAGES:
        if "\x00" in message:  # not even XML: WeChat cannot send it, and a forged one is refused
            status, _ = wechat.post(wechat.message(openid, "text", Content=message))
            assert status == 400
            continue
        assert answered(wechat.say(openid, message)), repr(message)
    status, _ = wechat.post(b"<xml><Content>\xff\xfe</Content></xml>", query=signed())
    assert status == 400


def test_web_widget(stack):
    tab = WidgetPeer(stack.url)
    try:
        for message in BAD_MESSAGES:
            secret = CARD in message or PASSWORD in message  # the door's warning, then the turn's answer
            assert answered("".join(tab.say(message, replies=2 if secret else 1))), repr(message)
    finally:
        tab.close()


def test_nothing_unmasked_was_stored_and_every_channel_still_answers(stack, wechat):
    client = redis.Redis(host=stack.redis_host, port=stack.redis_port, db=stack.redis_db)
    for key in client.scan_iter("daozhang:tracker:*"):
        stored = client.get(key).decode()
        assert CARD not in stored and PASSWORD not in stored, key
    assert stack.say(f"after-{uuid.uuid4().hex[:6]}", "你好")
    status, answer = stack.ivr({"call_id": f"after-{uuid.uuid4().hex[:6]}", "transcript": "你好", "confidence": 0.9})
    assert status == 200 and answer["messages"]
    assert answered(wechat.say(follower(), "你好"))
    tab = WidgetPeer(stack.url)
    try:
        assert answered("".join(tab.say("你好")))
    finally:
        tab.close()


@pytest.mark.parametrize("route", ["webhooks/rest/webhook", "webhooks/ivr/webhook", "webhooks/wechat/webhook",
                                   "socket.io/?EIO=4&transport=polling", "model/parse"])
def test_a_20_mb_body_is_refused_with_413_and_a_json_error(stack, route):
    body = b'{"sender": "huge", "message": "' + b"x" * (20 * 1024 * 1024) + b'"}'
    status, answer = http_post(f"{stack.url}/{route}", body)  # sent whole, as a client without Expect does
    assert status == 413 and answer["max_bytes"] == 1024 * 1024 and "too large" in answer["error"]
    assert answered("".join(r.get("text", "") for r in stack.say(f"after-{uuid.uuid4().hex[:6]}", "你好")))


def test_a_body_within_the_limit_is_still_a_message(stack):
    who = f"long-{uuid.uuid4().hex[:8]}"
    said = "".join(r.get("text", "") for r in stack.say(who, "昨天刷卡两千三没到账。" * 10_000))  # 110,000 characters, 660 kB as JSON escapes
    assert "2000" in said or "2,000" in said
