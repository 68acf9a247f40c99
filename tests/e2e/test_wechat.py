"""The WeChat official account channel, driven the way WeChat's servers drive it.

Requests are signed (sha1 of token, timestamp and nonce) and, in safe mode,
encrypted with wechatpy's own crypto, never with the code under test. One
stack of this module's own (its own Redis) has the account configured, a
passive window of PASSIVE_SECONDS and the local fake WeChat API. The stalling
sandbox merchant 898310000000500 is slow on purpose: after the passive window
the door apologises (DZ_REPLY_DEADLINE), and the real answer follows when the
lookup gives up (DZ_LOOKUP_TIMEOUT); both must come through the
customer-service API, in that order, once each.

A turn's answer is either the passive reply or a customer-service message,
whichever the timing gave: `say` accepts both, and tests that care about the
timing use the stalling merchant.
"""
import threading
import time
import urllib.error
import urllib.request
import uuid
from urllib.parse import urlencode

import pytest
import redis
import xmltodict

from daozhang.resources import reply
from tests.support.fake_wechat_api import FakeWeChatApi
from tests.support.redis_server import RedisServer
from tests.support.stack import Stack
from tests.support.wechat_peer import ACCOUNT, APP_ID, APP_SECRET, WeChatServers, account_settings, follower, signed

PASSIVE_SECONDS = 2
REPLY_DEADLINE = 3  # the door's apology for the stalling merchant: after the passive window
LOOKUP_SECONDS = 4  # the stalling merchant's real answer: after the apology
STALLING = "昨天刷卡的钱没到账 商户号898310000000500"
STALLED_ANSWER = "暂时连不上"


@pytest.fixture(scope="module")
def fake_api():
    fake = FakeWeChatApi(APP_ID, APP_SECRET).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def wechat_stack(tmp_path_factory, fake_api):
    redis_server = RedisServer().start()
    try:  # a stack that fails to start leaves no Redis running
        stack = Stack(tmp_path_factory.mktemp("wechat"), redis_port=redis_server.port,
                      **account_settings(fake_api.url, PASSIVE_SECONDS), DZ_REPLY_DEADLINE=str(REPLY_DEADLINE),
                      DZ_LOOKUP_TIMEOUT=str(LOOKUP_SECONDS)).start()
        yield stack
        stack.stop()
    finally:
        redis_server.stop()


@pytest.fixture(scope="module")
def wechat(wechat_stack, fake_api):
    return WeChatServers(wechat_stack, fake_api)


def test_url_verification_echoes_only_for_a_valid_signature(wechat):
    with urllib.request.urlopen(f"{wechat.url}?{urlencode(signed(echostr='echo-4711'))}", timeout=10) as answer:
        assert answer.read().decode() == "echo-4711"
    forged = {**signed(echostr="echo-4711"), "signature": "0" * 40}
    for query in (forged, {"echostr": "echo-4711"}):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{wechat.url}?{urlencode(query)}", timeout=10)
        assert refused.value.code == 403


def test_a_merchant_gets_a_diagnosis_in_plain_mode_answered_once_per_message(wechat):
    openid = follower()
    assert "商户号" in wechat.say(openid, "二维码收款没到账")
    diagnosis = wechat.say(openid, "898310000000002")
    assert "368.00元" in diagnosis and "截图" in diagnosis
    assert wechat.stack.tracker(openid, channel="wechat")["slots"]["diagnosis"] == "qr_not_paid"
    time.sleep(1)  # a second answer to either message would have come by now
    assert wechat.answers(openid) == 2


def test_safe_mode_messages_are_decrypted_and_replies_encrypted(wechat):
    openid = follower()
    assert "商户号" in wechat.say(openid, "二维码收款没到账", encrypted=True)
    status, welcome = wechat.post(wechat.message(openid, "event", Event="subscribe"), encrypted=True)
    assert status == 200 and welcome == reply("wechat_welcome")  # decrypted with the account's key: it was encrypted


def test_a_forged_msg_signature_in_safe_mode_is_refused(wechat):
    openid = follower()
    query = signed()
    envelope = xmltodict.parse(wechat.crypto.encrypt_message(
        wechat.message(openid, "text", Content="二维码收款没到账"), query["nonce"], query["timestamp"]))["xml"]
    body = xmltodict.unparse({"xml": {"ToUserName": ACCOUNT, "Encrypt": envelope["Encrypt"]}})
    status, _ = wechat.post(body, query={**query, "encrypt_type": "aes", "msg_signature": "0" * 40})
    assert status == 403 and wechat.user_texts(openid) == []


def test_recognised_voice_is_the_merchants_words(wechat):
    openid = follower()
    answer = wechat.say(openid, MsgType="voice", MediaId="media-1", Format="amr", Recognition="二维码收款没到账。")
    assert "商户号" in answer
    assert wechat.user_texts(openid) == ["二维码收款没到账。"]


