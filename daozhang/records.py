"""What a transaction-status backend tells us: merchants, transactions, settlements."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Optional, Tuple


@dataclass(frozen=True)
class Merchant:
    merchant_id: str
    name: str
    status: str                      # active | not_activated
    card_bank: Optional[str] = None
    card_last4: Optional[str] = None
    missing: Tuple[str, ...] = ()    # steps not finished (实名认证, 结算卡绑定)
    registered_phone: Optional[str] = None  # the phone the merchant registered with (verification)


@dataclass(frozen=True)
class Transaction:
    transaction_id: str
    merchant_id: str
    time: datetime
    amount: Decimal
    channel: str                     # wechat | alipay | unionpay_qr | card
    status: str                      # success | notpay | closed | reversed | preauth | refunded
    first: bool = False
    reference_no: Optional[str] = None
    terminal_id: Optional[str] = None
    status_history: Tuple[str, ...] = ()
    refund_time: Optional[datetime] = None
    preauth_expires: Optional[date] = None
    reversal_reason: Optional[str] = None
    # A QR sale's order at the wallet (WeChat Pay's out_trade_no, Alipay's out_trade_no), and the
    # merchant's sub-merchant number there (WeChat Pay's sub_mchid in service-provider mode).
    wallet_order_id: Optional[str] = None
    wallet_sub_merchant_id: Optional[str] = None
    # What the wallet itself said of the order (WalletOrder.status), when it was asked and knew it;
    # the channels whose wallet was asked and could not answer (the answer rests on the acquirer's record).
    wallet_status: Optional[str] = None
    unchecked_wallets: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Settlement:
    status: str                      # pending | held | paid | returned | blocked_not_activated
    reason: Optional[str] = None
    batch_id: Optional[str] = None
    paid_on: Optional[date] = None
    batch_gross: Optional[Decimal] = None
    batch_fee: Optional[Decimal] = None
    batch_net: Optional[Decimal] = None
    batch_count: int = 0
    payer_name: Optional[str] = None
    card_last4: Optional[str] = None
    transaction_ids: Tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class WalletOrder:
    """A QR order as the wallet (WeChat Pay, Alipay) sees it, in our words."""

    order_id: str
    status: str                      # success | notpay | closed | refunded | paying | failed
    amount: Decimal
    paid_time: Optional[datetime] = None
