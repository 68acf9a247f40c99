"""Bad input through every channel: a clear reply or a clean 4xx every time, nothing unmasked stored,
and the server still answering afterwards. REST, the hotline, WeChat and the web widget on the shared stack."""
import uuid

import pytest
import redis

from stores.redis_stores import stored_conversation
from tests.support.secrets import holds
from tests.support.stack import http_post
from tests.support.wechat_peer import WeChatServers, follower, signed
from tests.support.widget_peer import WidgetPeer

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
        stored = stored_conversation(client, key)
        assert not holds(stored, CARD) and not holds(stored, PASSWORD), key
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


def raw_request(stack, head: str, body: bytes = b"", read_after: float = 5) -> bytes:
    """What the server answers to bytes written by hand (a broken client)."""
    import socket

    port = int(stack.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=read_after) as conn:
        conn.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        answer = b""
        try:
            while chunk := conn.recv(65536):
                answer += chunk
        except (socket.timeout, ConnectionResetError):
            pass
    return answer


@pytest.mark.parametrize("length", ["-5", "abc", "0x10"])
def test_a_content_length_that_is_no_count_is_a_400_and_the_server_keeps_answering(stack, length):
    answer = raw_request(stack, f"POST /webhooks/rest/webhook HTTP/1.1\nHost: x\nContent-Length: {length}\n", b"{}")
    assert answer.startswith(b"HTTP/1.1 400"), answer[:100]
    assert answered("".join(r.get("text", "") for r in stack.say(f"after-{uuid.uuid4().hex[:6]}", "你好")))


def test_a_client_that_waits_for_100_continue_gets_the_413_instead(stack):
    answer = raw_request(stack, "POST /webhooks/rest/webhook HTTP/1.1\nHost: x\nContent-Type: application/json\n"
                                f"Content-Length: {20 * 1024 * 1024}\nExpect: 100-continue\n")
    assert answer.startswith(b"HTTP/1.1 413") and b"100 Continue" not in answer and b"max_bytes" in answer


def test_a_chunked_body_over_the_limit_gets_a_readable_413(stack):
    import http.client

    port = int(stack.url.rsplit(":", 1)[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    chunks = (b"x" * 65536 for _ in range(20 * 16))  # 20 MB, sent whole before the answer is read
    conn.request("POST", "/webhooks/rest/webhook", body=chunks, encode_chunked=True,
                 headers={"Content-Type": "application/json"})
    answer = conn.getresponse()
    assert answer.status == 413 and b"max_bytes" in answer.read()


def test_oversized_headers_are_named_as_such(stack):
    answer = raw_request(stack, "GET /webhooks/rest/health HTTP/1.1\nHost: x\n" + "X-Pad: " + "a" * 100_000 + "\n")
    assert answer.startswith(b"HTTP/1.1 431") and b"headers too large" in answer


@pytest.mark.parametrize("route, headers", [("webhooks/rest/webhook", {}),
                                            ("webhooks/ivr/webhook", {"Authorization": "Bearer ivr-test-token"})])
def test_json_nested_too_deep_is_a_400_not_a_500(stack, route, headers):
    status, _ = http_post(f"{stack.url}/{route}", b"[" * 100_000, headers)
    assert status == 400
