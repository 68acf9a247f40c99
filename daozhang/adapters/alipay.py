"""The `alipay` wallet: `alipay.trade.query` by the wallet order id in the acquirer's record.

Signing and verifying are python-alipay-sdk's RSA2 (our app private key signs the request,
Alipay's public key verifies the answer's `sign`). Its own HTTP call is a blocking urlopen on a
hard-coded gateway, so the request it signs is sent with our aiohttp client (remote.py) to the
configured gateway instead, and the SDK verifies the raw answer (`_verify_and_return_sync_response`,
the step its own call uses: the signed text is the exact substring of the answer, which no JSON
parser keeps). The RSA work is a millisecond or two: it stays on the event loop.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping, Optional

import redis.asyncio as aioredis
from alipay import AliPay
from alipay.exceptions import AliPayException, AliPayValidationError

from daozhang.adapters.base import LookupUnavailable, WalletOrders
from daozhang.adapters.remote import (
    Patience,
    Refused,
    Remote,
    Transient,
    Unreadable,
    amount,
    configured,
    key_text,
    passing,
    shanghai_time,
)
from daozhang.records import Transaction, WalletOrder
from daozhang.resources import load_yaml

METHOD, ANSWER = "alipay.trade.query", "alipay_trade_query_response"
# trade_status → our status; TRADE_CLOSED is also a paid order refunded in full (see _order).
STATES = {"WAIT_BUYER_PAY": "notpay", "TRADE_CLOSED": "closed", "TRADE_SUCCESS": "success",
          "TRADE_FINISHED": "success"}


@dataclass(frozen=True)
class AlipaySettings(Patience):
    """`alipay` in backends.yml, and DZ_ALIPAY_* over it; the keys are read at start."""

    gateway: str
    app_id: str
    app_private_key: str     # ours (PEM), to sign requests
    alipay_public_key: str   # Alipay's (PEM), to verify answers

    @classmethod
    def load(cls, environ: Mapping[str, str] = os.environ) -> "AlipaySettings":
        found = load_yaml("backends.yml")["alipay"]

        def setting(name: str) -> str:
            return configured(found, environ, "alipay", name)

        return cls(gateway=setting("gateway"), app_id=setting("app_id"),
                   app_private_key=key_text(setting("private_key_file"), "Alipay app private key"),
                   alipay_public_key=key_text(setting("public_key_file"), "Alipay public key"),
                   **Patience.read(found))


class AlipayOrders(WalletOrders):
    """Alipay's record of a QR order, behind remote.py's retries, breaker and cache."""

    name, channel = "alipay", "alipay"

    def __init__(self, settings: AlipaySettings, cache: aioredis.Redis, prefix: str = "daozhang") -> None:
        self.settings = settings
        self._sdk = AliPay(appid=settings.app_id, app_private_key_string=settings.app_private_key,
                           alipay_public_key_string=settings.alipay_public_key, sign_type="RSA2")
        self._remote = Remote(self.name, settings, cache, prefix, {"Accept": "application/json"})

    async def close(self) -> None:
        await self._remote.close()

    async def order(self, transaction: Transaction) -> Optional[WalletOrder]:
        order_id = transaction.wallet_order_id
        if not order_id:
            raise LookupUnavailable("the acquirer's record has no Alipay order id")
        return await self._remote.look_up(
            ("order", order_id), lambda: self._post(order_id),
            lambda body: None if body is None else _order(order_id, body))

    async def _post(self, order_id: str) -> Any:
        """The verified `alipay_trade_query_response` (None: ACQ.TRADE_NOT_EXIST)."""
        signed = self._sdk.sign_data(self._sdk.build_body(METHOD, {"out_trade_no": order_id}))
        status, _, body = await self._remote.send(
            "POST", self.settings.gateway, data=signed.encode("utf-8"),
            headers={"Content-Type": "application/x-www-form-urlencoded;charset=utf-8"})
        if passing(status):
            raise Transient(f"HTTP {status}")
        if status != 200:
            raise Refused(f"HTTP {status}")
        try:
            answer = self._sdk._verify_and_return_sync_response(body.decode("utf-8"), ANSWER)
        except AliPayValidationError as error:
            raise Unreadable("answer's sign does not verify") from error
        except AliPayException as error:  # an unsigned answer: an error_response, or a refusal
            raise Refused(str(error)[:300]) from error
        except (UnicodeDecodeError, ValueError, AttributeError, TypeError) as error:
            raise Unreadable(f"answer is no signed JSON: {error}") from error
        return _outcome(answer)


def _outcome(answer: Any) -> Any:
    """The answer itself, None for an unknown order, or the failure its `code` says."""
    if not isinstance(answer, dict):
        raise Unreadable(f"answer is no object: {answer!r}"[:200])
    code, sub_code = answer.get("code"), answer.get("sub_code", "")
    if code == "10000":
        return answer
    if code == "40004" and sub_code == "ACQ.TRADE_NOT_EXIST":
        return None
    if code == "20000" or sub_code in ("ACQ.SYSTEM_ERROR", "isp.unknow-error"):
        raise Transient(f"code {code} {sub_code}")
    raise Refused(f"code {code} {sub_code} {answer.get('sub_msg', '')}")


def _order(order_id: str, body: Any) -> WalletOrder:
    """Our WalletOrder from Alipay's answer. TRADE_CLOSED after a payment (send_pay_date) is a
    full refund, not an order never paid; an unknown trade_status raises ValueError."""
    state = body["trade_status"]
    if state not in STATES:
        raise ValueError(f"trade_status {state!r}")
    paid = body.get("send_pay_date")
    paid_time = shanghai_time(datetime.strptime(paid, "%Y-%m-%d %H:%M:%S").isoformat()) if paid else None
    status = "refunded" if state == "TRADE_CLOSED" and paid_time else STATES[state]
    return WalletOrder(order_id, status, amount(body["total_amount"]), paid_time)
