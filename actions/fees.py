"""Fees: the rates, and the fee and net for an amount the merchant names."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Text

from rasa_sdk.events import SlotSet

from actions.common import SafeAction, latest_entities
from daozhang import money
from daozhang.diagnosis import CHANNEL_LABELS


class ActionExplainFees(SafeAction):
    """Card 0.6%, QR 0.38%, and what that makes of the merchant's amount."""

    def name(self) -> Text:
        return "action_explain_fees"

    async def act(self, dispatcher, tracker, domain):
        card, qr = money.fee_rate("card"), money.fee_rate("wechat")
        lines = [f"我们的手续费率：刷卡 {money.percent(card)}，扫码（微信、支付宝、云闪付）"
                 f"{money.percent(qr)}，按每笔交易金额收取，结算时直接从货款里扣除。"]
        entities = latest_entities(tracker)
        try:
            amount = Decimal(entities["amount"]) if "amount" in entities else None
        except InvalidOperation:
            amount = None
        channel = entities.get("payment_channel") or tracker.get_slot("payment_channel")
        if amount:
            options = [(CHANNEL_LABELS[channel], channel)] if channel else [("刷卡", "card"), ("扫码", "wechat")]
            for label, name in options:
                lines.append(f"{label}{money.yuan(amount)}元：手续费 {money.yuan(money.fee(amount, name))}元，"
                             f"实际到账 {money.yuan(money.net(amount, name))}元。")
        lines.append("如果实际扣得比这个多，告诉我商户号和交易日期，我帮您查具体是哪几笔。")
        dispatcher.utter_message(text="\n".join(lines))
        return [SlotSet("problem", "fee_inquiry"), SlotSet("awaiting", None)]
