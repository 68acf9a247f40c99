"""After an explanation: questions and details about the same case, answered in its context.

A question the classifier would refuse (预授权完成怎么做, 周一可以吗) or a detail it
would take for a new topic (机器当时显示超时, 记错了 是昨天下午) belongs to the case
just explained: answer it from the case (here), or look the case up again with the
details (actions.case.answer_in_case).
"""
from __future__ import annotations

from datetime import date
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import create_ticket, handed_over, ticket_created_message
from daozhang.clock import today_in_shanghai
from daozhang.follow_up import follow_up
from daozhang.payout_calendar import t_plus
from daozhang.resources import load_yaml

Events = List[Dict[Text, Any]]


def says_correction(tracker: Tracker) -> bool:
    """记错了 / 不对 … about a case already explained."""
    text = tracker.latest_message.get("text") or ""
    return bool(tracker.get_slot("diagnosis")) and any(
        word in text for word in load_yaml("wording.yml")["correction_words"])


async def answer_follow_up(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[Events]:
    """Events when the latest message asked about the case already explained, else None."""
    code, record = tracker.get_slot("diagnosis"), tracker.get_slot("lookup") or {}
    if not code or not tracker.get_slot("merchant_id"):
        return None
    text = tracker.latest_message.get("text") or ""
    answer = follow_up(code, text, record.get("facts") or {}, today_in_shanghai(), _payout(record))
    if answer is None:
        return None
    if answer.ticket:
        ticket = await create_ticket(tracker, extra_bot_text=answer.answer)
        dispatcher.utter_message(text=f"{answer.answer}\n{ticket_created_message(ticket)}")
        return handed_over(ticket)
    dispatcher.utter_message(text=answer.answer)
    return [SlotSet("awaiting", None)]


def _payout(record: dict) -> Optional[date]:
    """When the case's sale was or will be paid out (for "周一可以吗")."""
    paid = (record.get("settlement") or {}).get("paid_on")
    if paid:
        return date.fromisoformat(paid)
    sale = (record.get("transaction") or {}).get("time")
    return t_plus(date.fromisoformat(sale[:10]))[0] if sale else None
