"""A paid batch taken apart: one sale of it, every sale, and how its fee adds up.

After "three sales were paid as one transfer of 2,485.00" the merchant asks about
the parts (800那笔呢 / 每笔明细 / 手续费15块是怎么算的); the lookup's record keeps the
batch's sales, so the answers come from the case, not from a new lookup.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import List, Mapping, Optional, Sequence

from daozhang import money
from daozhang.diagnosis import channel_label, month_day
from daozhang.resources import reply

DETAIL_WORDS = ("明细", "每笔", "每一笔", "哪几笔", "哪些", "分别", "逐笔", "都有哪", "清单", "列一下")


def asks_for_details(text: str) -> bool:
    return any(word in text for word in DETAIL_WORDS)


def _line(sale: Mapping[str, str]) -> str:
    amount = Decimal(sale["amount"])
    return reply("batch_sale", time=_when(sale), channel=channel_label(sale["channel"]), amount=money.yuan(amount),
                 fee=money.yuan(money.fee(amount, sale["channel"])), net=money.yuan(money.net(amount, sale["channel"])))


def _when(sale: Mapping[str, str]) -> str:
    at = datetime.fromisoformat(sale["time"])
    return f"{month_day(at.date())}{at:%H:%M}"


def one_sale(batch: Sequence[Mapping[str, str]], amount: Optional[str], facts: Mapping[str, str]) -> Optional[str]:
    """800那笔呢: that sale of the batch named, with its fee and where it was paid."""
    if not amount:
        return None
    for sale in batch:
        if Decimal(sale["amount"]) == Decimal(amount):
            return reply("batch_one_sale", sale=_line(sale), net=facts.get("net", ""),
                         payout=facts.get("payout_date", ""), count=len(batch))
    return None


def every_sale(batch: Sequence[Mapping[str, str]], facts: Mapping[str, str]) -> str:
    """每笔明细: the sales of the batch, one per line, and the total."""
    lines: List[str] = [f"{i}. {_line(sale)}" for i, sale in enumerate(batch, 1)]
    return reply("batch_listing", count=len(batch), payout=facts.get("payout_date", ""),
                 lines="\n".join(lines), gross=facts.get("gross", ""), fee=facts.get("fee", ""),
                 net=facts.get("net", ""))


def fee_breakdown(batch: Sequence[Mapping[str, str]], facts: Mapping[str, str]) -> str:
    """手续费15块是怎么算的: each sale times its channel's rate, adding up to the batch's fee."""
    lines = [reply("fee_line", amount=money.yuan(Decimal(sale["amount"])),
                   rate=money.percent(money.fee_rate(sale["channel"])),
                   fee=money.yuan(money.fee(Decimal(sale["amount"]), sale["channel"])))
             for sale in batch]
    return reply("fee_breakdown", fee=facts.get("fee", ""), lines="\n".join(lines))


def fee_at(batch: Sequence[Mapping[str, str]], channel: str, label: str) -> str:
    """那如果这批换成微信扫码收的 手续费是多少: the same sales at another channel's rate, and the difference."""
    now = sum((money.fee(Decimal(sale["amount"]), sale["channel"]) for sale in batch), Decimal(0))
    then = sum((money.fee(Decimal(sale["amount"]), channel) for sale in batch), Decimal(0))
    difference = reply("fee_less", amount=money.yuan(now - then)) if then < now else \
        reply("fee_more", amount=money.yuan(then - now))
    return reply("fee_other_channel", channel=label, rate=money.percent(money.fee_rate(channel)),
                 fee=money.yuan(then), difference=difference)
