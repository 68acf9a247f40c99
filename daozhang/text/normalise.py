"""Normalise what merchants type and what the IVR hears into one canonical text.

The same function runs at training and at parse time (via the Rasa component),
so the classifier and the entity rules always see the same surface:
full-width → half-width, traditional → simplified, spoken numerals → digits
(only inside spans that are ids, amounts, dates and times), amount shorthands
(2k, 1.5万, ¥1,999.50) → plain numbers.

Every rewrite keeps a map from normalised characters back to the original
text, so a span found on the normalised text can be shown on the original.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterable, List, Tuple

from daozhang.text import numerals

FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
FULLWIDTH.update({0x3000: 0x20, 0xFFE5: ord("¥"), 0xFFE0: ord("¢")})


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


@dataclass
class Normalised:
    """A normalised text and, per character, where it came from in `original`."""

    original: str
    text: str
    starts: List[int] = field(repr=False)
    ends: List[int] = field(repr=False)

    def original_span(self, start: int, end: int) -> Tuple[int, int]:
        """Maps a span of `text` to the span of `original` it was made from."""
        if start >= end:
            at = self.starts[start] if start < len(self.starts) else len(self.original)
            return at, at
        return self.starts[start], self.ends[end - 1]

    def replace(self, edits: Iterable[Tuple[int, int, str]]) -> "Normalised":
        """Applies non-overlapping (start, end, new_text) edits, keeping the map."""
        text, starts, ends = [], [], []
        pos = 0
        for start, end, new in sorted(edits):
            text.append(self.text[pos:start])
            starts.extend(self.starts[pos:start])
            ends.extend(self.ends[pos:start])
            text.append(new)
            starts.extend([self.starts[start]] * len(new))
            ends.extend([self.ends[end - 1]] * len(new))
            pos = end
        text.append(self.text[pos:])
        starts.extend(self.starts[pos:])
        ends.extend(self.ends[pos:])
        return Normalised(self.original, "".join(text), starts, ends)

    def sub(self, pattern: "re.Pattern[str]", repl: Callable[["re.Match[str]"], str]) -> "Normalised":
        """Like `re.sub`, keeping the map; `repl` returning the match leaves it alone."""
        edits = []
        for match in pattern.finditer(self.text):
            new = repl(match)
            if new != match.group(0):
                edits.append((match.start(), match.end(), new))
        return self.replace(edits) if edits else self


def _identity(text: str) -> Normalised:
    return Normalised(text, text, list(range(len(text))), list(range(1, len(text) + 1)))


def _same_length(norm: Normalised, new_text: str) -> Normalised:
    return Normalised(norm.original, new_text, norm.starts, norm.ends)


_SURROGATE = re.compile("[\ud800-\udfff]")


def to_simplified(text: str) -> str:
    """Traditional → simplified, character for character (keeps offsets). A lone surrogate (from a
    JSON escape such as \\ud800) cannot be encoded: it becomes U+FFFD, in the same place."""
    text = _SURROGATE.sub("\ufffd", text)
    converted = _t2s().convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(ch if len(c := _t2s().convert(ch)) != 1 else c for ch in text)


_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_SHORTHAND = re.compile(r"(?<![A-Za-z0-9.])(\d+(?:\.\d+)?)\s*([kKwW万千])(?![A-Za-z0-9])")
_SHORTHAND_FACTOR = {"k": 1000, "K": 1000, "千": 1000, "w": 10000, "W": 10000, "万": 10000}
_KUAI_JIAO = re.compile(r"(\d+)(块|元)(\d)(?![\d.笔次个天台张])(?:毛|角)?")
_GROUPED_DIGITS = re.compile(r"\d{3,}(?:[ \-]\d{3,})+")
_ID_LENGTHS = {8, 12, 15, 16, 17, 18, 19}


def _join_digit_groups(match: "re.Match[str]") -> str:
    """`8983 1000 0000 003` → one id; `500 800 1200` (three amounts) and `1250 898310000000003`
    (an amount beside a whole id) stay apart."""
    groups = re.split(r"[ \-]", match.group(0))
    joined = "".join(groups)
    return joined if len(joined) in _ID_LENGTHS and max(map(len, groups)) <= 8 else match.group(0)


def _expand_shorthand(match: "re.Match[str]") -> str:
    value = float(match.group(1)) * _SHORTHAND_FACTOR[match.group(2)]
    return numerals.format_number(value)


def normalise(text: str) -> Normalised:
    """Returns the canonical form of a merchant's or caller's message."""
    norm = _identity(text)
    norm = _same_length(norm, norm.text.translate(FULLWIDTH))
    norm = _same_length(norm, to_simplified(norm.text))
    norm = numerals.convert_spans(norm)
    norm = norm.sub(_GROUPED_DIGITS, _join_digit_groups)
    norm = norm.sub(_THOUSANDS, lambda m: "")
    norm = norm.sub(_SHORTHAND, _expand_shorthand)
    norm = norm.sub(_KUAI_JIAO, lambda m: f"{m.group(1)}.{m.group(3)}{m.group(2)}")
    return norm


def normalise_text(text: str) -> str:
    """The normalised text alone."""
    return normalise(text).text
