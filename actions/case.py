"""The diagnostic case: start it, collect and check the merchant id, look up, explain."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.common import (
    Awaiting,
    SafeAction,
    create_ticket,
    handed_over,
    latest_entities,
    latest_intent,
    ticket_created_message,
)
from actions.follow_ups import answer_follow_up, says_correction
from actions.verification import verification_gate
from daozhang import diagnosis as dx
from daozhang.choice import describe, pick
from daozhang.investigation import CHOOSE, UNKNOWN_MERCHANT, investigate
from daozhang.merchant_id import ID_LENGTH, take_digits
from daozhang.resources import reply
from daozhang.text.normalise import normalise_text
from daozhang.wiring import adapter

CASE_SLOTS = ("amount", "txn_date", "payment_channel")
AUTOMATIC_TICKET = ("settlement_failed_account", "lookup_unavailable")


class ActionStartCase(SafeAction):
    """A new problem: remember it, forget the previous case's details."""

    def name(self) -> Text:
        return "action_start_case"

    async def act(self, dispatcher, tracker, domain):
        if says_correction(tracker):  # 记错了 是今天上午刷的: the same case, looked up again by the form
            return [SlotSet("awaiting", None)]
        answered = await answer_follow_up(dispatcher, tracker)  # 那笔退款不是我退的 / 明天周一能到吗
        if answered is not None:
            return answered + [FollowupAction("action_listen")]
        if _same_problem_again(tracker):  # 国庆后第一天能到吗: the form looks again, one line if unchanged
            return [SlotSet("awaiting", None)]
        return start_case_events(latest_intent(tracker), latest_entities(tracker))


def _same_problem_again(tracker: Tracker) -> bool:
    """The problem just explained, asked again with nothing new: not a new case."""
    given = latest_entities(tracker)
    return (bool(tracker.get_slot("diagnosis")) and latest_intent(tracker) == tracker.get_slot("problem")
            and not any(slot in given for slot in (*CASE_SLOTS, "merchant_id")))


def start_case_events(problem: str, given: Dict[str, str]) -> List[Dict[Text, Any]]:
    """A new case: its problem; the previous case's details and conclusions forgotten,
    except the details `given` with it."""
    events = [SlotSet("problem", problem)]
    events += [SlotSet(slot, None) for slot in CASE_SLOTS if slot not in given]
    events += [SlotSet(slot, None) for slot in ("diagnosis", "explanation", "lookup", "awaiting", "handoff_ticket")]
    events += [SlotSet("merchant_id_tries", 0.0), SlotSet("unknown_merchant_tries", 0.0),
               SlotSet("merchant_id_part", None)]
    return events


