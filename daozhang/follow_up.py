"""Questions after an explanation, answered in the context of the case (data/follow_ups.yml).

"When will the returned payout be paid again?", "how do I do 预授权完成?", "where do I
finish 实名认证?", "that refund was not mine", "is Monday OK?" after a payout date: a
merchant asks these of the case just explained, never as a new topic.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Mapping, Optional

from daozhang.diagnosis import month_day_weekday
from daozhang.entities.dates import WEEKDAYS
from daozhang.resources import load_yaml, reply
from daozhang.text.normalise import normalise_text

_WEEKDAY_QUESTION = re.compile(r"(?:下)?(?:周|星期|礼拜)([一二三四五六日天1-7])")
_DATE_QUESTION = re.compile(r"(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*[号日]")
_PAYOUT_CODES = ("pending_settlement", "already_paid", "merged_settlement")


@dataclass(frozen=True)
class FollowUp:
    answer: str
    ticket: bool = False


def follow_up(code: Optional[str], text: str, facts: Mapping[str, str],
              today: date, payout: Optional[date] = None) -> Optional[FollowUp]:
    """The answer to a question about the case diagnosed as `code`, or None when it is not one."""
    if not code:
        return None
    plain = normalise_text(text or "")
    if code in _PAYOUT_CODES and payout:
        asked = _weekday_asked(plain, today)
        if asked:
            return FollowUp(_payout_by(asked, payout, today))
    answers = load_yaml("follow_ups.yml")
    for entry in (answers.get(code) or []) + (answers.get("any") or []):
        if any(word in plain for word in entry["words"]):
            return FollowUp(entry["answer"].format_map(_Facts(facts)), bool(entry.get("ticket")))
    return None


def _weekday_asked(text: str, today: date) -> Optional[date]:
    """周一可以吗 → the coming Monday; 10月8号可以吗 → the coming 8 October."""
    found = _WEEKDAY_QUESTION.search(text)
    if found:
        ahead = (WEEKDAYS[found.group(1)] - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    found = _DATE_QUESTION.search(text)
    if not found:
        return None
    month, day = int(found.group(1) or today.month), int(found.group(2))
    for year in (today.year, today.year + 1):
        try:
            asked = date(year, month, day)
        except ValueError:
            return None
        if asked >= today:
            return asked
    return None


def _payout_by(asked: date, payout: date, today: date) -> str:
    key = ("payout_already" if payout <= today else "payout_on_the_day" if asked == payout
           else "payout_by_ok" if asked > payout else "payout_by_not_yet")
    return reply(key, asked=month_day_weekday(asked), payout=month_day_weekday(payout))


class _Facts(dict):
    """Facts for the answer's fields; a missing one stays readable instead of failing."""

    def __missing__(self, key: str) -> str:
        return ""
