"""A local stand-in for Alipay's open-platform gateway answering `alipay.trade.query`.

`POST /gateway.do` (form) from ORDERS, as the real gateway does it: the request's `sign` is checked
(RSA2 over the sorted `key=value` pairs, all but `sign`) against the app's public key, and a bad
one gets code 40002 `isv.invalid-signature`; an unknown order is 40004 `ACQ.TRADE_NOT_EXIST`; the
HTTP status is 200 whatever the outcome, and every answer is signed by the Alipay key over the
exact text of `alipay_trade_query_response`. Faults (fake_server.py): an HTTP status (a proxy's),
"slow", "garbage", "truncated", "bad_signature" (signed with another key), "unsigned" (no `sign`),
"busy" (code 20000 isp.unknow-error, which may pass).
"""
from __future__ import annotations

import json
from typing import Any, Dict, Optional

from aiohttp import web

from tests.support import keys
from tests.support.fake_server import FakeServer, garbage, truncated

APP_ID = "2021000122671234"
APP_KEY, ALIPAY_KEY, ROGUE_KEY = "alipay-app", "alipay-platform", "rogue"
ANSWER = "alipay_trade_query_response"


def trade(out_trade_no: str, status: str, total: str, paid: Optional[str] = None) -> Dict[str, Any]:
    """A trade as alipay.trade.query answers it (code 10000)."""
    found = {"code": "10000", "msg": "Success", "out_trade_no": out_trade_no, "trade_status": status,
             "total_amount": total, "buyer_logon_id": "159****5620", "trade_no": "2026112022001400001234567890"}
    if paid:
        found.update(send_pay_date=paid, buyer_pay_amount=total, receipt_amount=total)
    return found


ORDERS: Dict[str, Dict[str, Any]] = {
    "A2001": trade("A2001", "TRADE_SUCCESS", "99.00", "2026-11-20 13:26:10"),
    "A2002": trade("A2002", "WAIT_BUYER_PAY", "99.00"),
    "A2003": trade("A2003", "TRADE_CLOSED", "45.50"),
    "A2004": trade("A2004", "TRADE_CLOSED", "99.00", "2026-11-19 20:05:00"),  # paid, then refunded in full
    "A2005": trade("A2005", "TRADE_FINISHED", "12.00", "2026-11-01 09:00:00"),
}


class FakeAlipay(FakeServer):
    def __init__(self, orders: Optional[Dict[str, Dict[str, Any]]] = None, slow_seconds: float = 2.0) -> None:
        super().__init__(slow_seconds)
        self.orders = orders if orders is not None else dict(ORDERS)
        self.refused_signatures = 0

    def route(self, app: web.Application) -> None:
        app.router.add_post("/gateway.do", self._gateway)

    async def start(self) -> "FakeAlipay":
        return await super().start("/gateway.do")

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        form = dict(await request.post())  # read before a slow answer, as a server does
        fault = await self.fault(request)
        if isinstance(fault, int):
            return web.Response(text="<html>proxy error</html>", status=fault, content_type="text/html")
        if fault == "garbage":
            return garbage()
        signed = "&".join(f"{name}={value}" for name, value in sorted(form.items()) if name != "sign")
        if form.get("app_id") != APP_ID or not keys.verifies(APP_KEY, signed, form.get("sign", "")):
            self.refused_signatures += 1
            answer = {"code": "40002", "msg": "Invalid Arguments", "sub_code": "isv.invalid-signature",
                      "sub_msg": "验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配"}
        elif form.get("method") != "alipay.trade.query" or form.get("sign_type") != "RSA2":
            answer = {"code": "40002", "msg": "Invalid Arguments", "sub_code": "isv.invalid-method"}
        elif fault == "busy":
            answer = {"code": "20000", "msg": "Service Currently Unavailable", "sub_code": "isp.unknow-error"}
        else:
            order_id = json.loads(form.get("biz_content") or "{}").get("out_trade_no")
            answer = self.orders.get(order_id) or {
                "code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_NOT_EXIST", "sub_msg": "交易不存在"}
        text = self._signed(json.dumps(answer, ensure_ascii=False), fault)
        if fault == "truncated":
            return await truncated(request, text.encode("utf-8"), {})
        return web.Response(text=text, content_type="application/json", charset="utf-8")

    @staticmethod
    def _signed(inner: str, fault: Optional[str]) -> str:
        """The whole answer: the response object's exact text, and its sign (spoiled as `fault` says)."""
        if fault == "unsigned":
            return f'{{"{ANSWER}":{inner}}}'
        sign = keys.sign(ROGUE_KEY if fault == "bad_signature" else ALIPAY_KEY, inner)
        return f'{{"{ANSWER}":{inner},"sign":"{sign}"}}'
