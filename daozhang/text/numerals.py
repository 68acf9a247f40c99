"""Spoken and written Chinese numerals → digits, only where they are data.

cn2an does the arithmetic (两千三 → 2300, 一万二 → 12000); this module decides
*which* numeral runs are ids, amounts, dates or times, so that words such as
一些, 一样, 第一笔, 一下子, 三天 and 十分 stay as they are.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Optional

import cn2an

if TYPE_CHECKING:  # pragma: no cover
    from daozhang.text.normalise import Normalised

# Spoken and written single digits (幺 and 洞 as read out on the phone, 壹 on cheques).
SPOKEN_DIGITS = {
    "零": "0", "〇": "0", "洞": "0", "一": "1", "幺": "1", "二": "2", "两": "2",
    "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9",
    "壹": "1", "贰": "2", "叁": "3", "肆": "4", "伍": "5", "陆": "6", "柒": "7",
    "捌": "8", "玖": "9",
}
# A regex character class of every way a digit is written: ASCII, full-width, spoken (幺, 两, 壹 …).
DIGIT_CHARS = "0-9０-９" + "".join(SPOKEN_DIGITS)
_TO_ASCII = str.maketrans({**SPOKEN_DIGITS, **{chr(0xFF10 + i): str(i) for i in range(10)}})


def ascii_digits(text: str) -> str:
    """Full-width and spoken digits written as ASCII digits; everything else as it was."""
    return text.translate(_TO_ASCII)


_UNITS = "十百千万亿拾佰仟"
_RUN = re.compile(f"[{''.join(SPOKEN_DIGITS)}{_UNITS}点]+")

_MONEY_AFTER = re.compile(r"^(?:多|来)?(?:块(?!儿)|元|圆|毛|角|快钱|rmb|RMB)")
_COUNT_AFTER = re.compile(r"^(?:多|来)?(?:天|笔|次|个|台|年|周|星期|分钟|小时|遍|张|家|位|种|样|些|下|直|起|点点)")
_AMOUNT_BEFORE = re.compile(
    r"(?:收了|付了|刷了|扫了|转了|退了|扣了|收款|付款|金额|一共|总共|共|消费|交易|到账|是|有|为|了|¥|收|刷|付|扫|退|扣)"
    r"(?:大概|差不多|大约|整整)?$"
)
_MONEY_BEFORE = re.compile(f"[\\d{''.join(SPOKEN_DIGITS)}{_UNITS}](?:块|元)$")
_BIG_UNIT = re.compile("[百千万佰仟]")
_IDIOMS = {"千万", "万一", "万万", "千千万万", "一万"}
_CODE_BEFORE = re.compile(r"(?:码|号|报错|包错|代码|错误|显示|提示)(?:是|为)?$")
_DAY_PART_BEFORE = re.compile(r"(?:上午|下午|中午|晚上|早上|凌晨|傍晚|早)$")
# Another group of digits right beside a short run: it is a group of an id read out in pieces.
_GROUP_BEFORE = re.compile(f"[{DIGIT_CHARS}]{{2}}[ -]+$")
_GROUP_AFTER = re.compile(f"^[ -]+[{DIGIT_CHARS}]{{2}}")
# The recogniser hears 幺 as 要 inside a long run of digits (八九八三要零零零…).
_MISHEARD_ONE = re.compile(f"(?<=[{''.join(SPOKEN_DIGITS)}]{{3}})要(?=[{''.join(SPOKEN_DIGITS)}]{{3}})")


def format_number(value: float) -> str:
    """1999.50 → '1999.5', 2000.0 → '2000'."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def _spoken_digits(run: str) -> str:
    return "".join(SPOKEN_DIGITS[ch] for ch in run)


def _arithmetic(run: str) -> Optional[str]:
    try:
        value = cn2an.cn2an(run.replace("幺", "一").replace("洞", "零"), "smart")
    except (ValueError, KeyError, IndexError):
        return None
    return format_number(float(value))


def _convert(run: str, before: str, after: str) -> Optional[str]:
    """The digits for one numeral run in its context, or None to leave it."""
    digits_only = all(ch in SPOKEN_DIGITS for ch in run)
    has_unit = any(ch in _UNITS for ch in run)
    if before.endswith("第"):
        return None
    if digits_only and (len(run) >= 3 or (len(run) == 2 and _CODE_BEFORE.search(before))):
        return _spoken_digits(run)
    beside = bool(_GROUP_BEFORE.search(before)) + bool(_GROUP_AFTER.match(after))
    if digits_only and beside >= 3 - len(run):  # 八九八三一零 零零零零 零零 零一一: a group of an id
        return _spoken_digits(run)
    if _COUNT_AFTER.match(after):
        return None
    if _MONEY_AFTER.match(after):
        return _arithmetic(run)
    if digits_only and len(run) == 1 and _MONEY_BEFORE.search(before):
        return _spoken_digits(run)  # 九十九块九 → 99块9
    if has_unit and _AMOUNT_BEFORE.search(before):
        return _arithmetic(run)
    if _BIG_UNIT.search(run) and run not in _IDIOMS:
        return _arithmetic(run)  # a bare 一万二 or 三百 is a sum of money
    if re.match(r"^(?:月|号|日)", after):
        return _arithmetic(run)
    if re.match(r"^(?:点|时)", after) and (run != "一" or _DAY_PART_BEFORE.search(before)):
        return _arithmetic(run)
    if after.startswith("分") and before.endswith("点"):
        return _arithmetic(run)
    return None


def convert_spans(norm: "Normalised") -> "Normalised":
    """Rewrites the numeral runs of `norm` that are data; leaves words alone."""
    norm = norm.sub(_MISHEARD_ONE, lambda match: "幺")
    text = norm.text
    edits = []
    for match in _RUN.finditer(text):
        start, end = match.span()
        while start < end and text[start] == "点":
            start += 1
        while end > start and text[end - 1] == "点":
            end -= 1
        if start == end:
            continue
        digits = _convert(text[start:end], text[max(0, start - 6):start], text[end:end + 4])
        if digits is not None:
            edits.append((start, end, digits))
    return norm.replace(edits) if edits else norm
