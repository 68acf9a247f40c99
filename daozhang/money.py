"""Fees and amounts: Decimal arithmetic, rounded to the fen, shown the Chinese way."""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Union

from daozhang.resources import load_yaml

FEN = Decimal("0.01")


def fee_rate(channel: str) -> Decimal:
    """The acquirer's rate for a channel (card 0.6%, QR 0.38%)."""
    return Decimal(load_yaml("settlement.yml")["fee_rates"][channel])


def fee(amount: Decimal, channel: str) -> Decimal:
    return (amount * fee_rate(channel)).quantize(FEN, rounding=ROUND_HALF_UP)


def net(amount: Decimal, channel: str) -> Decimal:
    return amount - fee(amount, channel)


def yuan(amount: Union[Decimal, str, float]) -> str:
    """2000 → '2,000.00' (the figure a merchant sees on a statement)."""
    return f"{Decimal(str(amount)).quantize(FEN, rounding=ROUND_HALF_UP):,.2f}"


def percent(rate: Decimal) -> str:
    """0.0038 → '0.38%'."""
    return f"{(rate * 100).normalize():f}%"


# 怎么扣了80手续费 / 手续费扣了80块: a fee the merchant says was charged, not the sum of a sale (the sale
# beside it, 收了一万, is what the fee is worked out on).
_FEE_NAMED = re.compile("手续费|服务费|费率")
_CHARGED_BEFORE = re.compile(r"扣\S{0,3}$")
_FEE_BEFORE = re.compile(r"(?:手续费|服务费)(?:扣了|扣|收了|收|是|为|要|有|竟然|居然|都)?\s*$")


def is_fee_charged(text: str, start: int) -> bool:
    """Whether the sum at `start` is a fee charged (扣了80手续费), not a sale (刷了2000手续费多少): the
    words before it say so."""
    before = text[max(0, start - 8):start]
    return bool((_FEE_NAMED.search(text) and _CHARGED_BEFORE.search(before)) or _FEE_BEFORE.search(before))
