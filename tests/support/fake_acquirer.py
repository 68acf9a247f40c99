"""A local stand-in for an acquirer's transaction-status API (docs/openapi/transaction-status.yaml).

Serves the contract's three paths from FIXTURE (fake_server.py: a free port, `hits`,
faults) and checks the bearer token (401 without it). Its faults: an HTTP status (401,
404, 500, 503 …, with the contract's error body), "slow", "garbage", "truncated", or
"empty" (a JSON object without any of the contract's fields).
"""
from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Dict, Optional

from aiohttp import web

from daozhang.clock import SHANGHAI
from tests.support.fake_server import FakeServer, garbage, truncated
from tests.support.fake_wechatpay import SUB_MCHID

TOKEN = "test-token"
MERCHANT = "898310000000004"

FIXTURE: Dict[str, Any] = {
    "merchants": {
        MERCHANT: {
            "merchant_id": MERCHANT, "name": "好再来饭馆", "status": "active",
            "settlement_card": {"bank": "招商银行", "last4": "7720"}, "registered_phone": "13800130004"},
        "898310000000010": {
            "merchant_id": "898310000000010", "name": "新开张水果店", "status": "not_activated",
            "missing_steps": ["实名认证"], "registered_phone": "13800130010"},
    },
    "transactions": {
        MERCHANT: [
            {"transaction_id": "T0004001", "merchant_id": MERCHANT, "trade_time": "2026-11-20T11:42:00+08:00",
             "amount": "500.00", "channel": "card", "status": "success", "reference_no": "532611420401",
             "terminal_id": "XN100004"},
            {"transaction_id": "T0004002", "merchant_id": MERCHANT, "trade_time": "2026-11-20T04:15:00Z",
             "amount": "800.00", "channel": "card", "status": "success", "reference_no": "532612150402",
             "terminal_id": "XN100004"},
            {"transaction_id": "T0004004", "merchant_id": MERCHANT, "trade_time": "2026-11-19T20:05:00+08:00",
             "amount": "99.00", "channel": "alipay", "status": "refunded",
             "refund_time": "2026-11-20T09:00:00+08:00"},
        ],
        "898310000000010": [],
    },
    "settlements": {
        "T0004001": {"status": "paid", "card_last4": "7720", "batch": {
            "batch_id": "B0004001", "paid_date": "2026-11-21", "gross": "1300.00", "fee": "7.80",
            "net": "1292.20", "count": 2, "payer_name": "银联商务结算款",
            "transaction_ids": ["T0004001", "T0004002"]}},
    },
}

# merchant id: (channel, the acquirer's status, the wallet's order id (fake_wechatpay / fake_alipay ORDERS))
QR_SALES = {
    "898310000000021": ("wechat", "closed", "W1003"),   # the wallet agrees: closed
    "898310000000022": ("wechat", "closed", "W1001"),   # the wallet says paid: the records disagree
    "898310000000023": ("alipay", "success", "A2004"),  # the wallet says refunded in full
    "898310000000024": ("alipay", "notpay", "A2002"),   # the wallet agrees: waiting for the buyer
}


def with_qr_sales() -> Dict[str, Any]:
    """FIXTURE and a merchant per QR_SALES, each with one QR sale of 368.00 on 2026-11-20 whose
    wallet order the wallets' fakes know."""
    fixture = {name: dict(part) for name, part in FIXTURE.items()}
    for merchant_id, (channel, status, order_id) in QR_SALES.items():
        fixture["merchants"][merchant_id] = {
            "merchant_id": merchant_id, "name": "扫码测试店", "status": "active",
            "settlement_card": {"bank": "招商银行", "last4": "7720"}}
        fixture["transactions"][merchant_id] = [{
            "transaction_id": f"Q{merchant_id[-3:]}", "merchant_id": merchant_id,
            "trade_time": "2026-11-20T10:05:00+08:00", "amount": "368.00", "channel": channel,
            "status": status, "wallet_order_id": order_id, "wallet_sub_merchant_id": SUB_MCHID}]
    return fixture


class FakeAcquirer(FakeServer):
    def __init__(self, fixture: Optional[Dict[str, Any]] = None, slow_seconds: float = 2.0) -> None:
        super().__init__(slow_seconds)
        self.fixture = fixture or FIXTURE

    def route(self, app: web.Application) -> None:
        app.router.add_get("/status/v1/merchants/{merchant_id}", self._merchant)
        app.router.add_get("/status/v1/merchants/{merchant_id}/transactions", self._transactions)
        app.router.add_get("/status/v1/merchants/{merchant_id}/transactions/{transaction_id}/settlement",
                           self._settlement)

    async def start(self) -> "FakeAcquirer":
        return await super().start("/status/v1")

    async def _answer(self, request: web.Request, found: Any) -> web.StreamResponse:
        """`found` (None: 404) as the contract says, unless a fault spoils it."""
        fault = await self.fault(request)
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            fault = 401
        if found is None and fault is None:
            fault = 404
        if isinstance(fault, int):
            return web.json_response({"code": str(fault), "message": "not found" if fault == 404 else "fault"},
                                     status=fault)
        if fault == "garbage":
            return garbage()
        if fault == "empty":
            return web.json_response({})
        body = json.dumps(found, ensure_ascii=False).encode("utf-8")
        if fault == "truncated":
            return await truncated(request, body, {})
        return web.json_response(body=body)

    async def _merchant(self, request: web.Request) -> web.StreamResponse:
        return await self._answer(request, self.fixture["merchants"].get(request.match_info["merchant_id"]))

    async def _transactions(self, request: web.Request) -> web.StreamResponse:
        listed = self.fixture["transactions"].get(request.match_info["merchant_id"])
        if listed is None:
            return await self._answer(request, None)
        start, end = (date.fromisoformat(request.query[name]) for name in ("from", "to"))
        channel = request.query.get("channel")
        chosen = [t for t in listed if start <= _trade_day(t) <= end and channel in (None, t["channel"])]
        return await self._answer(request, {"transactions": chosen})

    async def _settlement(self, request: web.Request) -> web.StreamResponse:
        merchant_id, transaction_id = request.match_info["merchant_id"], request.match_info["transaction_id"]
        mine = {t["transaction_id"] for t in self.fixture["transactions"].get(merchant_id, [])}
        found = self.fixture["settlements"].get(transaction_id) if transaction_id in mine else None
        return await self._answer(request, found)


def _trade_day(transaction: Dict[str, Any]) -> date:
    """The transaction's day in Asia/Shanghai, whatever offset its time was written with."""
    return datetime.fromisoformat(transaction["trade_time"].replace("Z", "+00:00")).astimezone(SHANGHAI).date()
