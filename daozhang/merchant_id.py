"""A merchant id typed or spoken when asked for it, possibly in pieces.

Merchants read the 15 digits off a receipt or an app and often send them in
parts (开头是898 等下我看看后面 / 接着是3100 / 最后是00000009). The first part
counts as a piece when the message says more is coming; later parts join it
until there are 15 digits. Anything else that is not 15 digits is a miss.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from daozhang.lexicon import listens_for
from daozhang.text.normalise import normalise_text

ID_LENGTH = 15
ID_PATTERN = re.compile(rf"(?<!\d)\d{{{ID_LENGTH}}}(?!\d)")
# Digits sent unasked count as an attempt at the id only when they are this long (not an amount, a tail).
ID_LIKE_LENGTHS = range(10, 21)
# Words that say a number is something else than the merchant id (a reference, a card, a sum).
OTHER_NUMBERS = ("参考号", "检索号", "卡号", "尾号", "后四位", "单号", "金额", "块", "元")


def is_merchant_id(text: str) -> bool:
    return bool(ID_PATTERN.fullmatch(text))


def find_in(text: str) -> Optional[str]:
    """The merchant id in a message, written or spoken (幺二三…), if it holds one."""
    found = ID_PATTERN.search(normalise_text(text))
    return found.group(0) if found else None


# What the door left of a card number or a secret (***************0128, ******): never part of an id.
_MASKED = re.compile(r"\*{3,}[ \-]?\d{0,4}")
# Digits in groups (8983 1000 0000 003 / 零零零零 零零零 零零七): short pieces apart only by spaces or dashes.
_GROUPED = re.compile(r"(?<!\d)\d{1,8}(?:[ \t-]+\d{1,8})+(?!\d)")


def longest_digit_run(text: str) -> str:
    """The longest run of digits in a message, written or spoken; a grouping of an id in short
    pieces (4-4-4-3, or as read aloud) is one run when it makes at most 15 digits."""
    plain = normalise_text(_MASKED.sub(" ", text))
    runs = re.findall(r"\d+", plain)
    runs += [joined for joined in (re.sub(r"\D", "", group) for group in _GROUPED.findall(plain))
             if len(joined) <= ID_LENGTH]
    return max(runs, key=len) if runs else ""


def attempted_id(text: str, asked: bool, spoken: bool = False) -> Optional[str]:
    """The digits a message gives as the id: any, when the id was asked for; else an id-like run.
    Asked for, an id said in parts in one message (前面是898310 后面是000000005, or a caller's
    八九八三幺零零零 嗯 零零零零) is its parts joined."""
    longest = longest_digit_run(text)
    if asked and (spoken or says_more_is_coming(text)) and not any(cue in text for cue in OTHER_NUMBERS):
        joined = "".join(re.findall(r"\d+", normalise_text(_MASKED.sub(" ", text))))
        if len(longest) < len(joined) <= ID_LENGTH:
            return joined
    return longest if longest and (asked or len(longest) in ID_LIKE_LENGTHS) else None


@dataclass(frozen=True)
class Attempt:
    """What the digits of one message make of the id: `complete`, a `part` so far, or neither (a miss)."""

    complete: Optional[str] = None
    part: Optional[str] = None

    @property
    def missed(self) -> bool:
        return self.complete is None and self.part is None


def says_more_is_coming(text: str) -> bool:
    return any(word in text for word in listens_for("more_to_come"))


def take_digits(digits: str, text: str, part: Optional[str] = None, spoken: bool = False) -> Attempt:
    """The id after this message's `digits` (its longest run), given the `part` collected so far;
    `spoken`: a caller's pause ends a transcript, so a first part of four or more digits waits for
    the rest (商户号八九八三 幺零零零 … 零零零零 零零二)."""
    if len(digits) == ID_LENGTH:
        return Attempt(complete=digits)
    joined = (part or "") + digits
    if part and len(joined) == ID_LENGTH:
        return Attempt(complete=joined)
    paused = spoken and len(digits) >= 4 and not any(cue in text for cue in OTHER_NUMBERS)
    if digits and len(joined) < ID_LENGTH and (part or says_more_is_coming(text) or paused):
        return Attempt(part=joined)
    return Attempt()