def slot_before_latest_message(tracker: Tracker, slot: str) -> Any:
    """The value a slot had before the merchant's latest message set it."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
    return None


def details_of_another_merchant(tracker: Tracker) -> Dict[str, Any]:
    """A new merchant id in this message: the day and amount given for the old one no longer hold,
    unless this message repeats them (不对，商户号是…: a different shop, a different sale)."""
    before = slot_before_latest_message(tracker, "merchant_id")
    now = latest_entities(tracker).get("merchant_id")
    if not before or not now or before == now:
        return {}
    given = latest_entities(tracker)
    return {slot: None for slot in ("amount", "txn_date") if slot not in given}


def _digits(tracker: Tracker) -> str:
    """The longest run of digits in the latest message, written or spoken."""
    runs = re.findall(r"\d+", normalise_text(tracker.latest_message.get("text") or ""))
    return max(runs, key=len) if runs else ""


def _tries(tracker: Tracker, slot: str) -> int:
    return int(tracker.get_slot(slot) or 0)


class ValidateCaseForm(FormValidationAction):
    """Checks the merchant id is 15 digits; two misses → a person is offered.

    Whether the backend knows the id is found out once, by the lookup itself
    (a stalling backend then costs one timeout, not two).
    """

    def name(self) -> Text:
        return "validate_case_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> List[Text]:
        """No id asked for while a person is offered, unless the merchant sends digits again."""
        if tracker.get_slot("awaiting") == Awaiting.HUMAN and not _digits(tracker):
            return []
        return domain_slots

    async def extract_merchant_id(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> Dict[Text, Any]:
        """Digits the merchant typed when asked for the id, even if they are not an id."""
        if "merchant_id" in latest_entities(tracker):
            return {}
        asked = tracker.get_slot("requested_slot") == "merchant_id"
        longest = _digits(tracker)
        # Asked for the id: any digits are an attempt. Not asked: only an id-like run is.
        return {"merchant_id": longest} if longest and (asked or 10 <= len(longest) <= 20) else {}

    async def validate_merchant_id(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        value = re.sub(r"\D", "", str(value or ""))
        part = tracker.get_slot("merchant_id_part")
        attempt = take_digits(value, tracker.latest_message.get("text") or "", part)
        # Digits meant as (part of) an id are no amount; a part is kept only while the id is being given.
        cleared = {"merchant_id_part": None} if part else {}
        if "amount" in latest_entities(tracker) and len(value) != ID_LENGTH:
            cleared["amount"] = slot_before_latest_message(tracker, "amount")
        if attempt.complete:
            return {"merchant_id": attempt.complete, **cleared, **details_of_another_merchant(tracker)}
        if attempt.part:
            dispatcher.utter_message(text=reply("merchant_id_part", given=len(attempt.part),
                                                rest=ID_LENGTH - len(attempt.part)))
            return {**cleared, "merchant_id": None, "merchant_id_part": attempt.part}
        tries = _tries(tracker, "merchant_id_tries") + 1
        events = {"merchant_id": None, "merchant_id_tries": float(tries), **cleared}
        if tries >= 2:
            dispatcher.utter_message(text=reply("merchant_id_invalid_again") + reply("offer_human"))
            return {**events, "awaiting": Awaiting.HUMAN}
        # The digits are never repeated back: they may be a PIN or a code sent by mistake.
        shown = f"您发的{len(value)}位数字" if value else "这条消息"
        dispatcher.utter_message(text=reply("merchant_id_invalid", shown=shown))
        return events


def unknown_merchant(value: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[str, Any]:
    tries = _tries(tracker, "unknown_merchant_tries") + 1
    if tries >= 2:
        dispatcher.utter_message(text=reply("merchant_unknown_again", merchant_id=value)
                                 + reply("offer_human"))
        return {"merchant_id": None, "unknown_merchant_tries": float(tries), "awaiting": Awaiting.HUMAN}
    dispatcher.utter_message(text=reply("merchant_unknown", merchant_id=value))
    return {"merchant_id": None, "unknown_merchant_tries": float(tries)}


def amounts_said_with(tracker: Tracker, amount: Optional[str]) -> List[str]:
    """The other amounts of the message that gave the case its amount (五百 八百 一千二)."""
    if not amount:
        return []
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        said = [str(e["value"]) for e in (event.get("parse_data") or {}).get("entities") or []
                if e.get("entity") == "amount"]
        if amount in said:
            return [value for value in said if value != amount]
    return []


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


async def conclude(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """Look the case up with what is known and tell the merchant what happened."""
    merchant_id = tracker.get_slot("merchant_id")
    if not merchant_id:
        if tracker.get_slot("awaiting") == Awaiting.HUMAN:  # the offer stands: asked again, never silence
            dispatcher.utter_message(text=reply("offer_human"))
            return [SlotSet("awaiting", Awaiting.HUMAN)]
        dispatcher.utter_message(text=reply("ask_merchant_id"))
        return []
    gate = await verification_gate(dispatcher, tracker, merchant_id)
    if gate is not None:
        return gate
    amount = tracker.get_slot("amount")
    query = dict(txn_date=_date(tracker.get_slot("txn_date")), amount=_decimal(amount),
                 also_amounts=[a for a in map(_decimal, amounts_said_with(tracker, amount)) if a],
                 channel=tracker.get_slot("payment_channel"), problem=tracker.get_slot("problem"))
    if tracker.get_slot("awaiting") == Awaiting.CHOICE:  # the merchant is answering the list
        reply_text = tracker.latest_message.get("text") or ""
        query["choose"] = lambda candidates: pick(candidates, reply_text)
    outcome = await investigate(adapter(), merchant_id, **query)
    if outcome.kind == UNKNOWN_MERCHANT:
        return [SlotSet(k, v) for k, v in unknown_merchant(merchant_id, dispatcher, tracker).items()]
    if outcome.kind == CHOOSE:
        dispatcher.utter_message(text=reply("choose_nearest" if outcome.approximate else "choose",
                                            count=len(outcome.candidates),
                                            listing=describe(outcome.candidates)))
        return [SlotSet("awaiting", Awaiting.CHOICE), SlotSet("lookup", outcome.as_record())]
    explanation = dx.explain(outcome.diagnosis)
    if _same_finding(tracker.get_slot("lookup"), outcome):  # details added, nothing changed
        dispatcher.utter_message(text=reply("case_unchanged", title=explanation.title))
        return [SlotSet("lookup", outcome.as_record())]
    text = f"【{explanation.title}】\n{explanation.text}"
    if outcome.approximate and "choose" not in query:  # what was found, not what was said
        text = f"{reply('nearest_one')}\n{text}"
    found = {"diagnosis": explanation.code, "explanation": explanation.text,
             "lookup": outcome.as_record()}
    events = [SlotSet(name, value) for name, value in found.items()] + [SlotSet("awaiting", None)]
    if explanation.code in AUTOMATIC_TICKET:
        tracker.slots.update(found)
        ticket = await create_ticket(tracker, extra_bot_text=text)
        dispatcher.utter_message(text=f"{text}\n{ticket_created_message(ticket)}")
        return events + handed_over(ticket)
    if explanation.offer_ticket:
        dispatcher.utter_message(text=f"{text}\n{dx.ticket_offer()}")
        return events + [SlotSet("awaiting", Awaiting.TICKET)]
    dispatcher.utter_message(text=f"{text}\n{dx.closing_question()}")
    return events + [SlotSet("awaiting", Awaiting.SOLVED)]


def _same_finding(previous: Optional[dict], outcome) -> bool:
    """The case was already explained with this very transaction and diagnosis."""
    if not previous or not previous.get("diagnosis") or outcome.diagnosis is None:
        return False
    now = outcome.as_record()
    return (previous.get("diagnosis") == now.get("diagnosis")
            and (previous.get("transaction") or {}).get("id") == (now.get("transaction") or {}).get("id"))


class ActionAskMerchantId(SafeAction):
    """The form's question for the merchant id."""

    def name(self) -> Text:
        return "action_ask_merchant_id"

    async def act(self, dispatcher, tracker, domain):
        said_already = False
        for event in reversed(tracker.events):
            if event.get("event") == "user":
                break
            said_already = said_already or event.get("event") == "bot"
        if said_already and tracker.get_slot("merchant_id_part"):  # 前3位收到了…接着发: asked already
            return []
        retry = said_already or _tries(tracker, "merchant_id_tries") or _tries(tracker, "unknown_merchant_tries")
        dispatcher.utter_message(text=reply("ask_merchant_id_again" if retry else "ask_merchant_id"))
        return []


class ActionConcludeCase(SafeAction):
    """After the form: diagnose and explain (or list the candidates to choose from)."""

    def name(self) -> Text:
        return "action_conclude_case"

    async def act(self, dispatcher, tracker, domain):
        return await conclude(dispatcher, tracker)


async def answer_in_case(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[Dict[Text, Any]]]:
    """A question about the case already explained, or details for it (a new day or amount: look
    again); None when the message is not about it, or while the merchant id is being asked for."""
    if tracker.active_loop.get("name"):
        return None
    if not says_correction(tracker):  # 记错了 是周五刷的 corrects the sale, it asks nothing
        answered = await answer_follow_up(dispatcher, tracker)
        if answered is not None:
            return answered
    if tracker.get_slot("diagnosis") and any(slot in latest_entities(tracker) for slot in CASE_SLOTS):
        return await conclude(dispatcher, tracker)
    return None
