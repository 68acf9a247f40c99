"""The `wechatpay` wallet: WeChat Pay API v3's order query, in service-provider mode.

`GET /v3/pay/partner/transactions/out-trade-no/{out_trade_no}?sp_mchid=…&sub_mchid=…`, by the
wallet order id and sub-merchant number in the acquirer's record. The `wechatpayv3` SDK's client
hard-codes its gateway and, without a platform public key, fetches certificates when it is
constructed, so only its signing and verifying functions (wechatpayv3.utils: build_authorization,
rsa_verify, the key loaders) are used, with our own aiohttp client (remote.py) on a configurable
base URL. Responses are verified in public-key mode: signed with WeChat Pay's platform public key,
whose id the `Wechatpay-Serial` header must name; an answer that is not, or is stale, is never trusted.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Mapping, Optional
from urllib.parse import quote, urlencode, urlsplit

import redis.asyncio as aioredis
from wechatpayv3.utils import build_authorization, load_private_key, load_public_key, rsa_verify
from yarl import URL

from daozhang.adapters.base import LookupUnavailable, WalletOrders
from daozhang.adapters.remote import (
    Patience,
    Refused,
    Remote,
    Transient,
    Unreadable,
    configured,
    json_body,
    key_text,
    passing,
    shanghai_time,
)
from daozhang.records import Transaction, WalletOrder
from daozhang.resources import load_yaml

# trade_state → our status (REVOKED: a payment-code order cancelled; USERPAYING: waiting for the PIN)
STATES = {"SUCCESS": "success", "REFUND": "refunded", "NOTPAY": "notpay", "CLOSED": "closed",
          "REVOKED": "closed", "USERPAYING": "paying", "PAYERROR": "failed"}


@dataclass(frozen=True)
class WechatPaySettings(Patience):
    """`wechatpay` in backends.yml, and DZ_WECHATPAY_* over it; the keys are read at start."""

    base_url: str
    sp_mchid: str
    cert_serial_no: str
    private_key: Any        # ours, to sign requests (apiclient_key.pem)
    public_key_id: str
    public_key: Any         # WeChat Pay's platform public key, to verify answers
    max_skew_seconds: float

    @classmethod
    def load(cls, environ: Mapping[str, str] = os.environ) -> "WechatPaySettings":
        found = load_yaml("backends.yml")["wechatpay"]

        def setting(name: str) -> str:
            return configured(found, environ, "wechatpay", name)

        return cls(
            base_url=setting("base_url").rstrip("/"), sp_mchid=setting("sp_mchid"),
            cert_serial_no=setting("cert_serial_no"),
            private_key=load_private_key(key_text(setting("private_key_file"), "WeChat Pay private key")),
            public_key_id=setting("public_key_id"),
            public_key=load_public_key(key_text(setting("public_key_file"), "WeChat Pay public key")),
            max_skew_seconds=float(found["max_skew_seconds"]), **Patience.read(found))


class WechatPayOrders(WalletOrders):
    """WeChat Pay's record of a QR order, behind remote.py's retries, breaker and cache."""

    name, channel = "wechatpay", "wechat"

    def __init__(self, settings: WechatPaySettings, cache: aioredis.Redis, prefix: str = "daozhang") -> None:
        self.settings = settings
        self._remote = Remote(self.name, settings, cache, prefix, {
            "Accept": "application/json", "User-Agent": "daozhang/1.0 (wechatpayv3 signing)",
            "Wechatpay-Serial": settings.public_key_id})

    async def close(self) -> None:
        await self._remote.close()

    async def order(self, transaction: Transaction) -> Optional[WalletOrder]:
        order_id, sub_mchid = transaction.wallet_order_id, transaction.wallet_sub_merchant_id
        if not order_id or not sub_mchid:
            raise LookupUnavailable("the acquirer's record has no WeChat Pay order id or sub_mchid")
        return await self._remote.look_up(
            ("order", sub_mchid, order_id), lambda: self._get(order_id, sub_mchid),
            lambda body: None if body is None else _order(order_id, body))

    async def _get(self, order_id: str, sub_mchid: str) -> Any:
        """The verified JSON of the order (None: ORDER_NOT_EXIST)."""
        query = urlencode({"sp_mchid": self.settings.sp_mchid, "sub_mchid": sub_mchid})
        url = f"{self.settings.base_url}/v3/pay/partner/transactions/out-trade-no/{quote(order_id, safe='')}?{query}"
        split = urlsplit(url)
        signed = f"{split.path}?{split.query}"  # what the server sees, the base URL's own path included
        authorization = build_authorization(signed, "GET", self.settings.sp_mchid, self.settings.cert_serial_no,
                                            self.settings.private_key)
        status, headers, body = await self._remote.send(
            "GET", URL(url, encoded=True), headers={"Authorization": authorization})
        if passing(status):
            raise Transient(f"HTTP {status}")
        if status not in (200, 404):
            raise Refused(f"HTTP {status} {body[:200].decode('utf-8', 'replace')}")
        self._verify(headers, body)
        answer = json_body(status, body)
        return None if status == 404 else answer

    def _verify(self, headers: Mapping[str, str], body: bytes) -> None:
        """WeChat Pay's signature of the answer, by the platform public key: else Unreadable."""
        serial, stamp = headers.get("Wechatpay-Serial", ""), headers.get("Wechatpay-Timestamp", "")
        if serial != self.settings.public_key_id:
            raise Unreadable(f"answer signed with key {serial!r}, not {self.settings.public_key_id!r}")
        if not stamp.isdigit() or abs(time.time() - int(stamp)) > self.settings.max_skew_seconds:
            raise Unreadable(f"answer signed at {stamp!r}, too far from now")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise Unreadable(f"answer is no UTF-8: {error}") from error
        if not rsa_verify(stamp, headers.get("Wechatpay-Nonce", ""), text,
                          headers.get("Wechatpay-Signature", ""), self.settings.public_key):
            raise Unreadable("answer's signature does not verify")


def _order(order_id: str, body: Any) -> WalletOrder:
    """Our WalletOrder from WeChat Pay's order JSON; an unknown trade_state raises ValueError."""
    state = body["trade_state"]
    if state not in STATES:
        raise ValueError(f"trade_state {state!r}")
    total = body["amount"]["total"]
    if not isinstance(total, int) or isinstance(total, bool):
        raise TypeError(f"amount.total {total!r}")
    paid = body.get("success_time")
    return WalletOrder(order_id, STATES[state], Decimal(total) / 100, shanghai_time(paid) if paid else None)
