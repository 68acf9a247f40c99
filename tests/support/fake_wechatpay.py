"""A local stand-in for WeChat Pay API v3's order query in service-provider mode.

`GET /v3/pay/partner/transactions/out-trade-no/{out_trade_no}?sp_mchid=…&sub_mchid=…` from ORDERS,
as the real API does it: the request's `Authorization` (WECHATPAY2-SHA256-RSA2048) is checked
against the service provider's public key, over `GET\\n<path?query>\\n<timestamp>\\n<nonce>\\n\\n`,
and a bad, stale or missing one gets 401 SIGN_ERROR; an unknown order is 404 ORDER_NOT_EXIST; every
answer is signed (Wechatpay-Signature / -Timestamp / -Nonce / -Serial) with the platform key in
public-key mode. Faults (fake_server.py): an HTTP status with WeChat Pay's error body, "slow",
"garbage", "truncated", "bad_signature" (signed with another key), "stale" (signed ten minutes
ago), "unsigned" (no signature headers).
"""
from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any, Dict, Optional, Tuple

from aiohttp import web

from tests.support import keys
from tests.support.fake_server import FakeServer, garbage, truncated

SP_MCHID, SUB_MCHID = "1230000109", "1900000109"
CERT_SERIAL = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"  # our API certificate's serial
PUBLIC_KEY_ID = "PUB_KEY_ID_0112300001092026112000000000000001"
MERCHANT_KEY, PLATFORM_KEY, ROGUE_KEY = "wechatpay-merchant", "wechatpay-platform", "rogue"


def order(out_trade_no: str, state: str, total: int, paid: Optional[str] = None) -> Dict[str, Any]:
    """An order as the partner query returns it; `total` in fen."""
    found = {"sp_appid": "wx8888888888888888", "sp_mchid": SP_MCHID, "sub_mchid": SUB_MCHID,
             "out_trade_no": out_trade_no, "trade_type": "NATIVE", "trade_state": state,
             "trade_state_desc": state, "amount": {"total": total, "currency": "CNY"}}
    if paid:
        found.update(transaction_id="4200001234202611200000000001", success_time=paid, bank_type="OTHERS",
                     payer={"sub_openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
                     amount={"total": total, "payer_total": total, "currency": "CNY", "payer_currency": "CNY"})
    return found


ORDERS: Dict[Tuple[str, str], Dict[str, Any]] = {
    (SUB_MCHID, "W1001"): order("W1001", "SUCCESS", 36800, "2026-11-20T10:05:33+08:00"),
    (SUB_MCHID, "W1002"): order("W1002", "NOTPAY", 36800),
    (SUB_MCHID, "W1003"): order("W1003", "CLOSED", 12000),
    (SUB_MCHID, "W1004"): order("W1004", "REFUND", 9900, "2026-11-19T20:05:00+08:00"),
    (SUB_MCHID, "W1005"): order("W1005", "USERPAYING", 500),
    (SUB_MCHID, "W1006"): order("W1006", "PAYERROR", 500),
    (SUB_MCHID, "W1007"): order("W1007", "REVOKED", 500),
}
_AUTHORIZATION = re.compile(r'(\w+)="([^"]*)"')


class FakeWechatPay(FakeServer):
    def __init__(self, orders: Optional[Dict[Tuple[str, str], Dict[str, Any]]] = None,
                 slow_seconds: float = 2.0) -> None:
        super().__init__(slow_seconds)
        self.orders = orders if orders is not None else dict(ORDERS)
        self.refused_signatures = 0  # requests answered 401 SIGN_ERROR

    def route(self, app: web.Application) -> None:
        app.router.add_get("/v3/pay/partner/transactions/out-trade-no/{out_trade_no}", self._query)

    def _signed_by_us(self, request: web.Request) -> bool:
        """The request's Authorization, as WeChat Pay checks it."""
        scheme, _, rest = request.headers.get("Authorization", "").partition(" ")
        fields = dict(_AUTHORIZATION.findall(rest))
        text = f"{request.method}\n{request.raw_path}\n{fields.get('timestamp')}\n{fields.get('nonce_str')}\n\n"
        return (scheme == "WECHATPAY2-SHA256-RSA2048" and fields.get("mchid") == request.query.get("sp_mchid")
                and fields.get("serial_no") == CERT_SERIAL and fields.get("timestamp", "").isdigit()
                and abs(time.time() - int(fields["timestamp"])) < 300
                and keys.verifies(MERCHANT_KEY, text, fields.get("signature", "")))

    async def _query(self, request: web.Request) -> web.StreamResponse:
        fault = await self.fault(request)
        if not self._signed_by_us(request):
            self.refused_signatures += 1
            return self._answer({"code": "SIGN_ERROR", "message": "签名错误"}, 401, None)
        if request.query.get("sp_mchid") != SP_MCHID or "sub_mchid" not in request.query:
            return self._answer({"code": "PARAM_ERROR", "message": "参数错误"}, 400, None)
        if isinstance(fault, int):
            code = "SYSTEM_ERROR" if fault >= 500 else "FREQUENCY_LIMITED" if fault == 429 else "NO_AUTH"
            return self._answer({"code": code, "message": "fault"}, fault, None)
        if fault == "garbage":
            return garbage()
        found = self.orders.get((request.query["sub_mchid"], request.match_info["out_trade_no"]))
        body, status = (found, 200) if found else ({"code": "ORDER_NOT_EXIST", "message": "订单不存在"}, 404)
        if fault == "truncated":
            text = json.dumps(body, ensure_ascii=False)
            return await truncated(request, text.encode("utf-8"), self._signature(text, None))
        return self._answer(body, status, fault)

    def _answer(self, body: Dict[str, Any], status: int, fault: Optional[str]) -> web.Response:
        text = json.dumps(body, ensure_ascii=False)
        return web.Response(text=text, status=status, content_type="application/json",
                            headers=self._signature(text, fault))

    @staticmethod
    def _signature(text: str, fault: Optional[str]) -> Dict[str, str]:
        """WeChat Pay's answer signature headers, spoiled as `fault` says."""
        if fault == "unsigned":
            return {}
        stamp = str(int(time.time()) - (600 if fault == "stale" else 0))
        nonce = uuid.uuid4().hex.upper()
        signer = ROGUE_KEY if fault == "bad_signature" else PLATFORM_KEY
        return {"Wechatpay-Timestamp": stamp, "Wechatpay-Nonce": nonce, "Wechatpay-Serial": PUBLIC_KEY_ID,
                "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
                "Wechatpay-Signature": keys.sign(signer, f"{stamp}\n{nonce}\n{text}\n"),
                "Request-ID": uuid.uuid4().hex}
