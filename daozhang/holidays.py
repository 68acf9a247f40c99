"""Holidays named by name (元旦, 过年, 十一): which days the break is, so that a question about
payouts over it gets real dates instead of a request for a merchant id.

The days come from `chinesecalendar` for the years it knows and from data/holidays.yml after
that; a break is the holiday's days with the weekend days around them. The break meant is the
coming one, or one that ended in the last two weeks (国庆刷的钱什么时候到, asked on 10月10日).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Dict, List, Optional, Set

import chinese_calendar

from daozhang.payout_calendar import workday
from daozhang.resources import load_yaml
from daozhang.text.normalise import normalise_text

JUST_ENDED = timedelta(days=14)


@dataclass(frozen=True)
class HolidayBreak:
    name: str  # 元旦, 国庆节: chinesecalendar's Chinese name
    first: date
    last: date
    estimate: bool  # the year's arrangement is not published yet


def holiday_named(text: str) -> Optional[str]:
    """The holiday a message names (chinesecalendar's key: national_day …), if any."""
    plain = normalise_text(text or "").lower()
    for key, words in load_yaml("holidays.yml")["names"].items():
        if any(str(word).lower() in plain or str(word).lower() in (text or "") for word in words):
            return key
    return None


@lru_cache(maxsize=32)
def _days_of(key: str, year: int) -> Set[date]:
    """The statutory days of holiday `key` in `year` (empty when the year is not known)."""
    shipped = (load_yaml("holidays.yml").get("years") or {}).get(year)
    if shipped:
        return {day for day, name in (shipped.get("holidays") or {}).items() if name == key}
    english = chinese_calendar.Holiday[key].value
    day, days = date(year, 1, 1), set()
    try:
        while day.year == year:
            if chinese_calendar.get_holiday_detail(day) == (True, english):  # not its make-up workdays
                days.add(day)
            day += timedelta(days=1)
    except NotImplementedError:
        return set()
    return days


def _breaks(key: str, year: int) -> List[HolidayBreak]:
    """The holiday's days in `year`, each stretched over the days off around it, merged."""
    name = chinese_calendar.Holiday[key].chinese
    spans: Dict[date, date] = {}
    for day in sorted(_days_of(key, year)):
        first, last = day, day
        while not workday(first - timedelta(days=1)).is_workday:
            first -= timedelta(days=1)
        while not workday(last + timedelta(days=1)).is_workday:
            last += timedelta(days=1)
        spans[first] = max(last, spans.get(first, last))
    return [HolidayBreak(name, first, last, any(workday(first + timedelta(days=n)).estimate
                                                 for n in range((last - first).days + 2)))
            for first, last in sorted(spans.items())]


def holiday_break(key: str, today: date) -> Optional[HolidayBreak]:
    """The break of holiday `key` meant on `today`: the coming one, or one just ended."""
    for year in (today.year - 1, today.year, today.year + 1):
        for found in _breaks(key, year):
            if found.last >= today - JUST_ENDED:
                return found
    return None
