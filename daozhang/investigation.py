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
from daozhang.payout_calendar import t_plus
from daozhang.records import Merchant, Settlement, Transaction
from daozhang.resources import load_yaml

UNKNOWN_MERCHANT, CHOOSE, DIAGNOSED = "unknown_merchant", "choose", "diagnosed"
NEAR = Decimal("0.05")  # 两千四百多 → 2,485; 大概八百 → 799
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
    # The merchant's day or amount matched nothing exactly: these are the nearest.
    approximate: bool = False
    # The sales paid out in the same batch as the one diagnosed (每笔明细 / 800那笔呢).
    batch: Tuple[Transaction, ...] = field(default_factory=tuple)

    def as_json(self) -> dict:
        """A plain, JSON-ready account of the lookup, for the ticket."""
        record = {"kind": self.kind, "merchant_id": self.merchant_id,
                  "window": [d.isoformat() for d in self.window] if self.window else None}
        if self.merchant:
            record["merchant"] = {"name": self.merchant.name, "status": self.merchant.status,
                                  "card_bank": self.merchant.card_bank,
                                  "card_last4": self.merchant.card_last4}
        if self.candidates:
            record["candidates"] = [_transaction_record(t) for t in self.candidates]
        if self.batch:
            record["batch"] = [_transaction_record(t) for t in self.batch]
        if self.diagnosis:
            record["diagnosis"] = self.diagnosis.code
            record["facts"] = dict(self.diagnosis.facts)
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
    record = {"id": t.transaction_id, "time": t.time.isoformat(), "amount": str(t.amount),
              "channel": t.channel, "status": t.status, "reference_no": t.reference_no}
    if t.wallet_order_id:  # what the wallet said of a QR sale, and which wallet could not say
        record.update(wallet_order_id=t.wallet_order_id, wallet_status=t.wallet_status,
                      unchecked_wallets=list(t.unchecked_wallets))
    return record


def payout_of_record(record: dict) -> Optional[date]:
    """When the sale of a lookup's record (`Outcome.as_json`) was or will be paid out."""
    paid = (record.get("settlement") or {}).get("paid_on")
    if paid:
        return date.fromisoformat(paid)
    sale = (record.get("transaction") or {}).get("time")
    return t_plus(date.fromisoformat(sale[:10]))[0] if sale else None


def lookup_window(txn_date: Optional[date], today: date) -> Tuple[date, date]:
    """The day asked about, or the last few days when the merchant named none."""
    if txn_date:
        return txn_date, txn_date
    days = int(load_yaml("settlement.yml")["lookup_window_days"])
    return today - timedelta(days=days), today


async def investigate(
    adapter: TransactionStatusAdapter, merchant_id: str, *,
    txn_date: Optional[date] = None, amount: Optional[Decimal] = None,
    also_amounts: Sequence[Decimal] = (),
    channel: Optional[str] = None, problem: Optional[str] = None,
    choose: Optional[Chooser] = None, today: Optional[date] = None,
) -> Outcome:
    """Look the case up and diagnose it, or say what is needed to go on.

    When several transactions match, `choose` (the merchant's answer to the
    list) may name one; otherwise the candidates are returned to be listed.
    `also_amounts`: the other amounts said with `amount` (五百 八百 一千二).
    """
    today = today or today_in_shanghai()
    window = lookup_window(txn_date, today)
    try:
        merchant = await adapter.find_merchant(merchant_id)
        if merchant is None:
            return Outcome(UNKNOWN_MERCHANT, merchant_id, window=window)
        found = await _find(adapter, merchant_id, window, channel)
        widened = False
        if not found and txn_date:  # a misremembered day: look at the last few days
            wider = lookup_window(None, today)
            found = await _find(adapter, merchant_id, wider, channel)
            window, widened = (wider, True) if found else (window, False)
        if problem == "refund_issue":
            found = [t for t in found if t.status == "refunded"] or found
        if not found:
            return Outcome(DIAGNOSED, merchant_id, dx.not_found(merchant_id, *window),
                           merchant, window=window)
        settlements = {t.transaction_id: await adapter.get_settlement(merchant_id, t.transaction_id)
                       for t in found}
        amounts = [a for a in (amount, *also_amounts) if a is not None]
        everything = found
        found, approximate = match_amount(found, settlements, amounts)
        approximate = approximate or widened
        chosen = found[0]
        if len(found) > 1 and not _one_batch({t.transaction_id: settlements[t.transaction_id] for t in found}):
            chosen = choose(found) if choose else None
            if chosen is None:
                return Outcome(CHOOSE, merchant_id, merchant=merchant, candidates=tuple(found),
                               window=window, approximate=approximate)
        chosen = await adapter.confirm(chosen)  # what its wallet says, where one is configured
    except LookupUnavailable:
        return Outcome(DIAGNOSED, merchant_id, dx.unavailable(merchant_id), window=window)
    return Outcome(DIAGNOSED, merchant_id,
                   dx.diagnose(merchant, chosen, settlements[chosen.transaction_id]),
                   merchant, window=window, approximate=approximate,
                   batch=_batch_of(chosen, everything, settlements))


