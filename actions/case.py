"""The diagnostic case: collect and check the merchant id, then conclude (actions.case_start starts
it, actions.conclusion explains it)."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.awaiting import Awaiting
from actions.case_state import adds_to_a_fee_question, details_of_another_merchant
from actions.conclusion import conclude
from actions.context import about_the_case, general_answer, says_correction
from actions.fees import fee_reply
from actions.handoff import ticket_named, ticket_status
from actions.safe_action import SafeAction, add_yes_no_buttons
from actions.tracker_reading import (
    bot_spoke_this_turn,
    last_bot_text,
    latest_entities,
    slot_before_latest_message,
    written_text,
)
from daozhang.follow_up import is_general_rule
from daozhang.merchant_id import ID_LENGTH, attempted_id, longest_digit_run, take_digits
from daozhang.resources import reply

Events = List[Dict[Text, Any]]


def _asks_the_rule_again(tracker: Tracker) -> bool:
    """那周六刷的呢, right after the rule was told to someone who gave no merchant id."""
    given = latest_entities(tracker)
    return (not tracker.get_slot("merchant_id") and not {"merchant_id", "amount"} & set(given)
            and is_general_rule(last_bot_text(tracker)))


def _tries(tracker: Tracker, slot: str) -> int:
    return int(tracker.get_slot(slot) or 0)


class ValidateCaseForm(FormValidationAction):
    """Checks the merchant id is 15 digits; two misses → a person is offered.

    Whether the backend knows the id is found out once, by the lookup itself
    (a stalling backend then costs one timeout, not two).

    It also asks for the id when the form is to ask for it next. Rasa's form runs this validation
    every time before it asks, and asks nothing itself when the domain names no action or response
    for the question; one call to the action server less on every turn the id is asked.
    """

    def name(self) -> Text:
        return "validate_case_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[Text, Any]]:
        events = await super().run(dispatcher, tracker, domain)  # tracker.slots now include events
        add_yes_no_buttons(dispatcher, events)  # a person offered after two misses: 转人工 / 不用了
        if _form_asks_next(events, tracker) == "merchant_id":
            _ask_for_the_id(dispatcher, tracker)
        return events

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> List[Text]:
        """No id asked for while a person is offered, unless the merchant sends digits again, nor for
        a detail added to a fee question (那微信扫码呢: answered by action_conclude_case)."""
        if tracker.get_slot("awaiting") == Awaiting.HUMAN and not longest_digit_run(written_text(tracker)):
            return []
        if adds_to_a_fee_question(tracker) or ticket_named(tracker) or _asks_the_rule_again(tracker):
            return []
        return domain_slots

    async def extract_merchant_id(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> Dict[Text, Any]:
        """Digits the merchant typed when asked for the id, even if they are not an id."""
        if "merchant_id" in latest_entities(tracker):
            return {}
        attempt = attempted_id(written_text(tracker), asked=tracker.get_slot("requested_slot") == "merchant_id",
                               spoken=tracker.get_latest_input_channel() == "ivr")
        return {"merchant_id": attempt} if attempt else {}

    async def validate_merchant_id(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        value = re.sub(r"\D", "", str(value or ""))
        part = tracker.get_slot("merchant_id_part")
        attempt = take_digits(value, written_text(tracker), part, spoken=tracker.get_latest_input_channel() == "ivr")
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
        shown = reply("merchant_id_digits_shown", count=len(value)) if value else reply("merchant_id_message_shown")
        dispatcher.utter_message(text=reply("merchant_id_invalid", shown=shown))
        return events


def _form_asks_next(events: Events, tracker: Tracker) -> Optional[Text]:
    """The slot Rasa's form asks for after this validation: the one the validation named (None: the
    form is done), else the merchant id while it is empty (rasa.core.actions.forms, request_next_slot)."""
    named = [event for event in events if event.get("event") == "slot" and event.get("name") == "requested_slot"]
    if named:
        return named[-1].get("value")
    return "merchant_id" if tracker.get_slot("merchant_id") is None else None


def _ask_for_the_id(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """The form's question for the merchant id, after what was said this turn."""
    said_already = bool(dispatcher.messages) or bot_spoke_this_turn(tracker)
    if said_already and tracker.get_slot("merchant_id_part"):  # 前3位收到了…接着发: asked already
        return
    if said_already and tracker.get_slot("awaiting") == Awaiting.HUMAN:  # a person was just offered:
        return  # that yes/no question stays the last word, with its buttons
    retry = _tries(tracker, "merchant_id_tries") or _tries(tracker, "unknown_merchant_tries")
    # After another answer this turn (在的 / the fee) the question is short; "again" only after a miss.
    key = "ask_merchant_id_again" if retry else "ask_merchant_id_short" if said_already else "ask_merchant_id"
    dispatcher.utter_message(text=reply(key))


class ActionConcludeCase(SafeAction):
    """After the form: the ticket asked about (its merchant id now given), a detail for the fee
    just explained (那微信扫码呢), a question about one part of the case (800那笔呢) answered
    from it, or else the case looked up and explained."""

    def name(self) -> Text:
        return "action_conclude_case"

    async def act(self, dispatcher, tracker, domain):
        given = latest_entities(tracker)
        asked = ticket_named(tracker) or tracker.get_slot("ticket_asked")
        if asked and (ticket_named(tracker) or tracker.get_slot("merchant_id")):  # 202612050018# keyed
            return await ticket_status(dispatcher, tracker, named=asked)
        if _asks_the_rule_again(tracker):
            general = general_answer(dispatcher, tracker)
            if general is not None:
                return general
        if adds_to_a_fee_question(tracker):
            amount = tracker.get_slot("amount")  # 那微信扫码呢: the amount asked about before still holds
            return fee_reply(dispatcher, {**({"amount": amount} if amount else {}), **given},
                             tracker.get_slot("payment_channel"))
        if (tracker.get_slot("diagnosis") and tracker.get_slot("awaiting") != Awaiting.CHOICE
                and "merchant_id" not in given and not says_correction(tracker)):
            answered = await about_the_case(dispatcher, tracker, details=True)
            if answered is not None:
                return answered
        return await conclude(dispatcher, tracker)
