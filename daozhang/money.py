"""Fees and amounts: Decimal arithmetic, rounded to the fen, shown the Chinese way."""
from __future__ import annotations

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
