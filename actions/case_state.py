"""What a case holds (the sale's day, amount and channel) and how a new one starts.

Kept apart from the actions that use it, so the case form, the clarifying
question and the yes/no answers share it without importing one another.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions.tracker_reading import latest_entities, slot_before_latest_message

CASE_SLOTS = ("amount", "txn_date", "payment_channel")


def start_case_events(problem: str, given: Dict[str, str], tracker: Tracker) -> List[Dict[Text, Any]]:
    """A new case: its problem; the previous case's details and conclusions forgotten,
    except the details `given` with it. A ticket opened before any case (转人工 first) is
    this case's ticket: what the case finds completes it instead of opening another."""
    events = [SlotSet("problem", problem)]
    events += [SlotSet(slot, None) for slot in CASE_SLOTS if slot not in given]
    events += [SlotSet(slot, None) for slot in ("diagnosis", "explanation", "lookup", "awaiting",
                                                "open_question", "objection", "ticket_asked", "solved")]
    if tracker.get_slot("problem"):
        events.append(SlotSet("handoff_ticket", None))
    if "reference_no" not in given:
        events.append(SlotSet("reference_no", None))
    events += [SlotSet("merchant_id_tries", 0.0), SlotSet("unknown_merchant_tries", 0.0),
               SlotSet("merchant_id_part", None)]
    return events


def details_of_another_merchant(tracker: Tracker) -> Dict[str, Any]:
    """A new merchant id in this message: the day and amount given for the old one no longer hold,
    unless this message repeats them (不对，商户号是…: a different shop, a different sale)."""
    before = slot_before_latest_message(tracker, "merchant_id")
    now = latest_entities(tracker).get("merchant_id")
    if not before or not now or before == now:
        return {}
    given = latest_entities(tracker)
    return {slot: None for slot in ("amount", "txn_date") if slot not in given}


def asks_about_the_sale(tracker: Tracker, text: str, is_question: bool, correcting: bool) -> bool:
    """A question about the case explained that names a day and no sum (那后天呢 后天是周六 /
    周一能到账吗): the day is the question's, not the sale's (a sum names another sale)."""
    given = latest_entities(tracker)
    return bool(tracker.get_slot("diagnosis")) and is_question and not correcting \
        and "txn_date" in given and not {"merchant_id", "amount"} & set(given)


def sale_kept(tracker: Tracker) -> List[Dict[Text, Any]]:
    """The sale's day, amount and channel as they were before this message set them."""
    given = latest_entities(tracker)
    return [SlotSet(slot, slot_before_latest_message(tracker, slot)) for slot in CASE_SLOTS if slot in given]


def adds_to_a_fee_question(tracker: Tracker) -> bool:
    """那微信扫码呢 / 那一万呢, right after a fee answer and before any merchant id: the fee again."""
    return (tracker.get_slot("problem") == "fee_inquiry" and not tracker.get_slot("merchant_id")
            and not tracker.get_slot("diagnosis") and "merchant_id" not in latest_entities(tracker))
