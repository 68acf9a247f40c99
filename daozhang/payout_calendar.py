"""The Chinese working-day calendar that payouts follow.

`chinesecalendar` knows weekends, statutory holidays and make-up working days
for the years it ships (up to 2026 in 1.11.0). Later years come from
`data/holidays.yml`; a year missing there too falls back to weekends only.
Every answer says whether it is exact or an estimate, so the reply can say so.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Dict, Optional, Set, Tuple

import chinese_calendar

from daozhang.resources import load_yaml


@dataclass(frozen=True)
class Workday:
    """Whether a day is a working day, and whether that is certain."""

    is_workday: bool
    estimate: bool


@lru_cache(maxsize=1)
def _shipped_schedule() -> Dict[int, Tuple[bool, Set[date], Set[date]]]:
    """year → (published, holidays, make-up workdays) from holidays.yml."""
    schedule = {}
    for year, entry in (load_yaml("holidays.yml").get("years") or {}).items():
        schedule[int(year)] = (bool(entry.get("published")),
                               set(entry.get("holidays") or []),
                               set(entry.get("workdays") or []))
    return schedule


def workday(day: date) -> Workday:
    """Is `day` a working day on the mainland calendar?"""
    try:
        return Workday(chinese_calendar.is_workday(day), estimate=False)
    except NotImplementedError:
        pass
    published, holidays, workdays = _shipped_schedule().get(day.year, (False, set(), set()))
    if day in workdays:
        return Workday(True, estimate=not published)
    if day in holidays:
        return Workday(False, estimate=not published)
    return Workday(day.weekday() < 5, estimate=not published)


def next_workday(after: date) -> Tuple[date, bool]:
    """The first working day strictly after `after`, and whether it is an estimate."""
    estimate = False
    day = after
    while True:
        day += timedelta(days=1)
        answer = workday(day)
        estimate = estimate or answer.estimate
        if answer.is_workday:
            return day, estimate


NEXT_WORKING_DAY = "next_working_day"
BOOK_ON_WORKING_DAY = "book_on_working_day"


def payout_rule() -> str:
    """The acquirer's rule for sales on non-working days (data/settlement.yml)."""
    return load_yaml("settlement.yml").get("payout_rule", NEXT_WORKING_DAY)


# When the rule names no hour, a payout day's batch is counted on by the evening.
DEFAULT_HOUR = "18:00"


def payout_hour() -> Optional[str]:
    """The hour by which a payout day's batch reaches the settlement card (settlement.yml), if the rule says."""
    hour = load_yaml("settlement.yml").get("payout_by")
    return str(hour) if hour else None


def t_plus(trade_day: date, days: int = 1, rule: Optional[str] = None) -> Tuple[date, bool]:
    """Payout day of a T+n settlement, and whether it is an estimate.

    `next_working_day` (the common rule, the default): payout on the n-th working day
    after the trade day, so a Friday, Saturday or Sunday sale is paid on Monday.
    `book_on_working_day`: a sale on a non-working day is first booked on the next
    working day and paid n working days after that (a Saturday sale on Tuesday).
    """
    rule = rule or payout_rule()
    answer = workday(trade_day)
    estimate = answer.estimate
    booked = trade_day
    if rule == BOOK_ON_WORKING_DAY and not answer.is_workday:
        booked, estimated = next_workday(trade_day)
        estimate = estimate or estimated
    elif rule not in (NEXT_WORKING_DAY, BOOK_ON_WORKING_DAY):
        raise ValueError(f"unknown payout_rule {rule!r} in settlement.yml")
    payout = booked
    for _ in range(days):
        payout, estimated = next_workday(payout)
        estimate = estimate or estimated
    return payout, estimate