def test_voice_without_recognition_is_asked_again(wechat):
    openid = follower()
    status, said = wechat.post(wechat.message(openid, "voice", MediaId="media-2", Format="amr"))
    assert status == 200 and said == reply("wechat_voice_unclear")
    assert wechat.user_texts(openid) == []


def test_a_new_follower_is_welcomed_and_an_unfollow_gets_success(wechat):
    openid = follower()
    assert wechat.post(wechat.message(openid, "event", Event="subscribe", EventKey=None)) == (
        200, reply("wechat_welcome"))
    assert wechat.post(wechat.message(openid, "event", Event="unsubscribe")) == (200, None)
    assert wechat.user_texts(openid) == []


@pytest.mark.parametrize("msg_type, fields", [
    ("image", {"PicUrl": "http://mmbiz.qpic.cn/x.jpg", "MediaId": "m"}),
    ("location", {"Location_X": "31.2", "Location_Y": "121.5", "Scale": "15", "Label": "上海"}),
    ("link", {"Title": "到账了吗", "Description": "", "Url": "http://example.com"}),
    ("video", {"MediaId": "m", "ThumbMediaId": "t"}),
])
def test_what_we_cannot_read_gets_one_polite_line(wechat, msg_type, fields):
    openid = follower()
    assert wechat.post(wechat.message(openid, msg_type, **fields)) == (200, reply("wechat_unsupported"))
    assert wechat.user_texts(openid) == []


def test_a_bad_signature_is_refused_and_reaches_nothing(wechat):
    openid = follower()
    query = {**signed(), "signature": "f" * 40}
    assert wechat.post(wechat.message(openid, "text", Content="二维码收款没到账"), query=query) == (403, None)
    assert wechat.post(wechat.message(openid, "text", Content="二维码收款没到账"), query={}) == (403, None)
    assert wechat.user_texts(openid) == [] and wechat.api.texts_to(openid) == []


@pytest.mark.parametrize("body", ["<xml><MsgType>text", "not xml at all", "<note>hi</note>", "",
                                  b"<xml><MsgType>text</MsgType><Content>\xff\xfe</Content></xml>",
                                  "<xml><MsgType>text</MsgType><Content>\x07</Content></xml>"])
def test_malformed_xml_gets_400(wechat, body):
    assert wechat.post(body) == (400, None)


def test_a_digit_answers_the_numbered_choices(wechat):
    from tests.e2e.test_clarifying_question import VAGUE, first_that_asks

    openid = follower()
    question = wechat.say(openid, first_that_asks(wechat.stack, VAGUE))
    assert "1. 收款没到账" in question and "6. 都不是" in question
    assert "商户号" in wechat.say(openid, "1")


def test_a_digit_answers_the_yes_no_question(wechat):
    openid = follower()
    wechat.say(openid, "二维码收款没到账")
    diagnosis = wechat.say(openid, "898310000000002")
    assert "回复数字：1. 解决了 2. 还没有" in diagnosis
    solved = wechat.say(openid, "1")
    assert "解决" in solved and "1. 满意 2. 一般 3. 不满意" in solved  # a rating offered, once
    assert wechat.user_texts(openid)[-1] == "/affirm"
    assert "谢谢您的评价" in wechat.say(openid, "2")
    assert wechat.user_texts(openid)[-1] == '/thank{"rating":"neutral","rated_case":"contained"}'
    wechat.say(openid, "2")  # nothing numbered any more: a digit is just a digit
    assert wechat.user_texts(openid)[-1] == "2"


@pytest.mark.parametrize("text, hidden", [("卡号6222021234567894怎么没到账", "6222021234567894"),
                                          ("密码是 135790", "135790"), ("\u200b\u200b", None), ("   ", None)])
def test_secrets_are_masked_and_empty_messages_get_a_clear_reply(wechat, text, hidden):
    openid = follower()
    answer = wechat.say(openid, text)
    if hidden:
        assert "资金安全" in answer
        assert all(hidden not in (t or "") for t in wechat.user_texts(openid))
    else:
        assert answer == reply("empty_message")


def test_a_slow_answer_comes_through_the_customer_service_api_after_the_apology(wechat):
    openid = follower()
    status, passive = wechat.post(wechat.message(openid, "text", Content=STALLING))
    assert (status, passive) == (200, None)  # `success` at once, within WeChat's 5 s
    apology, answer = wechat.api.wait_for_texts(openid, 2)
    assert apology == reply("fault_slow") and STALLED_ANSWER in answer


