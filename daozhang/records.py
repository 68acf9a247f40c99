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
