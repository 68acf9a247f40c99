"""The embedded sandbox backend: the scenarios of data/sandbox.yml, held in memory.

Days in the file are relative to the day the sandbox is loaded, so the
scenarios stay true whenever the assistant runs. Payouts follow the payout
calendar: a batch is paid on a working day (the latest one on or before its
`paid_day`), and the sales in it are moved, when needed, to a trade day that
the payout rule pays on that day (on a Sunday, yesterday's sales could not
have been paid yet). A merchant marked `stall` never answers, which the
timeout guard turns into `lookup_unavailable`.
"""
from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Dict, List, Optional

from daozhang import money
from daozhang.adapters.base import TransactionStatusAdapter
from daozhang.clock import SHANGHAI, today_in_shanghai
from daozhang.payout_calendar import t_plus, workday
from daozhang.records import Merchant, Settlement, Transaction
from daozhang.resources import load_yaml


def _at(today: date, day: int, clock: str) -> datetime:
    hours, minutes = (int(part) for part in clock.split(":"))
    return datetime.combine(today + timedelta(days=day), time(hours, minutes), tzinfo=SHANGHAI)


class SandboxAdapter(TransactionStatusAdapter):
    """In-memory store of the sandbox scenarios, dated from `today`."""

    demo = True

    def __init__(self, today: Optional[date] = None, data: Optional[dict] = None) -> None:
        self.today = today or today_in_shanghai()
        raw = data or load_yaml("sandbox.yml")
        self._merchants: Dict[str, Merchant] = {}
        self._transactions: Dict[str, List[Transaction]] = {}
        self._settlements: Dict[str, Settlement] = {}
        self._stalling = set()
        for merchant_id, entry in raw["merchants"].items():
            self._load_merchant(str(merchant_id), entry)

    def _load_merchant(self, merchant_id: str, entry: dict) -> None:
        card = entry.get("settlement_card") or {}
        self._merchants[merchant_id] = Merchant(
            merchant_id, entry["name"], entry["status"], card.get("bank"), card.get("last4"),
            tuple(entry.get("missing") or ()), entry.get("registered_phone"))
        if entry.get("stall"):
            self._stalling.add(merchant_id)
        batches = entry.get("batches") or {}
        trade_days = self._trade_days(batches, entry.get("transactions") or [])
        transactions = [self._transaction(merchant_id, t, trade_days.get(t["id"]))
                        for t in entry.get("transactions") or []]
        self._transactions[merchant_id] = sorted(transactions, key=lambda t: t.time, reverse=True)
        by_id = {t.transaction_id: t for t in transactions}
        for transaction_id, settlement in (entry.get("settlements") or {}).items():
            self._settlements[transaction_id] = self._settlement(
                settlement, batches, by_id, card.get("last4"))

    def _payout_day(self, batch: dict) -> date:
        """The latest working day on or before the batch's `paid_day`."""
        day = self.today + timedelta(days=batch["paid_day"])
        while not workday(day).is_workday:
            day -= timedelta(days=1)
        return day

    def _trade_days(self, batches: dict, transactions: List[dict]) -> Dict[str, int]:
        """Relative trade days of paid sales, moved where the payout rule would not pay them
        on their batch's payout day."""
        nominal = {t["id"]: t["day"] for t in transactions}
        moved: Dict[str, int] = {}
        for batch in batches.values():
            paid_on = self._payout_day(batch)
            for transaction_id in batch["transactions"]:
                trade = self.today + timedelta(days=nominal[transaction_id])
                if t_plus(trade)[0] != paid_on:
                    trade = paid_on - timedelta(days=1)
                    while t_plus(trade)[0] != paid_on:
                        trade -= timedelta(days=1)
                moved[transaction_id] = (trade - self.today).days
        return moved

    def _transaction(self, merchant_id: str, t: dict, day: Optional[int] = None) -> Transaction:
        when = _at(self.today, t["day"] if day is None else day, t["time"])
        refund = t.get("refund")
        valid_days = t.get("preauth_valid_days")
        return Transaction(
            transaction_id=t["id"], merchant_id=merchant_id, time=when,
            amount=Decimal(t["amount"]), channel=t["channel"], status=t["status"],
            first=bool(t.get("first")), reference_no=t.get("reference_no"),
            terminal_id=t.get("terminal_id"), status_history=tuple(t.get("status_history") or ()),
            refund_time=_at(self.today, refund["day"], refund["time"]) if refund else None,
            preauth_expires=(when.date() + timedelta(days=valid_days)) if valid_days else None,
            reversal_reason=t.get("reversal_reason"), wallet_order_id=t.get("wallet_order_id"),
            wallet_sub_merchant_id=t.get("wallet_sub_merchant_id"))

    def _settlement(self, s: dict, batches: dict, by_id: dict, card_last4) -> Settlement:
        batch_id = s.get("batch")
        if not batch_id:
            return Settlement(status=s["status"], reason=s.get("reason"), card_last4=card_last4)
        batch = batches[batch_id]
        members = [by_id[t] for t in batch["transactions"]]
        gross = sum((t.amount for t in members), Decimal("0"))
        fee = sum((money.fee(t.amount, t.channel) for t in members), Decimal("0"))
        return Settlement(
            status=s["status"], batch_id=batch_id,
            paid_on=self._payout_day(batch),
            batch_gross=gross, batch_fee=fee, batch_net=gross - fee, batch_count=len(members),
            payer_name=batch["payer_name"], card_last4=card_last4,
            transaction_ids=tuple(batch["transactions"]))

    async def _maybe_stall(self, merchant_id: str) -> None:
        if merchant_id in self._stalling:
            await asyncio.Event().wait()  # never set: the backend hangs

    async def find_merchant(self, merchant_id: str) -> Optional[Merchant]:
        await self._maybe_stall(merchant_id)
        return self._merchants.get(merchant_id)

    async def find_transactions(self, merchant_id, start, end, channel=None):
        await self._maybe_stall(merchant_id)
        return [t for t in self._transactions.get(merchant_id, [])
                if start <= t.time.date() <= end
                and (channel is None or t.channel == channel)]

    async def get_settlement(self, merchant_id: str, transaction_id: str) -> Optional[Settlement]:
        await self._maybe_stall(merchant_id)
        return self._settlements.get(transaction_id)
