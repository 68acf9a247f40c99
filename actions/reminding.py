"""The reminder offered after a payout date: promised in Redis, kept by the channels' loop
(channels/reminders.py, daozhang/reminders.py)."""
from __future__ import annotations

from datetime import date
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.awaiting import Awaiting
from actions.tracker_reading import transcript
from daozhang.clock import today_in_shanghai
from daozhang.diagnosis import month_day_weekday
from daozhang.investigation import payout_of_record
from daozhang.payout_calendar import DEFAULT_HOUR, payout_hour
from daozhang.reminders import Reminder, due_time
from daozhang.resources import reply
from daozhang.wiring import reminders

Events = List[Dict[Text, Any]]


def payout_to_come(tracker: Tracker) -> Optional[date]:
    """The case's payout day when a sale is waiting for it (a reminder has something to check;
    a sale held for review or returned has no day to check on)."""
    if tracker.get_slot("diagnosis") != "pending_settlement":
        return None
    payout = payout_of_record(tracker.get_slot("lookup") or {})
    return payout if payout and payout >= today_in_shanghai() else None


def reminder_offer(payout: date) -> str:
    return reply("reminder_offer", payout=month_day_weekday(payout), hour=payout_hour() or DEFAULT_HOUR)


def offer_reminder(dispatcher: CollectingDispatcher, said: str, payout: date) -> Events:
    """`said`, then "shall I look again on the payout day and tell you?"."""
    dispatcher.utter_message(text=f"{said}\n{reminder_offer(payout)}")
    return [SlotSet("awaiting", Awaiting.REMINDER)]


async def promise(dispatcher: CollectingDispatcher, tracker: Tracker) -> Events:
    """Keeps the case's sale to look up again at its payout time, and says when."""
    record = tracker.get_slot("lookup") or {}
    payout = payout_to_come(tracker)
    sale = record.get("transaction") or {}
    if payout is None or not record.get("merchant_id"):
        dispatcher.utter_message(text=reply("reminder_none"))
        return [SlotSet("awaiting", None)]
    await reminders().schedule(Reminder(
        conversation=tracker.sender_id, merchant_id=record["merchant_id"], payout_on=payout.isoformat(),
        due_at=due_time(payout).isoformat(), txn_date=(sale.get("time") or "")[:10] or None,
        amount=sale.get("amount"), payment_channel=sale.get("channel"), problem=tracker.get_slot("problem"),
        transcript=transcript(tracker)))
    due = f"{month_day_weekday(payout)}{payout_hour() or DEFAULT_HOUR}"
    dispatcher.utter_message(text=reply("reminder_set", due=due))
    return [SlotSet("awaiting", None)]


async def call_off(tracker: Tracker) -> None:
    """不用提醒 / 提醒取消吧: no reminder for this conversation (one already promised is dropped)."""
    await reminders().cancel(tracker.sender_id)
