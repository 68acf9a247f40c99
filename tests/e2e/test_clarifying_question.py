"""A message that may be ours is never refused: the clarifying question, through a running stack.

Which vague wording the classifier is unsure about depends on the model, so
each test finds one (by the parse the stack returns) among wordings a
merchant might use, and fails when none of them gets the question.
"""
import uuid

import pytest

from daozhang.triage import TriagePolicy

QUESTION = "哪一类问题"
REFUSAL = "帮不上忙"
# Vague messages a merchant might send; details (amounts, the QR channel) must survive the question.
VAGUE = ["我的钱呢", "钱的事情", "收不到钱", "钱怎么少了", "那个款的问题", "货款有问题", "我钱去哪了",
         "钱不对", "钱没见着", "问一下款的事"]
VAGUE_YESTERDAY = ["昨天的货款有点问题", "想问下昨天货款的事", "昨天营业款怎么回事", "昨天的钱呢",
                   "昨天结算的事", "昨天收款的钱去哪了"]


def texts(replies):
    return "\n".join(r.get("text", "") for r in replies)


def sender(tag):
    return f"ask-{tag}-{uuid.uuid4().hex[:6]}"


def first_that_asks(stack, candidates):
    policy = TriagePolicy.load()
    for text in candidates:
        if policy.should_ask(stack.parse(text)["intent_ranking"], text):
            return text
    pytest.fail(f"none of {candidates} gets the clarifying question from this model")


def test_vague_merchant_messages_are_asked_about_or_taken_never_refused(stack):
    for text in VAGUE:
        reply = texts(stack.say(sender("vague"), text))
        assert REFUSAL not in reply, (text, reply)


def test_the_question_offers_its_choices_as_buttons_once(stack):
    replies = stack.say(sender("buttons"), first_that_asks(stack, VAGUE))
    question = next(r for r in replies if QUESTION in r.get("text", ""))
    assert [b["title"] for b in question["buttons"]] == ["收款没到账", "到账慢", "手续费", "退款", "POS机故障", "都不是"]
    assert "收款没到账" not in question["text"]  # each channel shows the choices its way (numbers on WeChat)


def test_a_tap_continues_the_case_with_the_first_messages_day(stack):
    who = sender("tap")
    assert QUESTION in texts(stack.say(who, first_that_asks(stack, VAGUE_YESTERDAY)))
    yesterday = stack.tracker(who)["slots"]["txn_date"]
    assert yesterday
    assert "商户号" in texts(stack.say(who, "/payment_not_arrived"))
    slots = stack.tracker(who)["slots"]
    assert slots["problem"] == "payment_not_arrived" and slots["txn_date"] == yesterday
    reply = texts(stack.say(who, "898310000000007"))  # yesterday's ¥880, reversed
    assert stack.tracker(who)["slots"]["diagnosis"] == "reversed"
    assert "880.00元" in reply


def test_a_digit_answers_the_question_and_is_not_taken_for_an_amount(stack):
    who = sender("digit")
    assert QUESTION in texts(stack.say(who, first_that_asks(stack, VAGUE_YESTERDAY)))
    yesterday = stack.tracker(who)["slots"]["txn_date"]
    assert "商户号" in texts(stack.say(who, "2"))
    slots = stack.tracker(who)["slots"]
    assert slots["problem"] == "settlement_delayed" and slots["txn_date"] == yesterday
    assert slots["amount"] is None


def test_an_answer_in_words_picks_the_problem(stack):
    who = sender("words")
    assert QUESTION in texts(stack.say(who, first_that_asks(stack, VAGUE)))
    reply = texts(stack.say(who, "是手续费的问题"))
    assert "0.6%" in reply and "0.38%" in reply
    assert stack.tracker(who)["slots"]["problem"] == "fee_inquiry"


def test_none_of_these_gets_the_polite_refusal(stack):
    who = sender("none")
    assert QUESTION in texts(stack.say(who, first_that_asks(stack, VAGUE)))
    assert REFUSAL in texts(stack.say(who, "都不是"))
    assert stack.tracker(who)["slots"]["awaiting"] is None


def test_an_answer_that_picks_nothing_is_asked_once_more_then_a_person_is_offered(stack):
    who = sender("nothing")
    assert QUESTION in texts(stack.say(who, first_that_asks(stack, VAGUE)))
    again = stack.say(who, "嗯嗯嗯")
    assert "没对上选项" in texts(again) and QUESTION in texts(again)
    assert [b["title"] for b in again[-1]["buttons"]][-1] == "都不是"  # the choices come again, as buttons
    assert "转人工" in texts(stack.say(who, "啊啊啊"))


def test_a_clear_card_holder_question_is_refused_with_where_to_go(stack):
    reply = texts(stack.say(sender("cardholder"), "我的信用卡账单怎么还款"))
    assert REFUSAL in reply and "发卡银行" in reply and QUESTION not in reply
    reply = texts(stack.say(sender("huabei"), "花呗额度怎么提升"))
    assert REFUSAL in reply and "95188" in reply


def test_declining_with_a_card_holders_words_says_where_to_go(stack):
    who = sender("declined")
    assert QUESTION in texts(stack.say(who, first_that_asks(stack, VAGUE)))
    reply = texts(stack.say(who, "都不是 我问的是我信用卡账单"))
    assert REFUSAL in reply and "发卡银行" in reply
