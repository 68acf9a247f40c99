"""Resolve the day words merchants use (昨天, 上周五, 11月20号, 11.20) to ISO dates.

Relative words are resolved against the day the message was sent, in
Asia/Shanghai. A date that would lie in the future is taken as last year's
(11月30号 said on 2 January) or last month's (28号 said on the 3rd).
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Optional

RELATIVE_DAYS = {
    "今天": 0, "今日": 0, "今儿": 0, "今早": 0, "今晚": 0, "今天早上": 0, "今天上午": 0,
    "昨天": 1, "昨日": 1, "昨儿": 1, "昨晚": 1, "昨个": 1, "昨儿个": 1,
    "前天": 2, "前日": 2, "前儿": 2, "前儿个": 2,
    "大前天": 3,
}
WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6,
            "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}

# Alternatives are ordered longest first so that 大前天 is not read as 前天.
DATE_PATTERN = re.compile(
    r"(?P<ymd>(?P<y>20\d{2})\s*[年\-/.]\s*(?P<ym>\d{1,2})\s*[月\-/.]\s*(?P<yd>\d{1,2})\s*[日号]?)"
    r"|(?P<md>(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]?)"
    r"|(?P<dot>(?<![\d.])(?P<dm>\d{1,2})[./](?P<dd>\d{1,2})(?![\d.]|\s*(?:元|块|%)))"
    r"|(?P<dom>(?<![\d月.])(?P<day>\d{1,2})\s*[号日](?!机|码|线|楼|店|柜))"
    r"|(?P<week>(?P<last>上上|上)?(?:个)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天1-7]))"
    r"|(?P<rel>" + "|".join(sorted(RELATIVE_DAYS, key=len, reverse=True)) + r")"
)


# 今天 is the day of a sale only when a sale is near it: 今天刷的 / 今天上午收了.
# Otherwise it is the day the merchant speaks (到今天都没到, 今天能到账吗, 今天天气).
_TODAY_WORDS = {"今天", "今日", "今儿", "今早", "今晚", "今天早上", "今天上午"}
_SALE_NEAR = re.compile(r"^.{0,6}?(?:刷|收|扫|付|卖|交易|做了|进账|的那笔|那笔|的钱|的款)")
_ONLY_A_TIME_AFTER = re.compile(r"^\W*(?:上午|下午|中午|晚上|早上|凌晨)?[\d:点半多左右的]*\W*$")


def is_only_a_reference_point(match: "re.Match[str]", text: str) -> bool:
    """True for a 今天 that names the day of speaking, not the day of a sale."""
    if match.group("rel") not in _TODAY_WORDS:
        return False
    after = text[match.end():]
    return not (_SALE_NEAR.match(after) or _ONLY_A_TIME_AFTER.match(after))


# A day in a question about when money will come (明天周一能到吗, 周五能到账吗) names a payout
# day the merchant hopes for, never the day of the sale.
# A day after 要是 / 如果 / 等到 (要是周一还不到呢) is a day to come in a what-if, too.
_FUTURE_BEFORE = re.compile(r"(?:明天|明儿|后天|下周|下礼拜|下星期|下个|要是|如果|万一|假如|等到|到了)是?\W*$")
# 今天周六了还没到: the weekday of today, said to say what day it is, not the sale's.
_TODAY_BEFORE = re.compile(r"(?:今天|今儿|今日)是?\W*$")
_ARRIVAL_AFTER = re.compile(r"^\W*(?:(?:能|会|可以|就|才|可不可以|能不能|会不会)?\W*"
                            r"(?:到账|到帐|到卡|到吗|到了吗|打款|打过来|进账|结算|入账|到)"
                            r"|几点|可以吗|行吗|行不行|来得及)")
_SALE_AFTER = re.compile(r"^\W*(?:的)?(?:刷|收|扫|卖|交易|那笔|的那笔)")


def names_a_day_to_come(match: "re.Match[str]", text: str) -> bool:
    """True for a weekday or day word that is asked about as a payout day, not a sale day (or
    that says what day today is)."""
    if not (match.group("week") or match.group("dom") or match.group("md")):
        return False
    before, after = text[:match.start()], text[match.end():]
    if match.group("week") and _TODAY_BEFORE.search(before):
        return True
    if _SALE_AFTER.match(after):
        return False
    return bool(_FUTURE_BEFORE.search(before) or _ARRIVAL_AFTER.match(after))


def _safe_date(year: int, month: int, day: int) -> Optional[date]:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_day(month: int, day: int, today: date) -> Optional[date]:
    found = _safe_date(today.year, month, day)
    if found and found > today:
        found = _safe_date(today.year - 1, month, day)
    return found


def _day_of_month(day: int, today: date) -> Optional[date]:
    found = _safe_date(today.year, today.month, day)
    if found and found > today:
        previous = today.replace(day=1) - timedelta(days=1)
        found = _safe_date(previous.year, previous.month, day)
    return found


def _weekday(match: "re.Match[str]", today: date) -> date:
    target = WEEKDAYS[match.group("wd")]
    this_week_monday = today - timedelta(days=today.weekday())
    weeks_back = {"上": 1, "上上": 2}.get(match.group("last") or "", 0)
    if weeks_back:
        return this_week_monday - timedelta(weeks=weeks_back) + timedelta(days=target)
    found = this_week_monday + timedelta(days=target)
    return found if found <= today else found - timedelta(weeks=1)


def resolve(match: "re.Match[str]", today: date) -> Optional[date]:
    """The date a DATE_PATTERN match names, or None when it names no real day."""
    if match.group("ymd"):
        return _safe_date(int(match.group("y")), int(match.group("ym")), int(match.group("yd")))
    if match.group("md"):
        return _month_day(int(match.group("m")), int(match.group("d")), today)
    if match.group("dot"):
        return _month_day(int(match.group("dm")), int(match.group("dd")), today)
    if match.group("dom"):
        return _day_of_month(int(match.group("day")), today)
    if match.group("week"):
        return _weekday(match, today)
    return today - timedelta(days=RELATIVE_DAYS[match.group("rel")])
