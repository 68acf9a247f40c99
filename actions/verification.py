"""The check before a merchant's transactions are explained (rules: daozhang.verification).

The door has already checked and masked the answer; here the bot asks the
question, says how the check went, and lets the case go on once it passed.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.awaiting import Awaiting
from actions.tracker_reading import check_result, vouched_merchant
from daozhang.adapters.base import LookupUnavailable
from daozhang.resources import reply
from daozhang.verification import FAILED, LOCKED, PASSED, UNAVAILABLE, verification_required
from daozhang.wiring import adapter, verifier

logger = logging.getLogger(__name__)

async def verification_gate(dispatcher: CollectingDispatcher, tracker: Tracker,
                            merchant_id: str) -> Optional[List[Dict[Text, Any]]]:
    """None when the conversation may hear about `merchant_id`; else the events of asking (again)."""
    if not verification_required(adapter()):
        return None
    checks = verifier()
    conversation = tracker.sender_id
    result = check_result(tracker)
    try:
        if await checks.is_verified(conversation, merchant_id, vouched_merchant(tracker)):
            if result.get("result") == PASSED:
                dispatcher.utter_message(text=reply("verify_passed"))
            return None
        if await adapter().find_merchant(merchant_id) is None:
            return None  # an unknown id: the lookup says so, and there is nothing to protect
    except LookupUnavailable:  # the lookup will say the backend is unavailable
        logger.warning("verification of %s skipped", merchant_id, exc_info=True)
        return None
    if await checks.locked(merchant_id) or result.get("result") == LOCKED:
        dispatcher.utter_message(text=reply("verify_locked") + reply("offer_human"))
        return [SlotSet("awaiting", Awaiting.HUMAN)]
    await checks.ask(conversation, merchant_id)
    if result.get("result") == FAILED:
        text = reply("verify_failed", remaining=result.get("remaining", 1))
    elif result.get("result") == UNAVAILABLE:
        text = reply("verify_unavailable")
    elif tracker.get_slot("awaiting") == Awaiting.VERIFY:
        text = reply("verify_ask_again")
    else:
        text = reply("verify_ask")
    if tracker.get_latest_input_channel() == "ivr":  # a caller can key the digits in
        text += reply("verify_keypad")
    dispatcher.utter_message(text=text)
    return [SlotSet("awaiting", Awaiting.VERIFY)]


async def how_verified(tracker: Tracker, merchant_id: Optional[str]) -> str:
    """For the agent: how the merchant proved who they are (`daozhang.verification`), `not_required`
    where checks are off, `not_verified`, or `unknown` when Redis could not say."""
    if not verification_required(adapter()):
        return "not_required"
    if not merchant_id:
        return "not_verified"
    try:
        found = await verifier().how_verified(tracker.sender_id, merchant_id, vouched_merchant(tracker))
    except Exception:
        logger.warning("verification of %s not read for the ticket", merchant_id, exc_info=True)
        return "unknown"
    return found or "not_verified"
