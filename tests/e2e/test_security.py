"""Who is asking, and what never leaks: the stack as an acquirer would run it.

A stack of its own, configured the way a deployment is: RASA_TOKEN set (REST
needs the bearer token, Rasa's HTTP API its `?token=`), merchant verification
on (DZ_VERIFY=1 with the sandbox), both servers logging at debug level so that
the scans below see everything a log could hold.
"""
import asyncio
import json
import re
import socket
import threading
import time
import uuid

import pytest
import redis

from daozhang.adapters.sandbox import SandboxAdapter
from stores.redis_stores import stored_conversation
from tests.support.secrets import holds
from tests.support.stack import IVR_TOKEN, Stack, http_post
from tests.support.wechat_peer import WeChatServers, account_settings, follower
from tests.support.widget_peer import WidgetPeer

TOKEN = "rest-test-token"
QR_MERCHANT = "898310000000002"      # settlement card 5566, registered phone 13800130002
CARD_MERCHANT = "898310000000003"    # settlement card 1188


@pytest.fixture(scope="module")
def guarded(tmp_path_factory, wechat_api):
    stack = Stack(tmp_path_factory.mktemp("guarded"), redis_db=5, token=TOKEN, debug=True,
                  DZ_VERIFY="1", IVR_TOKEN=IVR_TOKEN, **account_settings(wechat_api.url, passive_seconds=4)).start()
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
def wechat(guarded, wechat_api):
    return WeChatServers(guarded, wechat_api)


def sender(label="s"):
    return f"{label}-{uuid.uuid4().hex[:8]}"


def texts(replies):
    return "\n".join(r.get("text", "") for r in replies)


def store(stack):
    return redis.Redis(host=stack.redis_host, port=stack.redis_port, db=stack.redis_db)


def post_rest(stack, body: bytes, token=TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return http_post(f"{stack.url}/webhooks/rest/webhook", body, headers)


# Tokens and who may call what

@pytest.mark.parametrize("token, status", [(None, 401), ("wrong", 403)])
def test_rest_needs_the_token_and_stores_nothing_without_it(guarded, token, status):
    who = sender()
    got, _ = post_rest(guarded, json.dumps({"sender": who, "message": "二维码收款没到账"}).encode(), token)
    assert got == status
    assert not store(guarded).exists(f"daozhang:tracker:rest:{who}")


def test_rasa_http_api_needs_the_token(guarded):
    who = sender()
    guarded.say(who, "你好")
    status, _ = http_post(f"{guarded.url}/model/parse", json.dumps({"text": "你好"}).encode())
    assert status == 401
    assert guarded.tracker(who)["sender_id"] == f"rest:{who}"  # with ?token= it answers


def test_the_action_server_is_not_reachable_from_outside_the_host(guarded):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("10.255.255.255", 1))  # no packet is sent: this only picks the outward interface
        outward = probe.getsockname()[0]
    assert not outward.startswith("127."), "this host has no non-loopback address to try"
    with socket.create_connection(("127.0.0.1", guarded.action_port), timeout=5):
        pass  # it is up, on loopback
    with pytest.raises(OSError):
        socket.create_connection((outward, guarded.action_port), timeout=5).close()


def test_the_client_cannot_choose_the_input_channel(guarded):
    who = sender()
    status, _ = post_rest(guarded, json.dumps({"sender": who, "message": "你好", "input_channel": "ivr"}).encode())
    assert status == 200
    user = [e for e in guarded.tracker(who)["events"] if e["event"] == "user"]
    assert user[-1]["input_channel"] == "rest"


@pytest.mark.parametrize("body", [
    b"[1, 2, 3]", b'"just a string"', b"not json", b"\xff\xfe\x00", b"{}",
    b'{"message": "hello"}', b'{"sender": 42, "message": "hi"}', b'{"sender": "", "message": "hi"}',
    json.dumps({"sender": "x" * 5000, "message": "hi"}).encode(), b'{"sender": "a\\u0000b", "message": "hi"}',
    b'{"sender": "abc"}', b'{"sender": "abc", "message": ["hi"]}', b'{"sender": "abc", "message": "hi", "metadata": 5}',
])
def test_bad_json_shapes_get_a_clean_400_and_nothing_is_stored(guarded, body):
    before = set(store(guarded).scan_iter("daozhang:tracker:*"))
    status, answer = post_rest(guarded, body)
    assert status == 400 and answer["error"]
    assert set(store(guarded).scan_iter("daozhang:tracker:*")) == before
    assert guarded.say(sender(), "你好")  # the server still answers


# Who is asking

def test_a_merchant_id_alone_reveals_nothing_until_the_check_passes(guarded):
    who = sender("verify")
    guarded.say(who, "二维码收款没到账")
    asked = texts(guarded.say(who, f"商户号{QR_MERCHANT}"))
    assert "后四位" in asked and "368" not in asked and "5566" not in asked
    failed = texts(guarded.say(who, "尾号1234"))
    assert "没有通过" in failed and "2次" in failed and "368" not in failed
    passed = texts(guarded.say(who, "结算卡后四位5566"))
    assert "核对通过" in passed and "368.00元" in passed
    said = [e for e in json.loads(stored_conversation(store(guarded), f"daozhang:tracker:rest:{who}"))["events"]
            if e["event"] == "user"]
    answers = json.dumps(said[-2:], ensure_ascii=False)  # the stored answers, with their parse data
    assert "5566" not in answers and "1234" not in answers and "尾号****" in answers


