"""The bot's written replies turned into words for the ear (the hotline reads them out).

A caller cannot see a link, an emoji or a table, and a text-to-speech engine
reads 2,300.00元 or 898310000000002 badly. Amounts are said as 两千三百元,
dates as 十一月二十日, times as 十点零五分, and ids, phone numbers and card
tails digit by digit with 幺 for 1, the way call-centre agents read them.
cn2an does the numeral arithmetic; this module decides what each number is.
"""
from __future__ import annotations

import re
from decimal import Decimal
from xml.sax.saxutils import escape

import cn2an

from daozhang.resources import load_yaml
from daozhang.tickets import WRITTEN_ID

SPOKEN_DIGIT = dict(zip("0123456789", "零幺二三四五六七八九"))
_URL = re.compile(r"(?:https?://|www\.)[^\s，。；）)]+")
_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D\u20E3]")
_MARKDOWN = re.compile(r"[*_`#>~|]+|^\s*[-•·]\s+", re.MULTILINE)
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DATE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]")
_WEEKDAY = re.compile(r"[（(]?(?:周|星期)([一二三四五六日天])[）)]?")
_TIME = re.compile(r"(?<!\d)(\d{1,2})[:：](\d{2})(?!\d)")
_MONEY = re.compile(r"[¥￥]\s*(\d[\d,]*(?:\.\d{1,2})?)(?:\s*元)?|(\d[\d,]*(?:\.\d{1,2})?)\s*元")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*[%％]")
_TAIL = re.compile(r"(尾号|后四位|末四位|后4位|末4位)\s*(?:是|为)?\s*(\d{3,6})")
_LONG_DIGITS = re.compile(r"\d{5,}")
_RANGE = re.compile(r"(\d+)\s*[–~-]\s*(\d+)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_LIST_NUMBER = re.compile(r"(?<![\d.])(\d)[.、]\s*(?!\d)")
_PLUS = re.compile(r"(?<=[A-Za-z])\+(?=\d)")
_TWO_OF = re.compile(r"(?<![\d.])2(?=\s*[次个位天笔张台家种项条遍])")  # 2次 is said 两次
_TITLE = re.compile(r"【([^】]*)】\s*")
_QUOTES = re.compile(r"[“”‘’「」『』\"]")
_ASIDE = re.compile(r"\s*[（(]\s*|\s*[）)]\s*")  # an aside in brackets is said as a clause
_DOUBLE_PAUSE = re.compile(r"，\s*([，。？！：；])|([。？！：；])\s*，")
_BREAK_AFTER_PUNCTUATION = re.compile(r"([，。：；！？、])\s*\n+\s*")


def digit_by_digit(digits: str) -> str:
    """898310000000002 → 八九八三幺零零零零零零零零零二."""
    return "".join(SPOKEN_DIGIT.get(ch, ch) for ch in digits)


def number(figure: str) -> str:
    """2300 → 两千三百; 0.6 → 零点六; a leading 二 before a unit is said 两."""
    spoken = cn2an.an2cn(figure, "low")
    return re.sub(r"^二(?=[百千万亿])", "两", spoken)


def money(figure: str) -> str:
    """'2,300.00' → 两千三百元; '368.50' → 三百六十八元五角; '0.60' → 六角."""
    amount = Decimal(figure.replace(",", "")).quantize(Decimal("0.01"))
    whole, cents = divmod(int(amount * 100), 100)
    jiao, fen = divmod(cents, 10)
    said_whole = "两" if whole == 2 else number(str(whole))
    spoken = f"{said_whole}元" if whole or not cents else ""
    if jiao:
        spoken += f"{number(str(jiao))}角"
    if fen:
        spoken += f"{'零' if whole and not jiao else ''}{number(str(fen))}分"
    return spoken


def _date(match: "re.Match[str]") -> str:
    year, month, day = match.groups()
    said_year = f"{digit_by_digit(year).replace('幺', '一')}年" if year else ""
    return f"{said_year}{number(month)}月{number(day)}日"


def _time(match: "re.Match[str]") -> str:
    hour, minute = match.group(1), int(match.group(2))
    said_minute = "整" if minute == 0 else f"{'零' if minute < 10 else ''}{number(str(minute))}分"
    return f"{number(hour)}点{said_minute}"


def _phone_words(text: str) -> str:
    """回复 → 说出, 再发一次 → 再说一次: a caller speaks, and nothing is sent."""
    table = load_yaml("hotline.yml")["for_the_phone"]
    for written in sorted(table, key=len, reverse=True):
        text = text.replace(written, table[written])
    return text


def for_the_ear(text: str) -> str:
    """The reply as a caller should hear it: no links, emoji or markup; numbers in words."""
    said = _phone_words(_URL.sub("", text or ""))
    said = _EMOJI.sub("", said)
    said = _MARKDOWN.sub("", said)
    said = _TITLE.sub(lambda m: f"{m.group(1)}。", said)
    said = _ISO_DATE.sub(lambda m: f"{m.group(1)}年{m.group(2)}月{m.group(3)}日", said)
    said = _DATE.sub(_date, said)
    said = _WEEKDAY.sub(lambda m: f"星期{m.group(1)}", said)
    said = _TIME.sub(_time, said)
    said = WRITTEN_ID.sub(
        lambda m: f"{' '.join(m.group(1))} {digit_by_digit(m.group(2))}杠{digit_by_digit(m.group(3))}", said)
    said = _TAIL.sub(lambda m: m.group(1) + digit_by_digit(m.group(2)), said)
    said = _MONEY.sub(lambda m: money(m.group(1) or m.group(2)), said)
    said = _PERCENT.sub(lambda m: f"百分之{number(m.group(1))}", said)
    said = _LONG_DIGITS.sub(lambda m: digit_by_digit(m.group(0)), said)
    said = _LIST_NUMBER.sub(lambda m: f"{number(m.group(1))}，", said)
    said = _PLUS.sub("加", said)
    said = _TWO_OF.sub("两", said)
    said = _RANGE.sub(lambda m: f"{number(m.group(1))}到{number(m.group(2))}", said)
    said = _NUMBER.sub(lambda m: number(m.group(0)), said)
    said = _BREAK_AFTER_PUNCTUATION.sub(r"\1", said)
    said = re.sub(r"\s*\n+\s*", "，", said)
    said = _QUOTES.sub("", said)
    said = _ASIDE.sub("，", said)
    said = _DOUBLE_PAUSE.sub(lambda m: m.group(1) or m.group(2), said)
    return re.sub(r"[ \t]{2,}", " ", said).strip(" ，")


def ssml(spoken: str) -> str:
    """The same words as SSML, a short pause at each full stop."""
    body = escape(spoken).replace("。", '。<break time="300ms"/>')
    return f"<speak>{body}</speak>"
