"""What a message means for the case already open: the one ladder every action asks.

A message the classifier would refuse (预授权完成怎么做, 周一可以吗) or take for
a new topic (机器当时显示超时, 记错了 是昨天下午) may belong to the case just
explained. In order:
1. a ticket id typed (ho20261129 0001) → that ticket's status;
2. the case form is asking for the merchant id → not here (the form goes on);
3. a question about the case explained → its answer from the case, and details
   for it (a new day or amount) → the case looked up again;
4. one of our problems close behind → "which problem is it?".
"""
from __future__ import annotations

from datetime import date
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.case_state import CASE_SLOTS
from actions.clarifying import ask_which_problem, may_be_ours
from actions.conclusion import conclude
from actions.handoff import hand_over, ticket_status
from actions.tracker_reading import latest_entities, latest_text
from daozhang.clock import today_in_shanghai
from daozhang.follow_up import follow_up
from daozhang.lexicon import listens_for
from daozhang.payout_calendar import t_plus
from daozhang.tickets import find_ticket_id

Events = List[Dict[Text, Any]]


async def in_context(dispatcher: CollectingDispatcher, tracker: Tracker,
                     may_ask: bool = True) -> Optional[Events]:
    """The answer the conversation so far gives this message, or None when it gives none
    (`may_ask`: whether "which problem is it?" may be the answer)."""
    if find_ticket_id(latest_text(tracker)):
        return await ticket_status(dispatcher, tracker)
    if tracker.active_loop.get("name"):
        return None
    in_case = await answer_in_case(dispatcher, tracker)
    if in_case is not None:
        return in_case
    if may_ask and may_be_ours(tracker):
        return ask_which_problem(dispatcher, tracker)
    return None


async def answer_in_case(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[Events]:
    """A question about the case already explained, or details for it (a new day or amount: look
    again); None when the message is not about it."""
    if not says_correction(tracker):  # 记错了 是周五刷的 corrects the sale, it asks nothing
        answered = await answer_follow_up(dispatcher, tracker)
        if answered is not None:
            return answered
    if tracker.get_slot("diagnosis") and any(slot in latest_entities(tracker) for slot in CASE_SLOTS):
        return await conclude(dispatcher, tracker)
    return None


def says_correction(tracker: Tracker) -> bool:
    """记错了 / 不对 … about a case already explained."""
    text = latest_text(tracker)
    return bool(tracker.get_slot("diagnosis")) and any(word in text for word in listens_for("correction"))


async def answer_follow_up(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[Events]:
    """Events when the latest message asked about the case already explained, else None."""
    code, record = tracker.get_slot("diagnosis"), tracker.get_slot("lookup") or {}
    if not code or not tracker.get_slot("merchant_id"):
        return None
    answer = follow_up(code, latest_text(tracker), record.get("facts") or {}, today_in_shanghai(), _payout(record))
    if answer is None:
        return None
    if answer.ticket:
        return await hand_over(dispatcher, tracker, said_first=answer.answer)
    dispatcher.utter_message(text=answer.answer)
    return [SlotSet("awaiting", None)]


def _payout(record: dict) -> Optional[date]:
    """When the case's sale was or will be paid out (for "周一可以吗")."""
    paid = (record.get("settlement") or {}).get("paid_on")
    if paid:
        return date.fromisoformat(paid)
    sale = (record.get("transaction") or {}).get("time")
    return t_plus(date.fromisoformat(sale[:10]))[0] if sale else None
