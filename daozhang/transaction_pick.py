"""Which of several listed transactions the merchant means: 第二笔 / 800那笔 / 12点的."""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Optional, Sequence

from daozhang.diagnosis import channel_label, month_day
from daozhang.entities.finder import EntityFinder
from daozhang.money import yuan
from daozhang.records import Transaction
from daozhang.text.normalise import normalise_text
from daozhang.text.numerals import SPOKEN_DIGITS

_ORDINAL = re.compile(r"第\s*([一二两三四五六七八九\d])|^\s*(\d)\s*$|^\s*([一二三四五六七八九])\s*$")
_CLOCK = re.compile(r"(\d{1,2})\s*(?:[:：]\s*(\d{2})|点)")


def describe(candidates: Sequence[Transaction]) -> str:
    """One numbered line per candidate: time, amount, channel."""
    return "\n".join(
        f"{i}. {month_day(t.time.date())} {t.time:%H:%M}  {yuan(t.amount)}元  "
        f"{channel_label(t.channel)}"
        for i, t in enumerate(candidates, start=1))


def pick(candidates: Sequence[Transaction], text: str) -> Optional[Transaction]:
    """The candidate the merchant's reply names, or None when it names none."""
    normalised = normalise_text(text)
    ordinal = _ORDINAL.search(normalised)
    if ordinal:
        raw = next(g for g in ordinal.groups() if g)
        index = int(raw) if raw.isdigit() else int(SPOKEN_DIGITS[raw])
        if 1 <= index <= len(candidates):
            return candidates[index - 1]
    amounts = {Decimal(e.value) for e in EntityFinder.shared().find(normalised)
               if e.entity == "amount"}
    by_amount = [t for t in candidates if t.amount in amounts]
    if len(by_amount) == 1:
        return by_amount[0]
    clock = _CLOCK.search(normalised)
    if clock:
        hour = int(clock.group(1))
        by_hour = [t for t in candidates if t.time.hour in (hour, hour + 12)]
        if len(by_hour) == 1:
            return by_hour[0]
    return None
