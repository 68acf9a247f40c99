"""Several backends at once (DZ_ADAPTER=http,wechatpay,alipay): ledgers and wallets.

Ledgers (the sandbox, the acquirer's API) know merchants, transactions and settlements; they are
asked concurrently, each within its own time, so one that fails or is slow loses nothing the
others found. A record found by any ledger is used; "unknown" only when every ledger answered and
none knew it; LookupUnavailable only when no ledger answered (or, for an unknown record, when one
that did not answer might have known it). Wallets (WeChat Pay, Alipay) are asked only of the QR
transaction being diagnosed (`confirm`): their answer goes on the transaction, and a wallet that
cannot answer in its time leaves the ledger's view, with the wallet named as not checked.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence

from daozhang.adapters.base import LookupUnavailable, TransactionStatusAdapter, WalletOrders
from daozhang.records import Transaction

log = logging.getLogger(__name__)
_FAILED = object()


class CombinedAdapter(TransactionStatusAdapter):
    """Ledgers asked together, each bounded by `ledger_seconds`; wallets by `wallet_seconds`."""

    def __init__(self, ledgers: Sequence[TransactionStatusAdapter], wallets: Sequence[WalletOrders],
                 ledger_seconds: float, wallet_seconds: float) -> None:
        if not ledgers:
            raise ValueError("a combined backend needs at least one ledger (sandbox or http)")
        self.ledgers, self.ledger_seconds, self.wallet_seconds = tuple(ledgers), ledger_seconds, wallet_seconds
        self.wallets: Dict[str, WalletOrders] = {wallet.channel: wallet for wallet in wallets}
        self.demo = all(ledger.demo for ledger in ledgers)

    async def _ask(self, call: Callable[[TransactionStatusAdapter], Awaitable[Any]]) -> List[Any]:
        """Every ledger's answer, in order; _FAILED for one that failed or did not answer in time."""
        async def one(ledger: TransactionStatusAdapter) -> Any:
            try:
                return await asyncio.wait_for(call(ledger), self.ledger_seconds)
            except (LookupUnavailable, asyncio.TimeoutError, OSError) as error:
                log.warning("ledger %s did not answer: %s", type(ledger).__name__, error or "timeout")
                return _FAILED
        return list(await asyncio.gather(*(one(ledger) for ledger in self.ledgers)))

    async def _first(self, call: Callable[[TransactionStatusAdapter], Awaitable[Any]]) -> Any:
        """The first ledger's record that knows it; None only when every ledger answered."""
        answers = await self._ask(call)
        found = [answer for answer in answers if answer is not _FAILED and answer is not None]
        if found:
            return found[0]
        if _FAILED in answers:
            raise LookupUnavailable("no ledger that answered knew it, and not every ledger answered")
        return None

    async def find_merchant(self, merchant_id):
        return await self._first(lambda ledger: ledger.find_merchant(merchant_id))

    async def get_settlement(self, merchant_id, transaction_id):
        return await self._first(lambda ledger: ledger.get_settlement(merchant_id, transaction_id))

    async def find_transactions(self, merchant_id, start, end, channel=None):
        answers = await self._ask(lambda ledger: ledger.find_transactions(merchant_id, start, end, channel))
        merged: Dict[str, Transaction] = {}
        for answer in answers:
            for transaction in () if answer is _FAILED else answer:
                merged.setdefault(transaction.transaction_id, transaction)
        if not merged and _FAILED in answers:
            raise LookupUnavailable("no ledger that answered had a transaction, and not every ledger answered")
        return sorted(merged.values(), key=lambda t: t.time, reverse=True)

    async def confirm(self, transaction: Transaction) -> Transaction:
        """The transaction with its wallet's status, or marked not checked by its wallet."""
        wallet = self.wallets.get(transaction.channel)
        if wallet is None or not transaction.wallet_order_id:
            return transaction
        try:
            order = await asyncio.wait_for(wallet.order(transaction), self.wallet_seconds)
        except (LookupUnavailable, asyncio.TimeoutError, OSError) as error:
            log.warning("wallet %s not checked: %s", wallet.name, error or "timeout")
            return replace(transaction, unchecked_wallets=(*transaction.unchecked_wallets, wallet.channel))
        return replace(transaction, wallet_status=order.status) if order else transaction

    async def close(self) -> None:
        """Closes the members' HTTP sessions (those that have one)."""
        for member in (*self.ledgers, *self.wallets.values()):
            closing: Optional[Callable[[], Awaitable[None]]] = getattr(member, "close", None)
            if closing is not None:
                await closing()
