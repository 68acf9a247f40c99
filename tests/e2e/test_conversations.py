"""Whole conversations through the REST webhook of a running stack, one per sandbox
merchant in chat style and one in IVR style (spoken numbers, no punctuation).

Each asserts what a merchant would notice: the diagnosis the tracker holds, the
key figure in the reply, and where a ticket is due, a ticket in Redis that
holds every field an agent needs.
"""
import json
import uuid
from datetime import date, timedelta

import pytest
import redis

from daozhang.clock import today_in_shanghai
from daozhang.diagnosis import month_day
from daozhang.payout_calendar import t_plus, workday
from stores.redis_stores import stored_conversation
from tests.support.secrets import holds
from tests.support.stack import Stack

TODAY = today_in_shanghai()
SPOKEN = dict(zip("0123456789", "零幺二三四五六七八九"))


def spoken(digits):
    return "".join(SPOKEN[d] for d in digits)


def last_working_day(on_or_before):
    """The day a paid batch carries: payouts land on working days only."""
    day = on_or_before
    while not workday(day).is_workday:
        day -= timedelta(days=1)
    return day


def scenarios(today):
    """merchant suffix → (chat problem, ivr problem, diagnosis, key figures in the reply), on `today`.

    The paid batches (004, 009) are named without a day: their sales move with the
    calendar (on a Sunday, 009's payout is Friday's), and a merchant often names none."""
    return {
        "001": ("新开的店，昨天刷的第一笔两千块到现在还没到账", "喂 你好 我这是新开的店 昨天刷的第一笔两千块钱 到现在还没到账",
                "risk_review_hold", ["2,000.00元", "风险审核"]),
        "002": ("顾客微信扫码付了368，我这边没收到", "嗯 那个 今天上午有个顾客用威信扫码付了三百六十八块 我这边没收到钱",
                "qr_not_paid", ["368.00元", "截图"]),
        "003": ("今天刷卡收了1250，什么时候能到账？", "就是 我今天刷卡收了一千二百五十块 什么时候能到账啊",
                "pending_settlement", ["1,250.00元", month_day(t_plus(today)[0])]),
        "004": ("刷了三笔，银行流水里对不上，找不到这几笔", "喂 前几天刷了三笔钱 银行流水里对不上 一笔都找不到",
                "merged_settlement", ["2,485.00元", "15.00元", "银联商务结算款", month_day(last_working_day(today))]),
        "005": ("前天刷了三千块，到现在都没到账", "喂 我前天刷了三千块 到现在都没到账 怎么回事",
                "settlement_failed_account", ["3,000.00元", "冻结"]),
        "006": ("酒店押金做的预授权五千，银行查不到记录", "嗯 我们酒店前几天做了个预授权五千块 银行那边查不到记录",
                "preauth_not_completed", ["5,000.00元", month_day(today - timedelta(days=3) + timedelta(days=30))]),
        "007": ("昨天刷卡880，钱没到账", "那个 昨天刷卡八百八十块 钱没到账",
                "reversed", ["880.00元", "冲正"]),
        "008": ("刷卡的钱没到账", "喂 我刷卡收的钱没到账",
                "not_found", ["没有查到"]),
        "009": ("刷了1500，怎么还没到账", "嗯 刷了一千五百块 怎么还没到账",
                "already_paid", ["1,491.00元", "6789", month_day(last_working_day(today - timedelta(days=1)))]),
        "010": ("新机器刷的第一笔钱一直没到账", "喂 新机器刷的第一笔钱 一直没到账",
                "merchant_not_activated", ["150.00元", "实名认证"]),
        "011": ("给顾客退款了，支付宝那笔99的钱退到哪里了", "嗯 我给顾客退了一笔款 支付宝九十九块 钱退到哪去了",
                "refunded", ["99.00元", "退款"]),
        "500": ("昨天刷卡的钱没到账", "喂 昨天刷卡的钱没到账",
                "lookup_unavailable", ["暂时连不上"]),
    }


