"""Reading the conversation: what the merchant just said and what was said before.

Every scan of `tracker.events` is here, so the actions ask questions of the
conversation ("the amount before this message", "did the bot speak this turn")
instead of walking the events themselves.
"""
from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional

from rasa_sdk import Tracker

from daozhang.after_answer import says_nothing
from daozhang.conversation import VERIFICATION, VERIFIED_MERCHANT_ID
from daozhang.masking import mask_text
from daozhang.money import is_fee_charged


def latest_text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def written_text(tracker: Tracker) -> str:
    """The latest message as written (after the door's masking), before the NLU normalised it:
    its spoken numbers keep their units (两千三, 五百), which tell a sum from digits of an id."""
    return tracker.latest_message.get("original_text") or latest_text(tracker)


def latest_intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def says_yes(tracker: Tracker) -> bool:
    """好的 / 嗯 / 👍, never ？ or 。 alone (the classifier reads a message without words as its most
    common answer, yes)."""
    return latest_intent(tracker) == "affirm" and not says_nothing(latest_text(tracker))


def latest_entities(tracker: Tracker) -> Dict[str, str]:
    return {e["entity"]: e["value"] for e in tracker.latest_message.get("entities") or []}


def _amount_entities(tracker: Tracker) -> List[Dict[str, Any]]:
    return [e for e in tracker.latest_message.get("entities") or [] if e.get("entity") == "amount"]


def amounts_in(tracker: Tracker) -> List[str]:
    """Every amount the latest message names (800那笔…？1200的呢), in order."""
    return [str(e["value"]) for e in _amount_entities(tracker)]


def sale_amounts_in(tracker: Tracker) -> List[str]:
    """The sums of sales the latest message names, not a fee it says was charged (收了一万 怎么扣了80手续费)."""
    text = latest_text(tracker)
    return [str(e["value"]) for e in _amount_entities(tracker) if not is_fee_charged(text, e.get("start", 0))]


def _merchant_messages(tracker: Tracker) -> Iterator[Dict[str, Any]]:
    """The merchant's messages, newest first."""
    return (event for event in reversed(tracker.events) if event.get("event") == "user")


def check_result(tracker: Tracker) -> Dict[str, Any]:
    """The door's check of the latest message's answer to the verification question (empty: none)."""
    latest = next(_merchant_messages(tracker), None)
    return ((latest or {}).get("metadata") or {}).get(VERIFICATION) or {}


def vouched_merchant(tracker: Tracker) -> Optional[str]:
    """The merchant an authenticated integration vouched for in this conversation, if any."""
    for event in _merchant_messages(tracker):
        vouched = (event.get("metadata") or {}).get(VERIFIED_MERCHANT_ID)
        if vouched:
            return vouched
    return None


def intents_in_a_row(tracker: Tracker) -> Iterator[Optional[str]]:
    """The intents of the merchant's messages, newest first."""
    return ((event.get("parse_data") or {}).get("intent", {}).get("name") for event in _merchant_messages(tracker))


def slot_before_latest_message(tracker: Tracker, slot: str) -> Any:
    """The value a slot had before the merchant's latest message set it."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
    return None


def amounts_said_with(tracker: Tracker, amount: Optional[str]) -> List[str]:
    """The other amounts of the message that gave the case its amount (五百 八百 一千二)."""
    if not amount:
        return []
    for event in _merchant_messages(tracker):
        said = [str(e["value"]) for e in (event.get("parse_data") or {}).get("entities") or []
                if e.get("entity") == "amount"]
        if amount in said:
            return [value for value in said if value != amount]
    return []


def last_bot_text(tracker: Tracker) -> str:
    """What the bot said last, before the merchant's latest message."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "bot" and event.get("text"):
            return event["text"]
    return ""


def bot_spoke_this_turn(tracker: Tracker) -> bool:
    """Whether the bot has said something since the merchant's latest message."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot":
            return True
    return False


def transcript(tracker: Tracker) -> List[Dict[str, str]]:
    """The conversation so far, masked: who said what, when."""
    return [{"who": "merchant" if event["event"] == "user" else "bot", "text": mask_text(event["text"]),
             "at": str(event.get("timestamp", ""))}
            for event in tracker.events if event.get("event") in ("user", "bot") and event.get("text")]
