"""Fees: the rates, and the fee and net for an amount the merchant names."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Dict, List, Mapping, Optional, Text

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.case_fee import fee_of_the_case
from actions.conclusion import conclude
from actions.context import in_context
from actions.safe_action import SafeAction
from actions.tracker_reading import (
    latest_entities,
    latest_text,
    sale_amounts_in,
    slot_before_latest_message,
)
from daozhang import money
from daozhang.after_answer import clauses, says_still_missing
from daozhang.resources import reply, wording

FEE_WORDS = ("手续费", "费率", "扣多少", "扣了多少", "收多少", "扣点", "点数", "服务费", "费用")


def mentions_fee(text: str) -> bool:
    return any(word in text for word in FEE_WORDS)


def rates() -> str:
    return reply("fee_rates", card=money.percent(money.fee_rate("card")), qr=money.percent(money.fee_rate("wechat")))


def fee_reply(dispatcher: CollectingDispatcher, entities: Mapping[str, str],
              channel: Optional[str]) -> List[Dict[Text, Any]]:
    """The rates, and the fee and net of the amount the merchant's message named."""
    lines = [rates()]
    try:
        amount = Decimal(entities["amount"]) if "amount" in entities else None
    except InvalidOperation:
        amount = None
    channel = entities.get("payment_channel") or channel
    if amount:
        labels = wording("channels")
        # No channel named: the card rate and the QR rate (one for every QR code)
        options = [(labels[channel], channel)] if channel else [(labels["card"], "card"), (labels["qr"], "wechat")]
        for label, name in options:
            lines.append(reply("fee_for_amount", label=label, amount=money.yuan(amount),
                               fee=money.yuan(money.fee(amount, name)),
                               net=money.yuan(money.net(amount, name))))
    lines.append(reply("fee_check_offer"))
    dispatcher.utter_message(text="\n".join(lines))
    return [SlotSet("problem", "fee_inquiry"), SlotSet("awaiting", None)]


class ActionExplainFees(SafeAction):
    """Card 0.6%, QR 0.38%, and what that makes of the merchant's amount."""

    def name(self) -> Text:
        return "action_explain_fees"

    async def act(self, dispatcher, tracker, domain):
        if tracker.get_slot("diagnosis") and not mentions_fee(latest_text(tracker)):
            answered = await in_context(dispatcher, tracker, may_ask=False)  # 为什么会冻结 是你们冻的吗
            if answered is not None:
                return answered
        case_fee = fee_of_the_case(tracker)
        if case_fee:  # 手续费15块是怎么算的, after a paid sale or batch was explained
            dispatcher.utter_message(text=case_fee)
            return [SlotSet("awaiting", None)]
        entities = latest_entities(tracker)
        given = {k: v for k, v in entities.items() if k != "amount"}
        sales = sale_amounts_in(tracker)  # the fee worked out on the sale, never on the fee charged
        events = fee_reply(dispatcher, {**given, **({"amount": sales[-1]} if sales else {})},
                           tracker.get_slot("payment_channel"))
        if "amount" in entities:  # the sale is the amount kept (是刷卡的 works it out again)
            events.append(SlotSet("amount", sales[-1] if sales else slot_before_latest_message(tracker, "amount")))
        parts = clauses(latest_text(tracker))
        if len(parts) > 1 and any(says_still_missing(part) for part in parts):  # 手续费多少？另外99的没到账
            if tracker.get_slot("merchant_id"):  # the id is known: the sale is looked up now
                return events + [SlotSet("problem", "payment_not_arrived")] + await conclude(dispatcher, tracker)
            dispatcher.utter_message(text=reply("missing_sale_next"))
        return events