# The day the stack runs on: today, and pinned to a weekday, a Sunday and the last working
# day before a statutory holiday (National Day 2026), each a stack of its own.
DAYS = ["today", "2026-11-24", "2026-11-29", "2026-09-30"]


@pytest.fixture(scope="module", params=DAYS)
def dated_stack(request, tmp_path_factory):
    if request.param == "today":
        yield request.getfixturevalue("stack"), TODAY
        return
    pinned = Stack(tmp_path_factory.mktemp(f"day-{request.param}"), redis_db=10 + DAYS.index(request.param),
                   DZ_TODAY=request.param).start()
    yield pinned, date.fromisoformat(request.param)
    pinned.stop()


TICKET_DUE = {"settlement_failed_account", "lookup_unavailable"}
TICKET_FIELDS = {"ticket_id", "created_at", "channel", "sender_id", "merchant_id", "intent", "slots",
                 "adapter_results", "diagnosis", "explanation", "transcript", "priority", "status",
                 "notes", "summary"}


def texts(replies):
    return "\n".join(r.get("text", "") for r in replies)


@pytest.fixture
def store(stack):
    return redis.Redis(host=stack.redis_host, port=stack.redis_port, db=stack.redis_db,
                       decode_responses=True)


def stored_ticket(store, ticket_id):
    raw = store.get(f"daozhang:ticket:{ticket_id}")
    assert raw, f"ticket {ticket_id} is not in Redis"
    return json.loads(raw)


@pytest.mark.parametrize("style", ["chat", "ivr"])
@pytest.mark.parametrize("suffix", sorted(scenarios(TODAY)))
def test_a_merchant_gets_a_diagnosis_with_real_figures(dated_stack, suffix, style):
    stack, today = dated_stack
    store = redis.Redis(host=stack.redis_host, port=stack.redis_port, db=stack.redis_db, decode_responses=True)
    chat_problem, ivr_problem, code, figures = scenarios(today)[suffix]
    merchant_id = f"898310000000{suffix}"
    sender = f"{style}-{suffix}-{uuid.uuid4().hex[:6]}"
    first = texts(stack.say(sender, chat_problem if style == "chat" else ivr_problem))
    assert "商户号" in first  # asked only for what is missing
    answer = f"商户号{merchant_id}" if style == "chat" else f"嗯 我的商户号是{spoken(merchant_id)}"
    reply = texts(stack.say(sender, answer))
    slots = stack.tracker(sender)["slots"]
    assert slots["diagnosis"] == code
    assert slots["merchant_id"] == merchant_id
    for figure in figures:
        assert figure in reply, (figure, reply)
    if code in TICKET_DUE:
        ticket = stored_ticket(store, slots["handoff_ticket"])
        assert slots["handoff_ticket"] in reply
        assert TICKET_FIELDS <= set(ticket)
        assert ticket["merchant_id"] == merchant_id and ticket["diagnosis"] == code
        assert ticket["explanation"] and ticket["summary"] and ticket["status"] == "open"
        assert [t["who"] for t in ticket["transcript"]][:2] == ["merchant", "bot"]
        assert ticket["adapter_results"][0]["merchant_id"] == merchant_id
        assert ticket["channel"] == "rest" and ticket["sender_id"] == f"rest:{sender}"
        if code == "settlement_failed_account":
            assert ticket["priority"] == "high" and "结算打款被退回" in ticket["priority_reasons"]
        else:  # the IVR and the chat conversation are the same merchant: a repeat contact
            assert set(ticket["priority_reasons"]) <= {"同一商户重复来访"}


def test_a_ticket_offer_accepted_creates_a_ticket(stack, store):
    sender = f"offer-{uuid.uuid4().hex[:6]}"
    stack.say(sender, "新机器第一笔钱没到 商户号898310000000001")
    replies = stack.say(sender, "好的 帮我提交")
    reply = texts(replies)
    ticket_id = stack.tracker(sender)["slots"]["handoff_ticket"]
    assert ticket_id and ticket_id in reply
    assert not any("custom" in r for r in replies)  # the handover signal is the channel's, never shown
    ticket = stored_ticket(store, ticket_id)
    assert ticket["diagnosis"] == "risk_review_hold" and ticket["slots"]["merchant_id"] == "898310000000001"
    status = texts(stack.say(sender, "我的工单处理得怎么样了"))
    assert ticket_id in status and "等待人工" in status


