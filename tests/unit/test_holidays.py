"""Holidays named by name: the break, the coming one or one just ended, and the payout it makes."""
from datetime import date

import pytest

from daozhang.follow_up import holiday_rule
from daozhang.holidays import holiday_break, holiday_named


@pytest.mark.parametrize("text, key", [
    ("元旦刷卡什么时候到账", "new_years_day"), ("過年期間收的錢哪天到", "spring_festival"),
    ("大年三十刷的卡", "spring_festival"), ("十一长假收款什么时候结算", "national_day"),
    ("国庆那几天的钱", "national_day"), ("五一放假到账吗", "labour_day"), ("中秋节能到账吗", "mid_autumn_festival"),
])
def test_the_names_merchants_use(text, key):
    assert holiday_named(text) == key


@pytest.mark.parametrize("text", ["11号刷的卡什么时候到", "十一点收的钱", "昨天刷卡没到账", "新商户首笔"])
def test_no_holiday_in_days_hours_and_ordinary_words(text):
    assert holiday_named(text) is None


def test_in_december_new_year_is_the_coming_one_estimated():
    found = holiday_break("new_years_day", date(2026, 12, 6))
    assert (found.first, found.last, found.estimate) == (date(2027, 1, 1), date(2027, 1, 3), True)


def test_a_break_that_just_ended_is_the_one_meant_and_exact():
    found = holiday_break("national_day", date(2026, 10, 10))
    assert (found.first, found.last, found.estimate) == (date(2026, 10, 1), date(2026, 10, 7), False)


def test_make_up_working_days_are_not_part_of_the_break():
    found = holiday_break("spring_festival", date(2026, 1, 20))  # 2月14日 (a Saturday) was worked
    assert (found.first, found.last) == (date(2026, 2, 15), date(2026, 2, 23))


def test_a_year_known_nowhere_has_no_break():
    assert holiday_break("national_day", date(2028, 11, 1)) is None


@pytest.mark.parametrize("today", [date(2026, 12, 2), date(2026, 12, 5), date(2026, 12, 31)])  # weekday, weekend, eve
def test_the_answer_gives_the_break_the_payout_and_the_eve_with_the_estimate_said(today):
    said = holiday_rule("元旦刷卡什么时候到账", today)
    assert "元旦放假预计是1月1日（周五）至1月3日（周日）" in said and "估算是1月4日（周一）" in said
    assert "12月31日（周四）收的钱，也是1月4日到账" in said and "还没有正式公布" in said and "商户号" in said


def test_a_published_break_is_said_as_it_is():
    said = holiday_rule("国庆那几天收的钱什么时候到", date(2026, 9, 20))
    assert "国庆节放假是10月1日（周四）至10月7日（周三）" in said and "10月8日（周四）" in said
    assert "9月30日（周三）收的钱，也是10月8日到账" in said and "估算" not in said


def test_a_single_day_holiday_says_that_day():
    said = holiday_rule("端午收的钱哪天到", date(2027, 5, 20), own=False)
    assert "端午放假预计是6月9日（周三）" in said and "6月10日（周四）" in said and "商户号" not in said


def test_no_answer_without_a_holiday():
    assert holiday_rule("周五刷的卡什么时候到", date(2026, 12, 6)) is None
