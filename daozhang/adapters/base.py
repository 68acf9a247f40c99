"""The interface every transaction-status backend implements, and its timeout guard."""
from __future__ import annotations

import abc
import asyncio
from datetime import date
from typing import List, Optional

from daozhang.records import Merchant, Settlement, Transaction, WalletOrder


class LookupUnavailable(Exception):
    """The backend could not be reached or did not answer in time."""


class TransactionStatusAdapter(abc.ABC):
    """Find a merchant, its transactions in a date range, a transaction's settlement."""

    # Fake merchants (the sandbox, a demo): verification is off unless DZ_VERIFY=1.
    demo: bool = False

    @abc.abstractmethod
    async def find_merchant(self, merchant_id: str) -> Optional[Merchant]:
        """The merchant, or None when the id is unknown."""

    @abc.abstractmethod
    async def find_transactions(
        self, merchant_id: str, start: date, end: date,
        channel: Optional[str] = None,
    ) -> List[Transaction]:
        """Transactions from `start` to `end` (inclusive), newest first."""

    @abc.abstractmethod
    async def get_settlement(self, merchant_id: str, transaction_id: str) -> Optional[Settlement]:
        """How the transaction was (or will be) paid out; None when nothing is known."""


    async def confirm(self, transaction: Transaction) -> Transaction:
        """The transaction with what its wallet says of it, for a backend that asks wallets; asked
        only of the one transaction being diagnosed, so a busy merchant's window costs one wallet call."""
        return transaction


class WalletOrders(abc.ABC):
    """A wallet's own record of QR orders (WeChat Pay, Alipay), looked up by the wallet order id
    in the acquirer's record."""

    name: str      # as DZ_ADAPTER names it: wechatpay, alipay
    channel: str   # the Transaction.channel it knows: wechat, alipay

    @abc.abstractmethod
    async def order(self, transaction: Transaction) -> Optional[WalletOrder]:
        """The wallet's order of `transaction`; None when the wallet has no such order.
        LookupUnavailable when it cannot be asked, or its answer cannot be trusted."""


class _TimeoutGuard(TransactionStatusAdapter):
    """Turns a slow or failing backend into LookupUnavailable after `seconds`."""

    def __init__(self, inner: TransactionStatusAdapter, seconds: float) -> None:
        self._inner, self._seconds = inner, seconds
        self.demo = inner.demo

    async def _guard(self, call):
        try:
            return await asyncio.wait_for(call, timeout=self._seconds)
        except asyncio.TimeoutError as error:
            raise LookupUnavailable(f"no answer within {self._seconds:g} s") from error
        except (OSError, ConnectionError) as error:
            raise LookupUnavailable(str(error)) from error

    async def find_merchant(self, merchant_id):
        return await self._guard(self._inner.find_merchant(merchant_id))

    async def find_transactions(self, merchant_id, start, end, channel=None):
        return await self._guard(
            self._inner.find_transactions(merchant_id, start, end, channel))

    async def get_settlement(self, merchant_id, transaction_id):
        return await self._guard(self._inner.get_settlement(merchant_id, transaction_id))

    async def confirm(self, transaction):
        return await self._guard(self._inner.confirm(transaction))


def with_timeout(adapter: TransactionStatusAdapter, seconds: float) -> TransactionStatusAdapter:
    """The adapter, guarded so that no call takes longer than `seconds`."""
    return _TimeoutGuard(adapter, seconds)
