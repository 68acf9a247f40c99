"""After the explanation: corrections, details and questions stay with the same case."""
import uuid

from daozhang.clock import today_in_shanghai
from daozhang.diagnosis import month_day
from daozhang.payout_calendar import t_plus


def texts(replies):
    return "\n".join(r.get("text", "") for r in replies)


def case(stack, opening):
    sender = f"follow-{uuid.uuid4().hex[:6]}"
    stack.say(sender, opening)
    return sender


def test_a_corrected_day_looks_the_case_up_again_and_keeps_the_case(stack):
    sender = case(stack, "前天刷卡一千二百五没到账 商户号898310000000003")
    reply = texts(stack.say(sender, "记错了 是今天上午刷的"))
    slots = stack.tracker(sender)["slots"]
    assert slots["diagnosis"] == "pending_settlement" and slots["amount"] == "1250"
    assert slots["txn_date"] == today_in_shanghai().isoformat()
    assert "结论不变" in reply  # found the sale anyway: one line, not the explanation again


def test_a_detail_that_changes_nothing_gets_one_line(stack):
    sender = case(stack, "昨天刷卡880没到账 商户号898310000000007")
    reply = texts(stack.say(sender, "机器当时显示超时"))
    assert "冲正" in reply and len(reply) < 80
    assert stack.tracker(sender)["slots"]["diagnosis"] == "reversed"


def test_how_to_complete_the_preauthorisation_is_answered_in_the_case(stack):
    sender = case(stack, "酒店押金做的预授权五千 银行查不到记录 商户号898310000000006")
    reply = texts(stack.say(sender, "预授权完成怎么做"))
    assert "预授权完成" in reply and "授权码" in reply and "帮不上忙" not in reply


def test_where_to_finish_real_name_verification(stack):
    sender = case(stack, "新机器刷的第一笔钱一直没到账 商户号898310000000010")
    reply = texts(stack.say(sender, "实名认证在哪弄"))
    assert "实名认证" in reply and "结算账户" in reply and "帮不上忙" not in reply


def test_when_a_returned_payout_is_paid_again(stack):
    sender = case(stack, "前天刷了三千块到现在都没到账 商户号898310000000005")
    reply = texts(stack.say(sender, "那退回的钱什么时候重新打给我"))
    assert "重新打给您" in reply and "3,000.00元" in reply


def test_a_refund_the_merchant_did_not_make_opens_a_ticket_not_a_loop(stack):
    sender = case(stack, "给顾客退款了 支付宝那笔99的钱退到哪里了 商户号898310000000011")
    reply = texts(stack.say(sender, "那笔退款不是我退的"))
    ticket = stack.tracker(sender)["slots"]["handoff_ticket"]
    assert ticket and ticket in reply and "人工核查" in reply


def test_is_a_weekday_ok_after_the_payout_date(stack):
    sender = case(stack, "今天刷卡收了1250 什么时候能到账 商户号898310000000003")
    payout = t_plus(today_in_shanghai())[0]
    reply = texts(stack.say(sender, "周二可以吗"))
    assert month_day(payout) in reply and ("可以" in reply or "还到不了" in reply)
    assert stack.tracker(sender)["slots"]["txn_date"] == today_in_shanghai().isoformat()  # still the sale's day


def test_how_to_refund_a_customer_after_a_payout_explanation(stack):
    sender = case(stack, "前天刷了1500 怎么还没到账 商户号898310000000009")
    reply = texts(stack.say(sender, "顾客要退货，刷卡的钱怎么退给他"))
    assert "撤销" in reply and "已经结算到账" not in reply