def test_a_check_given_with_the_merchant_id_spares_the_question_and_is_masked(guarded):
    who = sender("upfront")
    answer = texts(guarded.say(who, f"二维码收款没到账 商户号{QR_MERCHANT} 结算卡尾号5566"))
    assert "368.00元" in answer and "后四位" not in answer
    said = [e["text"] for e in guarded.tracker(who)["events"] if e["event"] == "user"]
    assert "5566" not in said[0] and "结算卡尾号****" in said[0]


def test_an_amount_typed_while_the_check_is_asked_is_no_failed_check(guarded):
    who = sender("amount")
    guarded.say(who, "昨天刷卡的钱没到账")
    assert "后四位" in texts(guarded.say(who, "898310000000004"))
    again = texts(guarded.say(who, "1200那笔呢"))
    assert "没有通过" not in again and "后四位" in again
    tail = asyncio.run(SandboxAdapter().find_merchant("898310000000004")).card_last4
    assert "核对通过" in texts(guarded.say(who, f"尾号{tail}"))


def test_three_failed_checks_lock_the_merchant_id_for_every_sender(guarded):
    for attempt in range(3):
        who = sender(f"guess{attempt}")
        guarded.say(who, "昨天刷卡的钱没到账")
        guarded.say(who, CARD_MERCHANT)
        last = texts(guarded.say(who, f"{attempt}{attempt}{attempt}7"))
    assert "锁定" in last and "人工" in last
    owner = sender("owner")
    guarded.say(owner, "昨天刷卡的钱没到账")
    locked = texts(guarded.say(owner, CARD_MERCHANT))
    assert "锁定" in locked and "1,250.00" not in locked


def test_a_trusted_integration_vouches_for_the_merchant_it_authenticated(guarded):
    who = sender("app")
    guarded.say(who, "二维码收款没到账", metadata={"verified_merchant_id": QR_MERCHANT})
    answer = texts(guarded.say(who, QR_MERCHANT, metadata={"verified_merchant_id": QR_MERCHANT}))
    assert "368.00元" in answer and "后四位" not in answer
    other = sender("app")
    guarded.say(other, "二维码收款没到账", metadata={"verified_merchant_id": CARD_MERCHANT})
    assert "后四位" in texts(guarded.say(other, QR_MERCHANT))


def test_a_wechat_follower_is_bound_by_one_check_and_can_unbind(guarded, wechat):
    openid = follower()
    wechat.say(openid, "二维码收款没到账")
    assert "后四位" in wechat.say(openid, QR_MERCHANT)
    assert "368.00元" in wechat.say(openid, "5566")
    store(guarded).delete(f"daozhang:verify:passed:wechat:{openid}")  # the check itself has expired
    wechat.say(openid, "二维码收款又没到账")
    answer = wechat.say(openid, QR_MERCHANT)
    assert "没有付款成功" in answer and "后四位" not in answer  # the binding holds
    assert "解除" in wechat.say(openid, "解绑")
    wechat.say(openid, "二维码收款没到账")
    assert "后四位" in wechat.say(openid, QR_MERCHANT)
    stranger = follower()
    wechat.say(stranger, "二维码收款没到账")
    assert "后四位" in wechat.say(stranger, QR_MERCHANT)  # a binding is the follower's own


def test_the_web_widget_asks_for_the_check_too(guarded):
    tab = WidgetPeer(guarded.url)
    try:
        tab.say("二维码收款没到账")
        assert "后四位" in "".join(tab.say(QR_MERCHANT))
        assert "368.00元" in "".join(tab.say("手机尾号0002"))
    finally:
        tab.close()


def ivr(stack, call, transcript="", dtmf=None, caller=None):
    turn = {"call_id": call, "transcript": transcript, "confidence": 0.95}
    turn.update({k: v for k, v in (("dtmf", dtmf), ("caller", caller)) if v})
    status, answer = stack.ivr(turn)
    assert status == 200, answer
    return "".join(m["text"] for m in answer["messages"])


def test_a_caller_from_the_registered_phone_is_verified_by_the_number(guarded):
    call = sender("call")
    ivr(guarded, call, "二维码收的钱没到账", caller="13800130002")
    heard = ivr(guarded, call, "商户号八九八三幺零零零零零零零零零二", caller="13800130002")
    assert "三百六十八元" in heard and "后四位" not in heard


def test_another_caller_answers_the_check_on_the_keypad(guarded):
    call = sender("call")
    ivr(guarded, call, "二维码收的钱没到账", caller="13912345678")
    asked = ivr(guarded, call, "八九八三幺零零零零零零零零零二", caller="13912345678")
    assert "后四位" in asked and "按键" in asked
    heard = ivr(guarded, call, dtmf="5566#", caller="13912345678")
    assert "三百六十八元" in heard
    said = [e for e in json.loads(stored_conversation(store(guarded), f"daozhang:tracker:ivr:{call}"))["events"]
            if e["event"] == "user"]
    assert not holds(json.dumps(said), "5566") and not holds(json.dumps(said), "13912345678")


