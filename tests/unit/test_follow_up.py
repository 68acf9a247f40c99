"""Questions after an explanation, answered from the case."""
from datetime import date

from daozhang.follow_up import follow_up, general_rule

SUNDAY = date(2026, 11, 29)


def test_is_monday_ok_after_a_monday_payout_date():
    answer = follow_up("pending_settlement", "周一可以吗", {}, SUNDAY, payout=date(2026, 11, 30))
    assert answer.answer.startswith("可以") and "11月30日" in answer.answer and "之前" not in answer.answer
    later = follow_up("pending_settlement", "周三能到吗", {}, SUNDAY, payout=date(2026, 11, 30))
    assert later.answer.startswith("可以") and "12月2日" in later.answer


def test_a_weekday_asked_about_money_already_paid_says_it_is_there():
    answer = follow_up("already_paid", "周一可以吗", {}, SUNDAY, payout=date(2026, 11, 27))
    assert "已经在11月27日" in answer.answer


def test_a_weekday_before_the_payout_is_not_ok():
    answer = follow_up("pending_settlement", "那周二能到吗", {}, date(2026, 9, 28), payout=date(2026, 10, 8))
    assert "还到不了" in answer.answer and "10月8日" in answer.answer


def test_how_to_complete_a_preauthorisation_says_by_when():
    answer = follow_up("preauth_not_completed", "预授权完成怎么做", {"expires": "12月26日"}, SUNDAY)
    assert "预授权完成" in answer.answer and "12月26日" in answer.answer and not answer.ticket


def test_a_refund_the_merchant_did_not_make_goes_to_a_person():
    answer = follow_up("refunded", "那笔退款不是我退的", {}, SUNDAY)
    assert answer.ticket


def test_a_returned_payout_is_paid_again_after_the_card_is_fixed():
    answer = follow_up("settlement_failed_account", "那退回的钱什么时候重新打给我", {"amount": "3,000.00"}, SUNDAY)
    assert "重新打给您" in answer.answer and "3,000.00元" in answer.answer


def test_anything_else_is_not_a_follow_up():
    assert follow_up("preauth_not_completed", "帮我订机票", {}, SUNDAY) is None
    assert follow_up(None, "预授权完成怎么做", {}, SUNDAY) is None


def test_how_to_refund_a_customer_is_answered_after_any_diagnosis():
    answer = follow_up("already_paid", "顾客要退货，刷卡的钱怎么退给他", {}, SUNDAY)
    assert "撤销" in answer.answer and "退货" in answer.answer


def test_a_date_asked_about_is_the_coming_one():
    answer = follow_up("pending_settlement", "那10月8号可以吗", {}, date(2026, 9, 30), payout=date(2026, 10, 8))
    assert "就在10月8日" in answer.answer


SATURDAY = date(2026, 12, 5)
MONDAY_PAYOUT = date(2026, 12, 7)


def test_tomorrow_yes_or_no_with_the_date_and_the_day_after_understood_alone():
    tomorrow = follow_up("pending_settlement", "明天能到吗", {}, SATURDAY, payout=MONDAY_PAYOUT)
    assert "还到不了" in tomorrow.answer and "12月7日（周一）" in tomorrow.answer
    after = follow_up("pending_settlement", "那后天呢", {}, SATURDAY, payout=MONDAY_PAYOUT)
    assert after.answer.startswith("可以") and "12月7日" in after.answer


def test_a_what_if_says_what_happens_then_and_offers_the_reminder_or_a_person():
    answer = follow_up("pending_settlement", "要是周一还不到呢", {"card_last4": "6789"}, SATURDAY,
                       payout=MONDAY_PAYOUT)
    assert answer.remind and "6789" in answer.answer and "人工" in answer.answer
    assert "之前就能到" not in answer.answer and "可以，" not in answer.answer
    other = follow_up("risk_review_hold", "要是三天后还没审核完呢", {}, SATURDAY)
    assert other.offer and "人工" in other.answer


def test_the_hour_of_a_payout_day_when_the_rule_knows_it():
    answer = follow_up("pending_settlement", "周一几点能到", {}, SATURDAY, payout=MONDAY_PAYOUT)
    assert "12月7日" in answer.answer and "18:00" in answer.answer
    when = follow_up("pending_settlement", "那到底什么时候到", {}, SATURDAY, payout=MONDAY_PAYOUT)
    assert "12月7日（周一）" in when.answer
    once = follow_up("pending_settlement", "周一几点到", {}, SATURDAY, payout=MONDAY_PAYOUT)
    assert once.answer.count("18:00") == 1, once.answer  # the day's answer says the hour once


