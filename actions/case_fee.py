"""How the fee of the sale or batch just explained adds up (手续费15块是怎么算的 / 少了15块): its own
module, as the fee question and the questions about a case both answer it."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Optional

from rasa_sdk import Tracker

from actions.tracker_reading import amounts_in, latest_entities
from daozhang import money
from daozhang.batch_detail import fee_at, fee_breakdown
from daozhang.resources import wording

PAID = ("merged_settlement", "already_paid")


def fee_of_the_case(tracker: Tracker) -> Optional[str]:
    """How the fee of the sale or batch just explained adds up, when the message asks about that fee
    (no amount, or the fee's own amount), not about another sum."""
    record = tracker.get_slot("lookup") or {}
    facts, sales = record.get("facts") or {}, record.get("batch") or [record.get("transaction")]
    if record.get("diagnosis") not in PAID or not all(sales):
        return None
    given = latest_entities(tracker)
    other = given.get("payment_channel")
    if other and other not in {sale["channel"] for sale in sales}:  # 这批要是用支付宝收 能省多少
        return fee_at(sales, other, wording("channels")[other])
    asked = given.get("amount")
    named = {Decimal(a) for a in amounts_in(tracker)}
    some = [sale for sale in sales if Decimal(sale["amount"]) in named]
    if some:  # 八百那笔扣了多少 / 800那笔手续费多少？1200的呢
        total = sum((money.fee(Decimal(sale["amount"]), sale["channel"]) for sale in some), Decimal(0))
        return fee_breakdown(some, {"fee": money.yuan(total)})
    if asked and Decimal(asked) != Decimal(str(facts.get("fee", "0")).replace(",", "")):
        return None
    return fee_breakdown(sales, facts)


def shortfall_is_the_fee(tracker: Tracker) -> Optional[str]:
    """少了15块 / 那少的15块是啥, after a paid sale or batch: the sum named is its fee, so how the fee
    adds up is the answer (not a lookup of a 15元 sale)."""
    fee = ((tracker.get_slot("lookup") or {}).get("facts") or {}).get("fee")
    asked = latest_entities(tracker).get("amount")
    try:
        same = bool(fee and asked) and Decimal(asked) == Decimal(str(fee).replace(",", ""))
    except InvalidOperation:
        return None
    return fee_of_the_case(tracker) if same else None
