"""The diagnostic case: start it, collect and check the merchant id (actions.conclusion explains it)."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.awaiting import Awaiting
from actions.case_state import (
    CASE_SLOTS,
    asks_about_the_sale,
    details_of_another_merchant,
    sale_kept,
    start_case_events,
)
from actions.conclusion import conclude
from actions.context import about_the_case, general_answer, offer_person_for, says_correction
from actions.fees import fee_reply, mentions_fee, rates
from actions.handoff import ticket_named, ticket_status
from actions.safe_action import SafeAction
from actions.tracker_reading import (
    bot_spoke_this_turn,
    last_bot_text,
    latest_entities,
    latest_intent,
    latest_text,
    slot_before_latest_message,
)
from daozhang.after_answer import clauses, is_question, names_another_sale, says_buyer, says_solved
from daozhang.follow_up import is_general_rule
from daozhang.merchant_id import ID_LENGTH, attempted_id, longest_digit_run, take_digits
from daozhang.resources import reply
from daozhang.terminal import guidance

Events = List[Dict[Text, Any]]


class ActionStartCase(SafeAction):
    """A new problem: remember it, forget the previous case's details."""

    def name(self) -> Text:
        return "action_start_case"

    async def act(self, dispatcher, tracker, domain):
        answered = await self._answered_without_a_case(dispatcher, tracker)
        if answered is not None:
            return answered + [FollowupAction("action_listen")]
        if says_correction(tracker) or _same_problem_again(tracker):
            # 记错了 是今天上午刷的 / 国庆后第一天能到吗: the form looks again, one line if unchanged
            return [SlotSet("awaiting", None)]
        _answer_the_other_question(dispatcher, tracker)
        return start_case_events(latest_intent(tracker), latest_entities(tracker), tracker)

    @staticmethod
    async def _answered_without_a_case(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[Events]:
        """The buyer, a question about the rule in general, or about the case explained (那笔退款不是
        我退的 / 明天周一能到吗 / 能加急吗): answered without starting a case or asking for an id."""
        text, given = latest_text(tracker), latest_entities(tracker)
        if says_buyer(text):
            dispatcher.utter_message(text=reply("buyer_referral"))
            return [SlotSet("awaiting", None)]
        general = general_answer(dispatcher, tracker)  # 周五晚上刷的卡一般什么时候到账
        if general is not None:
            return general
        if tracker.get_slot("diagnosis") and says_solved(text):  # 是我退的 那没事了
            dispatcher.utter_message(text=reply("glad_solved"))
            return [SlotSet("awaiting", None)]
        if asks_about_the_sale(tracker, text, is_question(text), says_correction(tracker)):
            answered = await about_the_case(dispatcher, tracker, details=False)  # 那我今天做完 周一能到账吗
            return sale_kept(tracker) + (answered or offer_person_for(dispatcher, text))
        details = any(slot in given for slot in (*CASE_SLOTS, "merchant_id"))
        if says_correction(tracker) and details:
            return None
        answered = await about_the_case(dispatcher, tracker, details)
        if answered is not None:
            return answered
        if tracker.get_slot("diagnosis") and not details and is_question(text) and not names_another_sale(text):
            return offer_person_for(dispatcher, text)  # 钱怎么追回来 after a QR order: still that case
        return None


def _answer_the_other_question(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """A second question beside the missing sale (另外手续费是多少 / 还有 机器老显示网络连接失败)
    is answered first, while the sale is looked up; never dropped."""
    parts = clauses(latest_text(tracker))
    if len(parts) < 2:
        return
    if any(mentions_fee(part) for part in parts):
        dispatcher.utter_message(text=reply("fee_by_the_way", rates=rates()))
    for part in parts[1:]:
        found = guidance(latest_entities(tracker).get("error_code"), part)
        if found.advice:
            meaning = reply("error_code_meaning", code=found.key, meaning=found.meaning, advice=found.advice) \
                if found.meaning else found.advice
            dispatcher.utter_message(text=reply("terminal_by_the_way", guidance=meaning))
            return


def _same_problem_again(tracker: Tracker) -> bool:
    """The problem just explained, asked again with nothing new: not a new case."""
    given = latest_entities(tracker)
    return (bool(tracker.get_slot("diagnosis")) and latest_intent(tracker) == tracker.get_slot("problem")
            and not any(slot in given for slot in (*CASE_SLOTS, "merchant_id")))


def _asks_the_rule_again(tracker: Tracker) -> bool:
    """那周六刷的呢, right after the rule was told to someone who gave no merchant id."""
    given = latest_entities(tracker)
    return (not tracker.get_slot("merchant_id") and not {"merchant_id", "amount"} & set(given)
            and is_general_rule(last_bot_text(tracker)))


def _adds_to_a_fee_question(tracker: Tracker) -> bool:
    return (tracker.get_slot("problem") == "fee_inquiry" and not tracker.get_slot("merchant_id")
            and not tracker.get_slot("diagnosis") and "merchant_id" not in latest_entities(tracker))


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
        """No id asked for while a person is offered, unless the merchant sends digits again, nor for
        a detail added to a fee question (那微信扫码呢: answered by action_conclude_case)."""
        if tracker.get_slot("awaiting") == Awaiting.HUMAN and not longest_digit_run(latest_text(tracker)):
            return []
        if _adds_to_a_fee_question(tracker) or ticket_named(tracker) or _asks_the_rule_again(tracker):
            return []
        return domain_slots

    async def extract_merchant_id(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> Dict[Text, Any]:
        """Digits the merchant typed when asked for the id, even if they are not an id."""
        if "merchant_id" in latest_entities(tracker):
            return {}
        attempt = attempted_id(latest_text(tracker), asked=tracker.get_slot("requested_slot") == "merchant_id")
        return {"merchant_id": attempt} if attempt else {}

    async def validate_merchant_id(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        value = re.sub(r"\D", "", str(value or ""))
        part = tracker.get_slot("merchant_id_part")
        attempt = take_digits(value, latest_text(tracker), part, spoken=tracker.get_latest_input_channel() == "ivr")
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


class ActionAskMerchantId(SafeAction):
    """The form's question for the merchant id."""

    def name(self) -> Text:
        return "action_ask_merchant_id"

    async def act(self, dispatcher, tracker, domain):
        said_already = bot_spoke_this_turn(tracker)
        if said_already and tracker.get_slot("merchant_id_part"):  # 前3位收到了…接着发: asked already
            return []
        retry = said_already or _tries(tracker, "merchant_id_tries") or _tries(tracker, "unknown_merchant_tries")
        dispatcher.utter_message(text=reply("ask_merchant_id_again" if retry else "ask_merchant_id"))
        return []


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
        if _adds_to_a_fee_question(tracker):
            amount = tracker.get_slot("amount")  # 那微信扫码呢: the amount asked about before still holds
            return fee_reply(dispatcher, {**({"amount": amount} if amount else {}), **given},
                             tracker.get_slot("payment_channel"))
        if (tracker.get_slot("diagnosis") and tracker.get_slot("awaiting") != Awaiting.CHOICE
                and "merchant_id" not in given and not says_correction(tracker)):
            answered = await about_the_case(dispatcher, tracker, details=True)
            if answered is not None:
                return answered
        return await conclude(dispatcher, tracker)