async def _find(adapter: TransactionStatusAdapter, merchant_id: str, window: Tuple[date, date],
                channel: Optional[str]) -> list:
    found = await adapter.find_transactions(merchant_id, *window, channel=channel)
    if not found and channel:  # merchants often misname the channel (扫码 for 刷卡)
        found = await adapter.find_transactions(merchant_id, *window)
    return found


def match_amount(found: Sequence[Transaction], settlements: Dict[str, Optional[Settlement]],
                 amounts: Sequence[Decimal]) -> Tuple[list, bool]:
    """The transactions the amounts the merchant quotes point to, and whether only roughly.

    An amount may be a sale's, or the line on the bank statement (a batch's net, or its
    gross); 两千四百多 or 大概八百 is near, not exact; several amounts (五百 八百 一千二)
    each point to theirs. When nothing is near, every transaction of the window is kept,
    to be listed: a misremembered amount is common.
    """
    if not amounts:
        return list(found), False
    exact = _fitting(found, settlements, lambda value: value in amounts)
    if exact:
        return exact, False
    near = _fitting(found, settlements, lambda value: any(abs(value - a) <= a * NEAR for a in amounts))
    return (near, True) if near else (list(found), True)


def _fitting(found: Sequence[Transaction], settlements: Dict[str, Optional[Settlement]],
             fits: Callable[[Decimal], bool]) -> list:
    """Transactions whose own amount, or whose batch's net or gross, fits."""
    def batch_fits(s: Optional[Settlement]) -> bool:
        return bool(s) and any(v is not None and fits(v) for v in (s.batch_net, s.batch_gross))

    return [t for t in found if fits(t.amount) or batch_fits(settlements.get(t.transaction_id))]


def _batch_of(chosen: Transaction, found: Sequence[Transaction],
              settlements: Dict[str, Optional[Settlement]]) -> Tuple[Transaction, ...]:
    """The sales paid in the same batch as `chosen` (none when it was paid alone or not yet)."""
    settled = settlements.get(chosen.transaction_id)
    if not settled or not settled.batch_id:
        return ()
    def batch_id(t: Transaction) -> Optional[str]:
        return getattr(settlements.get(t.transaction_id), "batch_id", None)

    same = sorted((t for t in found if batch_id(t) == settled.batch_id), key=lambda t: t.time)
    return tuple(same) if len(same) > 1 else ()


def _one_batch(settlements: Dict[str, Optional[Settlement]]) -> bool:
    """True when all candidates were paid in one batch: one answer covers them all."""
    batches = {s.batch_id if s else None for s in settlements.values()}
    return len(batches) == 1 and None not in batches