def test_retries_of_a_message_being_processed_get_it_answered_once(wechat):
    openid, msg_id = follower(), uuid.uuid4().int % 10 ** 19
    xml = wechat.message(openid, "text", msg_id=msg_id, Content=STALLING)
    statuses = []

    def deliver(after):
        time.sleep(after)
        statuses.append(wechat.post(xml)[0])

    # the first post; a retry while it waits for its passive window; two while the bot is still working
    posts = [threading.Thread(target=deliver, args=(after,)) for after in (0, 0.5, PASSIVE_SECONDS + 0.3,
                                                                           PASSIVE_SECONDS + 0.3)]
    for post in posts:
        post.start()
    for post in posts:
        post.join()
    assert statuses == [200] * 4

    def said():
        return wechat.passive_replies.get(openid, []) + wechat.api.texts_to(openid)

    deadline = time.monotonic() + 30
    while len(said()) < 2 and time.monotonic() < deadline:  # the apology, then the late answer
        time.sleep(0.05)
    assert wechat.post(xml) == (200, None)  # a retry after the answer went out: nothing again
    time.sleep(LOOKUP_SECONDS + 1)  # a second processing (another stalled lookup) would have answered by now
    assert len(said()) == 2 and said().count(reply("fault_slow")) == 1 and STALLED_ANSWER in "".join(said())
    assert wechat.user_texts(openid) == [STALLING]


def test_the_access_token_was_fetched_once(wechat):
    assert len(wechat.api.sent) >= 1  # the slow answers above went through the API
    assert wechat.api.token_calls == 1


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "safe"])
@pytest.mark.parametrize("skew", [-360, 360, -3600])  # a minute past the limit: a loaded machine takes a second or two
def test_a_request_signed_more_than_five_minutes_away_is_refused(wechat, encrypted, skew):
    openid = follower()
    query = signed(at=time.time() + skew)
    assert wechat.post(wechat.message(openid, "text", Content="二维码收款没到账"), encrypted, query) == (403, None)
    assert wechat.user_texts(openid) == []


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "safe"])
def test_a_nonce_seen_with_another_body_is_a_replay_and_refused(wechat, encrypted):
    victim, intruder = follower(), follower()
    query = signed()
    assert wechat.post(wechat.message(victim, "text", Content="二维码收款没到账"), encrypted, query)[0] == 200
    forged = wechat.message(intruder, "text", Content="转人工")
    assert wechat.post(forged, encrypted, query) == (403, None)  # the captured signature, another body
    assert wechat.user_texts(intruder) == []


def test_wechats_own_retry_repeats_the_request_and_is_answered_once(wechat):
    openid, query = follower(), signed()
    xml = wechat.message(openid, "text", Content="二维码收款没到账")
    first, again = wechat.post(xml, query=query), wechat.post(xml, query=query)
    assert first[0] == again[0] == 200
    time.sleep(1)  # a second answer would have come by now
    assert wechat.answers(openid) == 1 and wechat.user_texts(openid) == ["二维码收款没到账"]


def test_an_answer_wechat_refuses_is_kept_and_comes_before_the_next_one(wechat):
    openid = follower()
    wechat.api.out_of_window.add(openid)  # 45015 for everything the API sends to this follower
    assert wechat.post(wechat.message(openid, "text", Content=STALLING)) == (200, None)
    kept_in = redis.Redis(host="127.0.0.1", port=wechat.stack.redis_port, db=wechat.stack.redis_db)
    for _ in range(300):  # the apology, then the late answer: both refused, both kept
        if kept_in.llen(f"daozhang:wechat:kept:{openid}") >= 2:
            break
        time.sleep(0.1)
    assert wechat.api.texts_to(openid) == []
    wechat.api.out_of_window.discard(openid)  # the follower writes again
    answer = wechat.say(openid, "二维码收款没到账")
    kept, now = answer.split(reply("wechat_kept_outro"))
    assert kept.startswith(reply("wechat_kept_intro")) and reply("fault_slow") in kept and STALLED_ANSWER in kept
    assert "商户号" in now


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "safe"])
def test_a_damaged_delivery_does_not_use_up_the_nonce_of_the_genuine_one(wechat, encrypted):
    openid, query = follower(), signed()
    genuine = wechat.message(openid, "text", Content="二维码收款没到账")
    damaged = genuine[: len(genuine) // 2]
    if encrypted:
        status, _ = wechat.post(damaged, query={**query, "encrypt_type": "aes", "msg_signature": "0" * 40})
        assert status in (400, 403)  # not even an envelope, or not signed
    else:
        assert wechat.post(damaged, query=query) == (400, None)
    status, answer = wechat.post(genuine, encrypted, query)  # WeChat's retry, the same signed query
    assert status == 200 and (answer is None or "商户号" in answer)
    assert wechat.user_texts(openid) == ["二维码收款没到账"]