def test_request_human_at_any_point_hands_over_with_what_was_said(stack, store):
    sender = f"human-{uuid.uuid4().hex[:6]}"
    stack.say(sender, "昨天刷了两千三百块没到账")
    reply = texts(stack.say(sender, "转人工"))
    ticket_id = stack.tracker(sender)["slots"]["handoff_ticket"]
    assert ticket_id in reply
    ticket = stored_ticket(store, ticket_id)
    assert ticket["slots"]["amount"] == "2300"
    assert ticket["transcript"][0]["text"] == "昨天刷了两千三百块没到账"


def test_a_bad_merchant_id_twice_offers_a_person(stack):
    sender = f"badid-{uuid.uuid4().hex[:6]}"
    stack.say(sender, "钱没到账")
    assert "15位数字" in texts(stack.say(sender, "12345"))
    assert "转人工" in texts(stack.say(sender, "678"))


@pytest.mark.parametrize("pieces", [["商户号开头是898 等下我看看后面", "接着是3100", "最后是00000009"],
                                    ["八九八三幺零 嗯 后面的我找找", "零零零零零零零零九"]], ids=["typed", "spoken"])
def test_a_merchant_id_given_in_pieces_is_joined(stack, pieces):
    sender = f"pieces-{uuid.uuid4().hex[:6]}"
    assert "商户号" in texts(stack.say(sender, "刷了1500，怎么还没到账"))
    for piece in pieces[:-1]:
        said = texts(stack.say(sender, piece))
        assert "收到" in said and "接着发" in said, said
        assert "不是有效的商户号" not in said and "再发一次" not in said, said  # one line, not a re-ask
    reply = texts(stack.say(sender, pieces[-1]))
    slots = stack.tracker(sender)["slots"]
    assert slots["merchant_id"] == "898310000000009" and slots["diagnosis"] == "already_paid"
    assert "1,491.00元" in reply and slots["amount"] == "1500"  # the pieces were no amounts


def test_digits_sent_while_a_person_is_offered_are_tried_again(stack):
    sender = f"offered-{uuid.uuid4().hex[:6]}"
    stack.say(sender, "钱没到账")
    stack.say(sender, "12345")
    assert "转人工" in texts(stack.say(sender, "678"))
    said = texts(stack.say(sender, "898310000000009"))
    assert stack.tracker(sender)["slots"]["diagnosis"] == "already_paid" and "6789" in said


def test_an_unknown_merchant_twice_offers_a_person(stack):
    sender = f"unknown-{uuid.uuid4().hex[:6]}"
    stack.say(sender, "钱没到账")
    assert "没有查到商户号 898310000000999" in texts(stack.say(sender, "898310000000999"))
    assert "转人工" in texts(stack.say(sender, "898310000000998"))


def test_a_correction_changes_the_diagnosis(stack):
    sender = f"fix-{uuid.uuid4().hex[:6]}"
    stack.say(sender, "钱没到账 商户号898310000000007")
    assert stack.tracker(sender)["slots"]["diagnosis"] == "reversed"
    stack.say(sender, "不对，商户号是898310000000009")
    assert stack.tracker(sender)["slots"]["diagnosis"] == "already_paid"


def test_two_messages_not_understood_offer_a_person(stack):
    sender = f"fallback-{uuid.uuid4().hex[:6]}"
    assert "没太明白" in texts(stack.say(sender, "呜呜呜呜"))
    assert "转人工" in texts(stack.say(sender, "qwe rty zxc"))


