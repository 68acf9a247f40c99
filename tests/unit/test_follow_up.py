"""Questions after an explanation, answered from the case."""
from datetime import date

from daozhang.follow_up import follow_up

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
