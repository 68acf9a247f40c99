"""Payout dates on the Chinese working-day calendar."""
from datetime import date

from daozhang.payout_calendar import BOOK_ON_WORKING_DAY, payout_rule, t_plus, workday


def test_an_ordinary_weekday_pays_the_next_day():
    assert t_plus(date(2026, 11, 23)) == (date(2026, 11, 24), False)


def test_a_friday_sale_pays_on_monday():
    assert t_plus(date(2026, 11, 20)) == (date(2026, 11, 23), False)


def test_weekend_sales_are_paid_on_monday_by_default():
    assert payout_rule() == "next_working_day"
    assert t_plus(date(2026, 11, 21)) == (date(2026, 11, 23), False)  # Saturday
    assert t_plus(date(2026, 11, 22)) == (date(2026, 11, 23), False)  # Sunday


def test_an_acquirer_that_books_weekend_sales_on_monday_pays_them_on_tuesday():
    assert t_plus(date(2026, 11, 21), rule=BOOK_ON_WORKING_DAY) == (date(2026, 11, 24), False)
    assert t_plus(date(2026, 11, 20), rule=BOOK_ON_WORKING_DAY) == (date(2026, 11, 23), False)


def test_national_day_holiday_and_its_make_up_working_day():
    # 2026: 1–7 October off; Saturday 10 October is a make-up working day.
    assert t_plus(date(2026, 9, 30)) == (date(2026, 10, 8), False)
    assert t_plus(date(2026, 10, 3)) == (date(2026, 10, 8), False)
    assert t_plus(date(2026, 10, 3), rule=BOOK_ON_WORKING_DAY) == (date(2026, 10, 9), False)
    assert workday(date(2026, 10, 10)).is_workday
    assert t_plus(date(2026, 10, 9)) == (date(2026, 10, 10), False)


def test_spring_festival():
    # 2026: 15–23 February off; Saturday 14 February is a make-up working day.
    assert t_plus(date(2026, 2, 13)) == (date(2026, 2, 14), False)
    assert t_plus(date(2026, 2, 14)) == (date(2026, 2, 24), False)
    assert t_plus(date(2026, 2, 17)) == (date(2026, 2, 24), False)
    assert t_plus(date(2026, 2, 17), rule=BOOK_ON_WORKING_DAY) == (date(2026, 2, 25), False)
    assert not workday(date(2026, 2, 18)).is_workday


def test_the_2026_to_2027_boundary_uses_the_shipped_schedule_and_says_estimate():
    # 31 Dec 2026 is a Thursday; 1 Jan 2027 (元旦) is off, then the weekend.
    payout, estimate = t_plus(date(2026, 12, 31))
    assert payout == date(2027, 1, 4)
    assert estimate


def test_a_year_missing_everywhere_falls_back_to_weekends_and_says_estimate():
    answer = workday(date(2031, 3, 3))
    assert answer.is_workday and answer.estimate
    assert not workday(date(2031, 3, 1)).is_workday


def test_years_the_package_knows_are_exact():
    answer = workday(date(2026, 12, 30))
    assert answer.is_workday and not answer.estimate


def test_an_unknown_rule_is_a_configuration_error_not_a_wrong_date():
    import pytest

    with pytest.raises(ValueError, match="payout_rule"):
        t_plus(date(2026, 11, 21), rule="whenever")