def test_a_card_number_is_masked_in_the_reply_and_in_redis(stack, store):
    sender = f"mask-{uuid.uuid4().hex[:6]}"
    reply = texts(stack.say(sender, "我的卡号是6222021234567894，密码123456，刷卡的钱没到账"))
    assert "不要发送完整卡号" in reply
    stored = stored_conversation(store, f"daozhang:tracker:rest:{sender}")
    assert stored and not holds(stored, "6222021234567894") and not holds(stored, "123456")
    assert "************7894" in stored


def test_terminal_error_guidance_then_a_ticket(stack):
    sender = f"pos-{uuid.uuid4().hex[:6]}"
    assert "网络连接失败" in texts(stack.say(sender, "机器报错A3"))
    assert "工单" in texts(stack.say(sender, "没解决"))
    assert stack.tracker(sender)["slots"]["handoff_ticket"] is None
    reply = texts(stack.say(sender, "好的"))
    assert stack.tracker(sender)["slots"]["handoff_ticket"] in reply


def test_fees_are_computed_for_an_amount(stack):
    reply = texts(stack.say(f"fee-{uuid.uuid4().hex[:6]}", "刷卡一万块手续费扣多少"))
    assert "0.6%" in reply and "60.00元" in reply and "9,940.00元" in reply


def test_a_typed_ticket_id_is_looked_up_in_any_form_and_told_only_to_its_own_conversation(stack, store):
    owner = f"owner-{uuid.uuid4().hex[:6]}"
    stack.say(owner, "昨天刷卡的钱没到账")
    stack.say(owner, "转人工")
    ticket_id = stack.tracker(owner)["slots"]["handoff_ticket"]
    day, sequence = ticket_id[2:].split("-")
    stranger = f"stranger-{uuid.uuid4().hex[:6]}"
    other = texts(stack.say(stranger, f"我的工单{ticket_id}处理得怎么样了"))
    assert "商户号" in other and "等待人工" not in other  # asked to show it is theirs first
    own = texts(stack.say(owner, f"工单 ho{day}{sequence} 处理得怎么样了"))
    assert ticket_id in own and "等待人工" in own


def test_a_new_merchant_id_drops_the_day_and_amount_of_the_old_one(stack):
    sender = f"newid-{uuid.uuid4().hex[:6]}"
    stack.say(sender, "昨天刷卡880没到账 商户号898310000000007")
    assert stack.tracker(sender)["slots"]["diagnosis"] == "reversed"
    reply = texts(stack.say(sender, "不对，商户号是898310000000009"))
    slots = stack.tracker(sender)["slots"]
    assert slots["diagnosis"] == "already_paid" and slots["amount"] is None and slots["txn_date"] is None
    assert "1,500.00元" in reply


def test_a_date_in_a_question_about_the_payout_is_not_the_sale_day(stack):
    sender = f"when-{uuid.uuid4().hex[:6]}"
    stack.say(sender, "下周一能到账吗")
    assert stack.tracker(sender)["slots"]["txn_date"] is None


def test_solved_after_a_ticket_offer_opens_no_ticket(stack):
    sender = f"solved-{uuid.uuid4().hex[:6]}"
    offer = texts(stack.say(sender, "新机器第一笔钱没到 商户号898310000000001"))
    assert "要提交吗" in offer
    reply = texts(stack.say(sender, "好的 已经解决了"))
    assert "解决" in reply and stack.tracker(sender)["slots"]["handoff_ticket"] is None
    assert "已为您提交工单" not in reply


def test_the_amount_on_the_bank_statement_reaches_the_batch(stack):
    sender = f"net-{uuid.uuid4().hex[:6]}"
    reply = texts(stack.say(sender, "银行流水里有一笔两千四百多的 对不上 商户号898310000000004"))
    assert stack.tracker(sender)["slots"]["diagnosis"] == "merged_settlement"
    assert "最接近" in reply and "2,485.00元" in reply


def test_a_misremembered_amount_gets_the_merchants_sales_not_a_flat_not_found(stack):
    sender = f"wrongamt-{uuid.uuid4().hex[:6]}"
    reply = texts(stack.say(sender, "刷卡一万块没到账 商户号898310000000009"))
    assert "没有查到" not in reply or "最接近" in reply
    assert stack.tracker(sender)["slots"]["diagnosis"] == "already_paid" and "1,500.00元" in reply


