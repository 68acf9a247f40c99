"""Hide card numbers, passwords and SMS codes before anything is stored or shown.

We never ask for them; when a merchant sends one anyway it is masked at the
door (the channel), again before the tracker store writes, and in tickets.
Spoken digits count too: 六二二二… read out on the hotline is still a card.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, FrozenSet, Set

from daozhang.text.normalise import to_simplified
from daozhang.text.numerals import DIGIT_CHARS, ascii_digits

_DIGIT = DIGIT_CHARS
# Between the digit groups of a card: spaces (a Chinese keyboard's full-width one too), dashes, dots, underscores.
_GROUP_SEPARATORS = " \\-\u3000\u00a0－_.·"
_DIGIT_RUN = re.compile(f"[{_DIGIT}](?:[{_DIGIT}{_GROUP_SEPARATORS}]*[{_DIGIT}])?")
# A number said to be a card is one even when mistyped (the check digit wrong) or short of a digit.
_CARD_CUE = re.compile(f"(?:卡号|卡號|银行卡|銀行卡|信用卡|借记卡|储蓄卡)[是为為:：\\s]*(?=[{_DIGIT}])")
CUED_CARD_LENGTHS = range(12, 20)
# What announces a secret, however it is written: 取款PIN, 支付口令, 登录密码, 动态码, 短信里的数字, mima …
# (matched on a simplified copy with the spaces between Chinese characters taken out: 密碼, 密 码).
_CUE = (r"(?:(?:支付|取款|交易|银行卡|登录|登陆|查询|网银|手机银行|卡|开机|账户|账号|动态)?密码|口令|"
        r"(?<![A-Za-z])(?:[Pp][Ii][Nn]码?|[Mm][Ii][Mm][Aa]|[Cc][Vv][Vv]2?|[Cc][Vv][Nn]2?)|"
        r"验证码|校验码|动态码|短信码|简讯码|"
        r"(?:短信|简讯)(?:里|上|中)?(?:面)?(?:说|发来|发)?的?(?:数字|号码|验证码|码)?|安全码|"
        r"卡背面?的?(?:后)?三位数?|背面三位数?)")
_SEPARATOR = r"[\s:：=]*(?:我?(?:设的|设置的|改成了?|就|应该)?(?:是|为)|(?:改|设|设置)成了?)?[\s:：=]*"
# The secret itself: digits (written, full-width or spoken), letters and a few symbols, maybe spaced out
# (1 2 3 4 5 6); it ends where such characters end, and an amount (2300块) is no secret.
_SECRET_FIRST = f"[{_DIGIT}A-Za-zＡ-Ｚａ-ｚ]"
_SECRET_BODY = f"[{_DIGIT}A-Za-zＡ-Ｚａ-ｚ#@!$%&_+=?~^]"
_SECRET = re.compile(f"(?P<cue>{_CUE})(?P<sep>{_SEPARATOR})"
                     f"(?P<secret>{_SECRET_FIRST}(?:[ \\-.·]?{_SECRET_BODY}){{2,31}})"
                     f"(?![ \\-.·]?{_SECRET_BODY})(?!\\s*(?:块|元|万|千|百|笔|天|号|月|日|点|次|个|位))")
_CJK = re.compile(r"[\u4e00-\u9fff]")

CARD_NUMBER, SECRET = "card_number", "secret"


@dataclass(frozen=True)
class Masked:
    """The masked text and what kinds of secret were hidden."""

    text: str
    kinds: FrozenSet[str] = field(default_factory=frozenset)


def _luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        number = int(char)
        if index % 2:
            number = number * 2 - 9 if number > 4 else number * 2
        total += number
    return total % 10 == 0


def is_card_number(digits: str) -> bool:
    """A full bank-card number: 16–19 digits passing the Luhn check."""
    return digits.isdigit() and 16 <= len(digits) <= 19 and _luhn_valid(digits)


def _digits(run: str) -> str:
    return "".join(ch for ch in ascii_digits(run) if ch.isdigit())


def _hidden(digits: str) -> str:
    return "*" * (len(digits) - 4) + digits[-4:]


def _mask_card(match: "re.Match[str]") -> str:
    run = match.group(0)
    digits = _digits(run)
    return _hidden(digits) if is_card_number(digits) else run


def _mask_cued_cards(text: str) -> str:
    """卡号6222021234567890127 (one digit wrong): a card all the same."""
    def cued(match: "re.Match[str]") -> str:
        run = _DIGIT_RUN.match(text, match.end())
        digits = _digits(run.group(0)) if run else ""
        return match.group(0) + ("\0" if len(digits) in CUED_CARD_LENGTHS else "")  # \0 marks the card
    marked = _CARD_CUE.sub(cued, text)
    return re.sub(f"\0({_DIGIT_RUN.pattern})", lambda m: _hidden(_digits(m.group(1))), marked)


def mask(text: str) -> Masked:
    """Masks every Luhn-valid card number and every password/code after its cue."""
    if not text:
        return Masked(text or "")
    kinds = set()
    masked = _DIGIT_RUN.sub(_mask_card, _mask_cued_cards(text))
    if masked != text:
        kinds.add(CARD_NUMBER)
    secret_masked = _mask_secrets(masked)
    if secret_masked != masked:
        kinds.add(SECRET)
    return Masked(secret_masked, frozenset(kinds))


def _view(text: str) -> "tuple[str, list]":
    """A simplified copy without the spaces between Chinese characters, and where each of its characters was."""
    simplified = to_simplified(text)
    kept = [i for i, ch in enumerate(simplified)
            if not (ch.isspace() and 0 < i < len(simplified) - 1
                    and _CJK.match(simplified[i - 1]) and _CJK.match(simplified[i + 1]))]
    return "".join(simplified[i] for i in kept), kept


def _mask_secrets(text: str) -> str:
    view, where = _view(text)
    spans = [(where[m.start("secret")], where[m.end("secret") - 1] + 1) for m in _SECRET.finditer(view)]
    for start, end in reversed(spans):
        text = text[:start] + "******" + text[end:]
    return text


_SEEN_CLEAN: Set[str] = set()  # texts already found to hold no secret (never one that held a secret)
_SEEN_CLEAN_MAX = 4096


def mask_text(text: str) -> str:
    """The masked text alone. A store masks every string of every event it writes (intent names,
    the bot's own lines, the same user text in several fields), so a text already found clean is
    not scanned again; a text with a secret is never kept here."""
    if text in _SEEN_CLEAN:
        return text
    masked = mask(text).text
    if masked == text:
        if len(_SEEN_CLEAN) >= _SEEN_CLEAN_MAX:
            _SEEN_CLEAN.clear()
        _SEEN_CLEAN.add(text)
    return masked


def mask_values(value: Any) -> Any:
    """Every string in a JSON-like value (a tracker, a log event) masked; the rest as it was."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, (list, tuple)):
        return type(value)(mask_values(item) for item in value)
    if isinstance(value, dict):
        return {key: mask_values(item) for key, item in value.items()}
    return value


def mask_phone(number: str) -> str:
    """A calling number as it may be stored: 13812345678 → 138****5678."""
    digits = "".join(ch for ch in number or "" if ch.isdigit())
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
