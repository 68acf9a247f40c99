"""The case concluded: look it up with what is known and tell the merchant what happened."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.awaiting import Awaiting
from actions.handoff import complete_the_open_ticket, hand_over, mark_a_ticket_of_the_wrong_id
from actions.reminding import offer_reminder
from actions.tracker_reading import amounts_said_with, latest_intent, latest_text, says_yes
from actions.verification import verification_gate
from daozhang import money
from daozhang.after_answer import asks_for_person
from daozhang.clock import today_in_shanghai
from daozhang.diagnosis import channel_label, closing_question, explain, month_day, ticket_offer
from daozhang.investigation import CHOOSE, UNKNOWN_MERCHANT, Outcome, investigate, payout_of_record
from daozhang.resources import reply
from daozhang.transaction_pick import describe, pick
from daozhang.wiring import adapter

AUTOMATIC_TICKET = ("settlement_failed_account", "lookup_unavailable")
Events = List[Dict[Text, Any]]


async def conclude(dispatcher: CollectingDispatcher, tracker: Tracker,
                   changed: Optional[Dict[str, Any]] = None) -> Events:
    """Look the case up with what is known (slots this turn `changed` included) and tell the
    merchant what happened."""
    changed = changed or {}
    merchant_id = tracker.get_slot("merchant_id")
    if not merchant_id:
        if tracker.get_slot("awaiting") == Awaiting.HUMAN:  # the answer to the offer, or it stands
            if says_yes(tracker) or asks_for_person(latest_text(tracker)):
                return await hand_over(dispatcher, tracker)
            if latest_intent(tracker) == "deny":
                dispatcher.utter_message(text=reply("no_person"))
                return [SlotSet("awaiting", None)]
            dispatcher.utter_message(text=reply("offer_human"))
            return [SlotSet("awaiting", Awaiting.HUMAN)]
        dispatcher.utter_message(text=reply("ask_merchant_id"))
        return []
    gate = await verification_gate(dispatcher, tracker, merchant_id)
    if gate is not None:
        return gate
    marked = await mark_a_ticket_of_the_wrong_id(tracker, merchant_id)
    if marked:  # 不对，商户号是…: the ticket of the wrong shop is told, and this case gets its own
        dispatcher.utter_message(text=reply("old_ticket_corrected", ticket_id=marked[0], old=marked[1],
                                            merchant_id=merchant_id))
    return ([SlotSet("handoff_ticket", None)] if marked else []) + await _look_up(
        dispatcher, tracker, merchant_id, changed)


async def _look_up(dispatcher: CollectingDispatcher, tracker: Tracker, merchant_id: str,
                   changed: Dict[str, Any]) -> Events:
    query = _query(tracker, changed)
    outcome = await investigate(adapter(), merchant_id, **query)
    if outcome.kind == UNKNOWN_MERCHANT:
        return unknown_merchant(merchant_id, dispatcher, tracker)
    if outcome.kind == CHOOSE:
        dispatcher.utter_message(text=reply("choose_nearest" if outcome.approximate else "choose",
                                            count=len(outcome.candidates),
                                            listing=describe(outcome.candidates)))
        return [SlotSet("awaiting", Awaiting.CHOICE), SlotSet("lookup", outcome.as_json())]
    return await _explain(dispatcher, tracker, outcome, changed, answering_list="choose" in query)


def _query(tracker: Tracker, changed: Dict[str, Any]) -> Dict[str, Any]:
    """What the case knows of the sale, as the investigation takes it."""
    amount = changed.get("amount", tracker.get_slot("amount"))
    query = dict(txn_date=_date(changed.get("txn_date", tracker.get_slot("txn_date"))), amount=_decimal(amount),
                 also_amounts=[a for a in map(_decimal, amounts_said_with(tracker, amount)) if a],
                 channel=tracker.get_slot("payment_channel"), problem=tracker.get_slot("problem"))
    if tracker.get_slot("awaiting") == Awaiting.CHOICE:  # the merchant is answering the list
        answer = latest_text(tracker)
        query["choose"] = lambda candidates: pick(candidates, answer)
    return query


async def _explain(dispatcher: CollectingDispatcher, tracker: Tracker, outcome: Outcome,
                   changed: Dict[str, Any], answering_list: bool) -> Events:
    explanation = explain(outcome.diagnosis)
    if _same_finding(tracker.get_slot("lookup"), outcome):  # details added, the same sale found
        if outcome.approximate or _another_channel(tracker, outcome):  # 那支付宝那笔呢 / 是上周三那笔
            dispatcher.utter_message(text=reply("other_sale_not_found", title=explanation.title))
            return [SlotSet("lookup", outcome.as_json()), SlotSet("awaiting", Awaiting.TICKET),
                    SlotSet("open_question", latest_text(tracker))]
        dispatcher.utter_message(text=reply("case_unchanged", title=explanation.title))
        return [SlotSet("lookup", outcome.as_json())]
    text = f"【{explanation.title}】\n{explanation.text}"
    if outcome.approximate and not answering_list:  # what was found, not what was said
        text = f"{reply('nearest_one', said=_as_said(_query(tracker, changed)))}\n{text}"
    found = {"diagnosis": explanation.code, "explanation": explanation.text, "lookup": outcome.as_json()}
    events = [SlotSet(name, value) for name, value in found.items()] + [SlotSet("awaiting", None)]
    if explanation.code in AUTOMATIC_TICKET or explanation.automatic_ticket or asks_for_person(latest_text(tracker)):
        # …直接给我转人工 in the message with the details: explained, and handed over at once
        return events + await hand_over(dispatcher, tracker, said_first=text, found={**changed, **found})
    completed = await complete_the_open_ticket(tracker, {**changed, **found})
    if completed:  # 转人工 first, the case after: the person already waiting gets what was found
        dispatcher.utter_message(text=f"{text}\n{reply('ticket_completed', ticket_id=completed)}")
        return events
    if outcome.approximate and _another_channel(tracker, outcome) and not answering_list:
        # 云闪付收的200 and only a WeChat 368 found: likely another sale, so a person may look for it
        dispatcher.utter_message(text=f"{text}\n{reply('not_this_one_offer')}")
        return events + [SlotSet("awaiting", Awaiting.TICKET)]
    if explanation.offer_ticket:
        dispatcher.utter_message(text=f"{text}\n{ticket_offer()}")
        return events + [SlotSet("awaiting", Awaiting.TICKET)]
    payout = payout_of_record(found["lookup"])
    if explanation.code == "pending_settlement" and payout and payout >= today_in_shanghai():
        return events + offer_reminder(dispatcher, text, payout)  # the promise: look again that day
    dispatcher.utter_message(text=f"{text}\n{closing_question()}")
    return events + [SlotSet("awaiting", Awaiting.SOLVED)]


def unknown_merchant(value: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> Events:
    """The backend does not know the id: say so; the second time, offer a person."""
    tries = int(tracker.get_slot("unknown_merchant_tries") or 0) + 1
    if tries >= 2:
        dispatcher.utter_message(text=reply("merchant_unknown_again", merchant_id=value) + reply("offer_human"))
        return [SlotSet("merchant_id", None), SlotSet("unknown_merchant_tries", float(tries)),
                SlotSet("awaiting", Awaiting.HUMAN)]
    dispatcher.utter_message(text=reply("merchant_unknown", merchant_id=value))
    return [SlotSet("merchant_id", None), SlotSet("unknown_merchant_tries", float(tries))]


def _as_said(query: Dict[str, Any]) -> str:
    """The sale as the merchant described it: 12月5日、云闪付、200.00元 (the day and sum when none is known)."""
    parts = [month_day(query["txn_date"]) if query.get("txn_date") else "",
             channel_label(query["channel"]) if query.get("channel") else "",
             f"{money.yuan(query['amount'])}元" if query.get("amount") else ""]
    said = "、".join(filter(None, parts))
    return f"这笔（{said}）" if said else reply("nearest_said_default")


def _another_channel(tracker: Tracker, outcome: Outcome) -> bool:
    """The merchant names a way of paying other than the sale found's (it was found without it)."""
    named = tracker.get_slot("payment_channel")
    found = (outcome.as_json().get("transaction") or {}).get("channel")
    return bool(named and found and named != found)


def _same_finding(previous: Optional[dict], outcome: Outcome) -> bool:
    """The case was already explained with this very transaction and diagnosis."""
    if not previous or not previous.get("diagnosis") or outcome.diagnosis is None:
        return False
    now = outcome.as_json()
    return (previous.get("diagnosis") == now.get("diagnosis")
            and (previous.get("transaction") or {}).get("id") == (now.get("transaction") or {}).get("id"))


def _decimal(value: Optional[str]) -> Optional[Decimal]:
    try:
        return Decimal(value) if value else None
    except InvalidOperation:
        return None


def _date(value: Optional[str]) -> Optional[date]:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