def test_digits_left_after_a_card_number_is_masked_are_no_amount(stack):
    sender = f"maskamt-{uuid.uuid4().hex[:6]}"
    stack.say(sender, "我的卡号是6222021234567894，刷卡的钱没到账")
    assert stack.tracker(sender)["slots"]["amount"] is None


def test_several_amounts_in_one_message_reach_their_batch(stack):
    sender = f"amounts-{uuid.uuid4().hex[:6]}"
    reply = texts(stack.say(sender, "刷了五百 八百 一千二 三笔 银行只有一笔对不上 商户号898310000000004"))
    assert stack.tracker(sender)["slots"]["diagnosis"] == "merged_settlement"
    assert "2,485.00元" in reply and "最接近" not in reply


def test_a_merchant_who_sends_a_card_number_with_the_problem_is_helped_not_refused(stack):
    sender = f"cardprob-{uuid.uuid4().hex[:6]}"
    reply = texts(stack.say(sender, "我的卡号是6222021234567894 昨天刷卡880没到账"))
    assert "隐藏处理" in reply and "帮不上忙" not in reply
    assert "冲正" in texts(stack.say(sender, "898310000000007"))


def test_the_answer_to_which_code_is_read_as_the_code(stack):
    sender = f"code-{uuid.uuid4().hex[:6]}"
    assert "错误码" in texts(stack.say(sender, "pos机出错了"))
    unknown = texts(stack.say(sender, "屏幕上写着 Z1"))
    assert "Z1" in unknown and "对照表" in unknown
    words = f"words-{uuid.uuid4().hex[:6]}"
    stack.say(words, "pos机出错了")
    assert "51" in texts(stack.say(words, "余额不足"))
    nothing = f"nothing-{uuid.uuid4().hex[:6]}"
    stack.say(nothing, "pos机出错了")
    assert "要提交吗" in texts(stack.say(nothing, "嗯嗯"))


def test_asking_for_a_person_after_the_automatic_ticket_points_to_that_ticket(stack):
    sender = f"dup-{uuid.uuid4().hex[:6]}"
    stack.say(sender, "前天刷卡三千块没到账")
    stack.say(sender, "898310000000005")
    first = stack.tracker(sender)["slots"]["handoff_ticket"]
    reply = texts(stack.say(sender, "我要找真人"))
    assert first in reply and "已经提交过工单" in reply
    assert stack.tracker(sender)["slots"]["handoff_ticket"] == first


def test_a_ticket_id_sent_on_its_own_is_looked_up(stack):
    owner = f"alone-{uuid.uuid4().hex[:6]}"
    stack.say(owner, "昨天刷卡的钱没到账")
    stack.say(owner, "转人工")
    ticket_id = stack.tracker(owner)["slots"]["handoff_ticket"]
    day, sequence = ticket_id[2:].split("-")
    reply = texts(stack.say(owner, f"ho{day} {sequence}"))
    assert ticket_id in reply and "没太明白" not in reply and "没能理解" not in reply


def test_sums_and_dates_are_never_taken_for_a_mistyped_merchant_id(stack):
    """三笔 五百 八百 一千二 is three sales, 两千三 a sum, 12月1号 a day: none is a miss at the id."""
    sender = f"notid-{uuid.uuid4().hex[:6]}"
    said = texts(stack.say(sender, "我昨天收了三笔 五百 八百 一千二 银行只进了一笔"))
    assert "不是有效的商户号" not in said and "商户号" in said, said
    for detail in ("两千三", "12月1号刷的"):
        said = texts(stack.say(sender, detail))
        assert "不是有效的商户号" not in said and "转人工" not in said and "商户号" in said, said
    stack.say(sender, "898310000000004")
    slots = stack.tracker(sender)["slots"]
    assert slots["diagnosis"] == "merged_settlement" and not slots["merchant_id_tries"]


