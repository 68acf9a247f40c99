"""Fees: the rates, and the fee and net for an amount the merchant names."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Dict, List, Mapping, Optional, Text

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.safe_action import SafeAction
from actions.tracker_reading import latest_entities
from daozhang import money
from daozhang.resources import reply, wording


def fee_reply(dispatcher: CollectingDispatcher, entities: Mapping[str, str],
              channel: Optional[str]) -> List[Dict[Text, Any]]:
    """The rates, and the fee and net of the amount the merchant's message named."""
    card, qr = money.fee_rate("card"), money.fee_rate("wechat")
    lines = [reply("fee_rates", card=money.percent(card), qr=money.percent(qr))]
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
        return fee_reply(dispatcher, latest_entities(tracker), tracker.get_slot("payment_channel"))
