"""A merchant id typed or spoken when asked for it, possibly in pieces.

Merchants read the 15 digits off a receipt or an app and often send them in
parts (开头是898 等下我看看后面 / 接着是3100 / 最后是00000009). The first part
counts as a piece when the message says more is coming; later parts join it
until there are 15 digits. Anything else that is not 15 digits is a miss.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from daozhang.resources import load_yaml

ID_LENGTH = 15


@dataclass(frozen=True)
class Attempt:
    """What the digits of one message make of the id: `complete`, a `part` so far, or neither (a miss)."""

    complete: Optional[str] = None
    part: Optional[str] = None

    @property
    def missed(self) -> bool:
        return self.complete is None and self.part is None


def says_more_is_coming(text: str) -> bool:
    return any(word in text for word in load_yaml("wording.yml")["more_to_come_words"])


def take_digits(digits: str, text: str, part: Optional[str] = None) -> Attempt:
    """The id after this message's `digits` (its longest run), given the `part` collected so far."""
    if len(digits) == ID_LENGTH:
        return Attempt(complete=digits)
    joined = (part or "") + digits
    if part and len(joined) == ID_LENGTH:
        return Attempt(complete=joined)
    if digits and len(joined) < ID_LENGTH and (part or says_more_is_coming(text)):
        return Attempt(part=joined)
    return Attempt()