def test_a_reference_number_after_the_answer_keeps_the_merchant_id(stack):
    sender = f"refno-{uuid.uuid4().hex[:6]}"
    stack.say(sender, "钱没到账 商户号898310000000009")
    said = texts(stack.say(sender, "参考号是123456789012"))
    assert "不是有效的商户号" not in said and "再发一次商户号" not in said, said
    assert stack.tracker(sender)["slots"]["merchant_id"] == "898310000000009"


def test_asking_whether_the_money_came_is_a_question_not_a_thank_you(stack):
    sender = f"asked-{uuid.uuid4().hex[:6]}"
    stack.say(sender, "昨天刷了三笔卡 银行流水对不上")
    stack.say(sender, "898310000000004")
    said = texts(stack.say(sender, "昨天的钱到了吗"))
    assert "问题解决就好" not in said and said, said
    assert not stack.tracker(sender)["slots"]["solved"]


def test_the_fee_charged_is_checked_on_the_sale_not_worked_out_on_itself(stack):
    sender = f"feecharged-{uuid.uuid4().hex[:6]}"
    said = texts(stack.say(sender, "我刷卡收了一万块 怎么扣了80手续费"))
    assert "10,000.00元：手续费 60.00元" in said and "0.48" not in said, said
    said = texts(stack.say(sender, "是刷卡的"))
    assert "0.48" not in said, said


def test_a_corrected_merchant_id_marks_the_ticket_of_the_wrong_shop(stack, store):
    """The automatic ticket for 005 stays with an agent: it says the id was wrong, and the shop the
    merchant meant gets its own answer (no ticket of 005 is reused for it)."""
    sender = f"wrongshop-{uuid.uuid4().hex[:6]}"
    stack.say(sender, "前天刷了三千块，到现在都没到账 商户号898310000000005")
    old = stack.tracker(sender)["slots"]["handoff_ticket"]
    assert old
    said = texts(stack.say(sender, "不对，商户号是898310000000009"))
    assert old in said and "有误" in said, said
    slots = stack.tracker(sender)["slots"]
    assert slots["diagnosis"] == "already_paid" and slots["handoff_ticket"] != old
    notes = [n["note"] for n in stored_ticket(store, old)["notes"]]
    assert any("898310000000009" in n and "有误" in n for n in notes), notes


def test_a_second_shop_leaves_the_first_shops_ticket_as_it_is(stack, store):
    sender = f"secondshop-{uuid.uuid4().hex[:6]}"
    stack.say(sender, "898310000000005的钱没到")
    first = stack.tracker(sender)["slots"]["handoff_ticket"]
    said = texts(stack.say(sender, "还有898310000000009那个店"))
    assert first and "有误" not in said, said
    assert not [n for n in stored_ticket(store, first)["notes"] if "有误" in n["note"]]


@pytest.mark.parametrize("opening, then", [
    (["昨天有两笔没到账，一笔刷卡880，一笔支付宝99", "898310000000007"], "那支付宝那笔呢"),
    (["前天刷了1500没到", "898310000000009"], "不是这笔 是上周三那笔"),
], ids=["another-channel", "another-day"])
def test_a_sale_the_lookup_did_not_find_is_never_said_to_be_the_same(stack, opening, then):
    """The sale found is not the one asked about: say it was not found, and offer a person."""
    sender = f"othersale-{uuid.uuid4().hex[:6]}"
    for message in opening:
        stack.say(sender, message)
    said = texts(stack.say(sender, then))
    assert "没有查到" in said and "结论不变" not in said and "要提交吗" in said, said


def test_a_person_asked_for_then_not_wanted_is_noted_on_the_ticket(stack, store):
    sender = f"withdraw-{uuid.uuid4().hex[:6]}"
    stack.say(sender, "转人工")
    ticket_id = stack.tracker(sender)["slots"]["handoff_ticket"]
    said = texts(stack.say(sender, "算了不转了"))
    assert ticket_id and ticket_id in said and "不需要" in said, said
    assert any("不需要人工" in n["note"] for n in stored_ticket(store, ticket_id)["notes"])
