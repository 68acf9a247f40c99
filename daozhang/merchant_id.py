"""A merchant id typed or spoken when asked for it, possibly in pieces.

Merchants read the 15 digits off a receipt or an app and often send them in
parts (开头是898 等下我看看后面 / 接着是3100 / 最后是00000009). The first part
counts as a piece when the message says more is coming; later parts join it
until there are 15 digits. Anything else that is not 15 digits is a miss.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional, Tuple

from daozhang.lexicon import listens_for
from daozhang.text.normalise import normalise, normalise_text

ID_LENGTH = 15
ID_PATTERN = re.compile(rf"(?<!\d)\d{{{ID_LENGTH}}}(?!\d)")
# Digits sent unasked count as an attempt at the id only when they are this long (not an amount, a tail).
ID_LIKE_LENGTHS = range(10, 21)
# Words that name a number as something else than the merchant id (a reference, a card, an order).
NAMED_OTHERWISE = ("参考号", "检索号", "卡号", "尾号", "后四位", "单号")
# … and those that say it is something else at all (a sum, too).
OTHER_NUMBERS = (*NAMED_OTHERWISE, "金额", "块", "元")


def is_merchant_id(text: str) -> bool:
    return bool(ID_PATTERN.fullmatch(text))


def find_in(text: str) -> Optional[str]:
    """The merchant id in a message, written or spoken (幺二三…), if it holds one."""
    found = ID_PATTERN.search(normalise_text(text))
    return found.group(0) if found else None


# What the door left of a card number or a secret (***************0128, ******): never part of an id.
_MASKED = re.compile(r"\*{3,}[ \-]?\d{0,4}")
# Pieces of digits apart only by spaces or dashes are an id read in groups (8983 1000 0000 003 /
# 零零零零 零零零 零零七).
_GROUPING = re.compile(r"[ \t-]+")
# A number that the words around it make a sum of money, a date or a time: 两千三 (said with a
# unit), 收了500, 80块, 12月31号, 3点.
_UNIT_SAID = re.compile("[十百千万亿拾佰仟]")
_MONEY_OR_TIME_AFTER = re.compile(r"^\s*(?:\.\d|块|元|圆|毛|角|万|千|百|月|号|日|点|时|分|笔|次|天|个|%)")
_MONEY_BEFORE = re.compile(r"(?:[¥$]|收了|付了|刷了|扫了|转了|退了|扣了|金额|一共|总共)\s*(?:是|为|大概|差不多)?\s*$")
# A number that a word names as something else: 参考号是…, 卡号…, 订单号….
_NAMED_BEFORE = re.compile(rf"(?:{'|'.join(NAMED_OTHERWISE)})\s*(?:是|为|:|：)?\s*$")


def _pieces(text: str, named_too: bool) -> List[Tuple[str, bool]]:
    """The message's runs of digits that may be (part of) an id, each with whether it follows the
    one before it apart only by spaces or dashes. Never a sum of money, a date or a time, nor
    (`named_too`) a number a word names as something else."""
    norm = normalise(_MASKED.sub(" ", text))
    pieces: List[Tuple[str, bool]] = []
    end = None
    for found in re.finditer(r"\d+", norm.text):
        start, stop = norm.original_span(found.start(), found.end())
        before, after = norm.text[:found.start()], norm.text[found.end():]
        other = len(found.group(0)) != ID_LENGTH and (
            _UNIT_SAID.search(norm.original[start:stop]) or _MONEY_OR_TIME_AFTER.match(after)
            or _MONEY_BEFORE.search(before) or (named_too and _NAMED_BEFORE.search(before)))
        grouped = end is not None and bool(_GROUPING.fullmatch(norm.text[end:found.start()]))
        pieces.append(("" if other else found.group(0), grouped))
        end = found.end()
    return pieces


def _longest(pieces: List[Tuple[str, bool]]) -> str:
    """The longest usable run, a grouping of runs counting as one when it makes at most 15 digits."""
    runs, joined = [], ""
    for digits, grouped in pieces:
        joined = joined + digits if grouped and joined and digits else digits
        runs += [digits, joined] if len(joined) <= ID_LENGTH else [digits]
    return max(runs, key=len, default="")


def longest_digit_run(text: str) -> str:
    """The longest run of digits in a message that may be an id, written or spoken; an id in short
    groups (4-4-4-3, or as read aloud) is one run. Sums, dates and times (三笔 五百 八百 一千二)
    are never part of it."""
    return _longest(_pieces(text, named_too=False))


def attempted_id(text: str, asked: bool, spoken: bool = False) -> Optional[str]:
    """The digits a message gives as the id: any but a sum, a date or a time when the id was asked
    for; else an id-like run that no word names as something else (参考号是123456789012).
    Asked for, an id said in parts in one message (前面是898310 后面是000000005, or a caller's
    八九八三幺零零零 嗯 零零零零) is its parts joined."""
    pieces = _pieces(text, named_too=not asked)
    longest = _longest(pieces)
    if asked and (spoken or says_more_is_coming(text)) and not any(cue in text for cue in OTHER_NUMBERS):
        joined = "".join(digits for digits, _ in pieces)
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