# What never leaks

SECRETS = {
    "密码是 1 2 3 4 5 6": "1 2 3 4 5 6",
    "取款PIN 246810": "246810",
    "支付口令 654321": "654321",
    "短信里的数字是834211": "834211",
    "登录密码是abc12345": "abc12345",
    "动态码：９７３１５２": "９７３１５２",
    "验证码是五七九二四六": "五七九二四六",
    "驗證碼是 483920": "483920",
    "mima 739104": "739104",
    "我卡号6222 0212 3456 7894钱没到": "6222 0212 3456 7894",
    "卡号六二二二零二一二三四五六七八九四": "六二二二零二一二三四五六七八九四",
}


def test_secrets_written_any_way_reach_no_store_log_or_ticket_and_are_never_echoed(guarded, wechat):
    who, call, openid, tab = sender("secret"), sender("secret-call"), follower(), WidgetPeer(guarded.url)
    try:
        for phrasing, secret in SECRETS.items():
            for answer in (texts(guarded.say(who, phrasing)), ivr(guarded, call, phrasing),
                           wechat.say(openid, phrasing), "".join(tab.say(phrasing, replies=2))):
                assert secret not in answer and secret.replace(" ", "") not in answer
        assert "工单" in texts(guarded.say(who, "转人工"))
        assert "工单" in wechat.say(openid, "转人工")
        assert "工单" in "".join(tab.say("转人工"))
        ivr(guarded, call, dtmf="0")
    finally:
        tab.close()
    leaks = scan_for(guarded, [s.replace(" ", "") for s in SECRETS.values()] + list(SECRETS.values()))
    assert not leaks, leaks


def scan_for(stack, needles):
    """Every Redis value and every log file of the stack, searched for the needles."""
    found = []
    client = store(stack)
    for key in client.scan_iter("*"):
        kind = client.type(key).decode()
        values = {"string": lambda: [client.get(key)], "list": lambda: client.lrange(key, 0, -1),
                  "hash": lambda: list(client.hgetall(key).values()), "zset": lambda: client.zrange(key, 0, -1),
                  "set": lambda: list(client.smembers(key))}.get(kind, lambda: [])()
        for value in values:
            text = _without_machine_numbers(value.decode("utf-8", "replace"))
            found += [f"redis {key.decode()}: {n}" for n in needles if n in text or n in _unescaped(text)]
    for log in stack.workdir.glob("*.log"):
        text = _without_machine_numbers(log.read_text(errors="replace"))
        found += [f"{log.name}: {n}" for n in needles if n in text or n in _unescaped(text)]
    return found


def _unescaped(text):
    try:
        return text.encode("latin-1", "backslashreplace").decode("unicode_escape")
    except UnicodeDecodeError:
        return text


def _without_machine_numbers(text):
    """Timestamps, amounts and hex ids hold every six-digit run sooner or later: they are not secrets."""
    return re.sub(r"\d+\.\d+|[0-9a-f]{32}", " ", text)


def test_digits_that_are_not_a_merchant_id_are_never_repeated_back(guarded):
    who = sender("echo")
    guarded.say(who, "刷卡的钱没到账")
    answer = texts(guarded.say(who, "135792"))  # a PIN typed where the id was asked for
    assert "135792" not in answer and "不是有效的商户号" in answer and "6位" in answer


# Abuse

def test_a_100_kb_message_is_cut_and_does_not_stall_another_conversation(guarded, tmp_path):
    long_text = ("老板你好我昨天刷卡两千三百块没到账商户号898310000000003麻烦查一下，" * 2500)[:100_000]
    result = {}

    def send_long():
        started = time.monotonic()
        result["long"] = texts(guarded.say(sender("long"), long_text))
        result["long_seconds"] = time.monotonic() - started

    worker = threading.Thread(target=send_long)
    worker.start()
    time.sleep(0.05)
    started = time.monotonic()
    other = texts(guarded.say(sender("other"), "你好"))
    result["other_seconds"] = time.monotonic() - started
    worker.join(timeout=120)
    assert "太长" in result["long"] and "2000" in result["long"]
    # A blocked server answers nobody, not even with the door's apology (6 s): it used to take two
    # minutes. 10 s holds on a loaded machine and still tells a stall from a slow turn.
    assert other and result["other_seconds"] < 10
    (tmp_path / "long_message.json").write_text(json.dumps(result, ensure_ascii=False)[:500])


def test_a_burst_from_one_sender_is_slowed_down_without_slowing_anyone_else(guarded):
    noisy = sender("burst")
    answers = [texts(guarded.say(noisy, f"在吗{n}")) for n in range(16)]
    assert any("发得有点快" in a for a in answers) and "发得有点快" not in answers[0]
    calm = texts(guarded.say(sender("calm"), "你好"))
    assert calm and "发得有点快" not in calm