def test_questions_only_a_person_can_answer_are_offered_one():
    for code, text in [("risk_review_hold", "能加急吗"), ("settlement_failed_account", "冻结原因是什么")]:
        answer = follow_up(code, text, {"reason": "结算卡被冻结"}, SATURDAY)
        assert answer is not None and (answer.offer or "冻结" in answer.answer), text


def test_two_questions_in_one_message_are_both_carried():
    from daozhang.follow_up import follow_ups

    both = follow_ups("pending_settlement", "明天能到吗 另外能加急吗", {}, SATURDAY, payout=MONDAY_PAYOUT)
    assert "12月7日" in both.answer and "“能加急吗”" in both.answer and both.offer
    one = follow_ups("pending_settlement", "明天能到吗", {}, SATURDAY, payout=MONDAY_PAYOUT)
    assert not one.offer


BATCH = [{"time": "2026-12-02T11:42:00", "amount": "500", "channel": "card"},
         {"time": "2026-12-02T12:15:00", "amount": "800", "channel": "card"},
         {"time": "2026-12-02T18:37:00", "amount": "1200", "channel": "card"}]
BATCH_FACTS = {"net": "2,485.00", "gross": "2,500.00", "fee": "15.00", "payout_date": "12月3日"}


def test_one_sale_of_a_batch_and_every_sale():
    one = follow_up("merged_settlement", "800那笔呢", BATCH_FACTS, SATURDAY, batch=BATCH, amount="800")
    assert "12月2日12:15" in one.answer and "4.80元" in one.answer and "2,485.00元" in one.answer
    every = follow_up("merged_settlement", "每笔明细发我一下", BATCH_FACTS, SATURDAY, batch=BATCH)
    assert every.answer.count("元，到账") == 3 and "合计交易2,500.00元" in every.answer
    assert follow_up("merged_settlement", "900那笔呢", BATCH_FACTS, SATURDAY, batch=BATCH, amount="900") is None


def test_the_fee_of_a_batch_adds_up_sale_by_sale():
    from daozhang.batch_detail import fee_breakdown

    said = fee_breakdown(BATCH, BATCH_FACTS)
    assert "500.00元 × 0.6% = 3.00元" in said and "1,200.00元 × 0.6% = 7.20元" in said and "15.00元" in said


def test_what_to_do_after_each_answer_is_said_not_left_to_a_person():
    """那我该怎么办 / 弄好了多久到 / 我有签购单: the answer follows from the case, no "cannot confirm"."""
    unpaid = follow_up("qr_not_paid", "那我该怎么办", {}, SUNDAY)
    assert "重新付" in unpaid.answer and not unpaid.offer
    activated = follow_up("merchant_not_activated", "弄好了多久到", {"amount": "1,491.00"}, SUNDAY)
    assert "1,491.00元" in activated.answer and "下一个工作日" in activated.answer
    slip = follow_up("not_found", "我手上有签购单", {}, SUNDAY)
    assert "参考号" in slip.answer and not slip.ticket and not slip.offer  # the number is asked for first
    assert "核对" in follow_up("not_found", "那怎么办", {}, SUNDAY).answer
    assert "开户行" in follow_up("settlement_failed_account", "那我卡怎么会冻结", {}, SUNDAY).answer


def test_a_reversed_sale_is_not_refunded():
    answer = follow_up("reversed", "那钱会退给顾客吗", {"amount": "880.00"}, SUNDAY)
    assert answer.answer.startswith("不用退") and "880.00元" in answer.answer
    charged = follow_up("reversed", "可是顾客说他卡里扣钱了", {"amount": "880.00"}, SUNDAY)
    assert "原路退回" in charged.answer


def test_the_police_are_still_the_answer_to_a_fraud_not_the_general_what_to_do():
    assert "派出所" in follow_up("qr_not_paid", "被骗了怎么办", {}, SUNDAY).answer


def test_a_screenshot_of_payment_is_answered_from_the_order_not_repeated():
    answer = follow_up("qr_not_paid", "可是顾客给我看了付款成功的截图啊", {"amount": "368.00"}, SUNDAY)
    assert "368.00元" in answer.answer and "收款记录为准" in answer.answer and answer.offer


def test_a_day_named_in_a_rule_question_is_the_coming_one_with_its_holiday():
    """12月31号刷卡一般什么时候到, asked on 2026-12-06: this year's Thursday, paid after New Year."""
    said = general_rule("2025-12-31", today=date(2026, 12, 6))
    assert "12月31日（周四）" in said and "1月4日（周一）" in said and "估算" in said
    assert "12月4日（周五）" in general_rule("2026-12-04", today=date(2026, 12, 6))  # a past Friday stays
