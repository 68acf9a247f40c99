"""Find out what happened to a merchant's money: look up, narrow down, diagnose.

One async entry point over any TransactionStatusAdapter, so the Rasa actions,
a future agent console and the tests all investigate the same way.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Callable, Dict, Optional, Sequence, Tuple

from daozhang import diagnosis as dx
from daozhang.adapters.base import LookupUnavailable, TransactionStatusAdapter
from daozhang.clock import today_in_shanghai
from daozhang.records import Merchant, Settlement, Transaction
from daozhang.resources import load_yaml

UNKNOWN_MERCHANT, CHOOSE, DIAGNOSED = "unknown_merchant", "choose", "diagnosed"
Chooser = Callable[[Sequence[Transaction]], Optional[Transaction]]


@dataclass(frozen=True)
class Outcome:
    """What the investigation found: a diagnosis, candidates to choose from, or no merchant."""

    kind: str
    merchant_id: str
    diagnosis: Optional[dx.Diagnosis] = None
    merchant: Optional[Merchant] = None
    candidates: Tuple[Transaction, ...] = field(default_factory=tuple)
    window: Optional[Tuple[date, date]] = None

    def as_record(self) -> dict:
        """A plain, JSON-ready account of the lookup, for the ticket."""
        record = {"kind": self.kind, "merchant_id": self.merchant_id,
                  "window": [d.isoformat() for d in self.window] if self.window else None}
        if self.merchant:
            record["merchant"] = {"name": self.merchant.name, "status": self.merchant.status,
                                  "card_bank": self.merchant.card_bank,
                                  "card_last4": self.merchant.card_last4}
        if self.candidates:
            record["candidates"] = [_transaction_record(t) for t in self.candidates]
        if self.diagnosis:
            record["diagnosis"] = self.diagnosis.code
            if self.diagnosis.transaction:
                record["transaction"] = _transaction_record(self.diagnosis.transaction)
            s = self.diagnosis.settlement
            if s:
                record["settlement"] = {
                    "status": s.status, "reason": s.reason, "batch_id": s.batch_id,
                    "paid_on": s.paid_on.isoformat() if s.paid_on else None,
                    "batch_net": str(s.batch_net) if s.batch_net is not None else None}
        return record


def _transaction_record(t: Transaction) -> dict:
    return {"id": t.transaction_id, "time": t.time.isoformat(), "amount": str(t.amount),
            "channel": t.channel, "status": t.status, "reference_no": t.reference_no}


def lookup_window(txn_date: Optional[date], today: date) -> Tuple[date, date]:
    """The day asked about, or the last few days when the merchant named none."""
    if txn_date:
        return txn_date, txn_date
    days = int(load_yaml("settlement.yml")["lookup_window_days"])
    return today - timedelta(days=days), today


async def investigate(
    adapter: TransactionStatusAdapter, merchant_id: str, *,
    txn_date: Optional[date] = None, amount: Optional[Decimal] = None,
    channel: Optional[str] = None, problem: Optional[str] = None,
    choose: Optional[Chooser] = None, today: Optional[date] = None,
) -> Outcome:
    """Look the case up and diagnose it, or say what is needed to go on.

    When several transactions match, `choose` (the merchant's answer to the
    list) may name one; otherwise the candidates are returned to be listed.
    """
    today = today or today_in_shanghai()
    window = lookup_window(txn_date, today)
    try:
        merchant = await adapter.find_merchant(merchant_id)
        if merchant is None:
            return Outcome(UNKNOWN_MERCHANT, merchant_id, window=window)
        found = await adapter.find_transactions(merchant_id, *window, amount=amount, channel=channel)
        if not found and channel:  # merchants often misname the channel (扫码 for 刷卡)
            found = await adapter.find_transactions(merchant_id, *window, amount=amount)
        if problem == "refund_issue":
            found = [t for t in found if t.status == "refunded"] or found
        if not found:
            return Outcome(DIAGNOSED, merchant_id, dx.not_found(merchant_id, *window),
                           merchant, window=window)
        settlements = {t.transaction_id: await adapter.get_settlement(merchant_id, t.transaction_id)
                       for t in found}
        chosen = found[0]
        if len(found) > 1 and not _one_batch(settlements):
            chosen = choose(found) if choose else None
            if chosen is None:
                return Outcome(CHOOSE, merchant_id, merchant=merchant, candidates=tuple(found),
                               window=window)
    except LookupUnavailable:
        return Outcome(DIAGNOSED, merchant_id, dx.unavailable(merchant_id), window=window)
    return Outcome(DIAGNOSED, merchant_id,
                   dx.diagnose(merchant, chosen, settlements[chosen.transaction_id]),
                   merchant, window=window)


def _one_batch(settlements: Dict[str, Optional[Settlement]]) -> bool:
    """True when all candidates were paid in one batch: one answer covers them all."""
    batches = {s.batch_id if s else None for s in settlements.values()}
    return len(batches) == 1 and None not in batches
