"""The hotline as the call centre drives it: ASR transcripts in, words for the ear out."""
import json
import re
import uuid

import pytest
import redis

from stores.redis_stores import stored_conversation
from tests.support.stack import http_post

MERCHANT_SPOKEN = "八九八三幺零零零零零零零零零二"


def call_id():
    return f"call-{uuid.uuid4().hex[:8]}"


def said(answer):
    return "".join(m["text"] for m in answer["messages"])


def turn(stack, call, transcript="", confidence=0.95, **extra):
    status, answer = stack.ivr({"call_id": call, "transcript": transcript, "confidence": confidence, **extra})
    assert status == 200, answer
    return answer


def user_texts(stack, call):
    return [e["text"] for e in stack.tracker(call, channel="ivr")["events"] if e["event"] == "user"]


def test_a_spoken_complaint_is_diagnosed_and_read_out_for_the_ear(stack):
    call = call_id()
    first = turn(stack, call, "喂 你好 我那个二维码收款没到账", caller="13812345678")
    assert first["action"] == "continue" and "商户号" in said(first)
    answer = turn(stack, call, f"商户号是{MERCHANT_SPOKEN}", 0.9)
    heard = said(answer)
    assert "没有完成支付" in heard and "三百六十八元" in heard
    for message in answer["messages"]:
        assert not re.search(r"[0-9¥*#\[\]()（）]|http", message["text"]), message["text"]
        assert message["ssml"].startswith("<speak>") and message["text"][:6] in message["ssml"]
    assert answer["action"] == "continue"
    assert stack.tracker(call, channel="ivr")["slots"]["diagnosis"] == "qr_not_paid"


def test_low_confidence_takes_a_sure_alternative_from_nbest(stack):
    call = call_id()
    answer = turn(stack, call, "而为马手狂每到张", 0.31,
                  nbest=[{"transcript": "而为马手狂每到张", "confidence": 0.31},
                         {"transcript": "二维码收款没到账", "confidence": 0.82}])
    assert "商户号" in said(answer)
    assert user_texts(stack, call) == ["二维码收款没到账"]


def test_unclear_speech_is_asked_again_and_then_the_keypad_is_offered(stack):
    call = call_id()
    first = turn(stack, call, "嗯 那个 收 款", 0.2, nbest=[{"transcript": "嗯那个手宽", "confidence": 0.25}])
    assert "再说一遍" in said(first) and "按键" not in said(first)
    second = turn(stack, call, "", 0.0)
    assert "再说一遍" in said(second) and "按键" in said(second)
    status, _ = stack.ivr({"call_id": call, "transcript": "二维码收款没到账", "confidence": 0.9})
    assert status == 200
    assert user_texts(stack, call) == ["二维码收款没到账"]  # the unclear words never reached the NLU


def test_keypad_digits_answer_what_is_asked_star_repeats_and_zero_transfers(stack):
    call = call_id()
    turn(stack, call, "扫码收的钱没到账")
    answer = turn(stack, call, "", 0.0, dtmf="898310000000002#")
    assert "没有完成支付" in said(answer)
    again = turn(stack, call, "", 0.0, dtmf="*")
    assert again["messages"] == answer["messages"]
    person = turn(stack, call, "", 0.0, dtmf="0", caller="13812345678")
    assert person["action"] == "transfer"
    ticket = person["transfer"]["ticket"]
    assert re.fullmatch(r"HO\d{8}-\d{4}", ticket)
    assert "H O" in said(person)  # the caller hears the ticket id too, digit by digit
    assert "转接" in said(person)  # a live transfer, not a callback
    stored = json.loads(redis.Redis(host=stack.redis_host, port=stack.redis_port, db=stack.redis_db)
                        .get(f"daozhang:ticket:{ticket}") or "{}")
    assert stored.get("channel") == "ivr" and stored.get("sender_id") == f"ivr:{call}"
    assert stored.get("merchant_id") == "898310000000002"
    queue = {"high": "merchant_priority", "normal": "merchant_support"}[stored["priority"]]
    assert person["transfer"]["queue"] == queue


def test_the_calling_number_is_stored_masked_only(stack):
    call = call_id()
    turn(stack, call, "刷卡的钱没到账", caller="13812345678")
    store = redis.Redis(host=stack.redis_host, port=stack.redis_port, db=stack.redis_db)
    tracker = stored_conversation(store, f"daozhang:tracker:ivr:{call}")
    assert "13812345678" not in tracker and "138****5678" in tracker


def test_a_goodbye_hangs_up(stack):
    call = call_id()
    turn(stack, call, "我问一下刷卡的钱什么时候到")
    assert turn(stack, call, "好的 没事了 再见")["action"] == "hangup"
    call = call_id()
    turn(stack, call, "二维码收款没到账")
    turn(stack, call, "八九八三幺零零零零零零零零零二")
    assert turn(stack, call, "好的 解决了 谢谢 再见")["action"] == "hangup"  # solved, and done
    call = call_id()
    turn(stack, call, "刷卡的钱什么时候到账")
    last = turn(stack, call, "好的 谢谢 再见")
    assert last["action"] == "hangup" and "？" not in said(last) and "再见" in last["messages"][-1]["text"]


@pytest.mark.parametrize("token, status", [(None, 401), ("wrong-token", 403)])
def test_a_missing_or_wrong_token_is_refused_and_nothing_is_stored(stack, token, status):
    call = call_id()
    got, _ = stack.ivr({"call_id": call, "transcript": "二维码收款没到账", "confidence": 0.9}, token=token)
    assert got == status
    store = redis.Redis(host=stack.redis_host, port=stack.redis_port, db=stack.redis_db)
    assert not store.exists(f"daozhang:tracker:ivr:{call}")


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'{"transcript": "hi"}', b"\xff\xfe{}",
                                  b'{"call_id": "c", "confidence": "high"}', b'{"call_id": "c", "dtmf": "12ab"}',
                                  json.dumps({"call_id": "x" * 500}).encode()])
def test_malformed_turns_get_a_clean_400(stack, body):
    status, answer = http_post(f"{stack.url}/webhooks/ivr/webhook", body,
                               {"Authorization": "Bearer ivr-test-token"})
    assert status == 400 and answer["error"]


def test_a_returned_payout_is_transferred_with_its_automatic_ticket_and_zero_does_not_open_another(stack):
    call = call_id()
    turn(stack, call, "前天刷的三千块没到账")
    first = turn(stack, call, "商户号八九八三幺零零零零零零零零零五")
    assert first["action"] == "transfer" and first["transfer"]["queue"] == "merchant_priority"
    again = turn(stack, call, "", 0.0, dtmf="0")
    assert again["action"] == "transfer" and again["transfer"]["ticket"] == first["transfer"]["ticket"]
    assert "已经提交过工单" in said(again)


def test_a_yes_no_question_is_answered_on_the_keypad(stack):
    call = call_id()
    turn(stack, call, "二维码收款没到账")
    diagnosis = turn(stack, call, "八九八三幺零零零零零零零零零二")
    assert "解决了请按一" in said(diagnosis) and "还没有请按二" in said(diagnosis)
    solved = turn(stack, call, "", 0.0, dtmf="1")
    assert "解决" in said(solved) and "工单" not in said(solved)
    assert user_texts(stack, call)[-1] == "/affirm"
