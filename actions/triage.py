"""A message that may be ours is never refused: ask which problem it is, then carry on.

When out_of_scope (or a fallback) wins but one of our problems is close behind,
the merchant gets one short question with choices. The answer (a tap, a digit
or words) continues the case as if the merchant had said it, with the details
of the first message. A question that is clearly not ours is refused politely,
with where to go instead when the words show it.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.case import CASE_SLOTS, answer_in_case, start_case_events
from actions.common import Awaiting, SafeAction, latest_entities, latest_intent
from actions.fees import fee_reply
from actions.handoff import ActionTicketStatus, typed_ticket_id
from actions.terminal import terminal_reply
from daozhang.resources import reply
from daozhang.triage import NONE_OF_THESE, TriagePolicy

# Messages the bot could not help with: two in a row and a person is offered.
UNHELPED = ("nlu_fallback", "out_of_scope")


@lru_cache(maxsize=1)
def policy() -> TriagePolicy:
    return TriagePolicy.load()


def may_be_ours(tracker: Tracker) -> bool:
    """The classifier did not pick one of our problems, but one is close behind."""
    return policy().decide(tracker.latest_message.get("intent_ranking") or [],
                           tracker.latest_message.get("text") or "").ask


def ask_which_problem(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """The clarifying question, with buttons where the channel has them and numbers everywhere."""
    text = tracker.latest_message.get("text") or ""
    qr = policy().names_qr(text, latest_entities(tracker).get("payment_channel"))
    buttons = [{"title": title, "payload": f"/{intent}"} for title, intent in policy().buttons(qr)]
    dispatcher.utter_message(text=policy().prompt(), buttons=buttons)
    first = {"text": text, "entities": latest_entities(tracker), "qr": qr}
    return [SlotSet("awaiting", Awaiting.PROBLEM), SlotSet("pending_message", first)]


def unhelped_in_a_row(tracker: Tracker) -> int:
    """How many of the merchant's latest messages in a row the bot could not help with,
    when at least one of them it did not understand (two clear refusals offer no person)."""
    run = []
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = event.get("parse_data", {}).get("intent", {}).get("name")
        if intent not in UNHELPED:
            break
        run.append(intent)
    return len(run) if "nlu_fallback" in run else 0


def refuse(dispatcher: CollectingDispatcher, text: str, repeated: bool = False) -> List[Dict[Text, Any]]:
    """The polite refusal, where to go instead when that is known, and a person when `repeated`."""
    where = policy().referral(text)
    said = reply("out_of_scope") + (f"\n{where}" if where else "")
    if repeated:
        dispatcher.utter_message(text=f"{said}\n{reply('offer_human')}")
        return [SlotSet("awaiting", Awaiting.HUMAN), SlotSet("pending_message", None)]
    dispatcher.utter_message(text=said)
    return [SlotSet("awaiting", None), SlotSet("pending_message", None)]


class ActionOutOfScope(SafeAction):
    """Not ours by the classifier: ask when one of our problems is close behind, else refuse."""

    def name(self) -> Text:
        return "action_out_of_scope"

    async def act(self, dispatcher, tracker, domain):
        if typed_ticket_id(tracker.latest_message.get("text") or ""):  # a ticket id, whatever the classifier says
            return await ActionTicketStatus().act(dispatcher, tracker, domain)
        if tracker.active_loop.get("name"):  # asking for the merchant id: refuse, the form goes on
            return refuse(dispatcher, tracker.latest_message.get("text") or "",
                          repeated=unhelped_in_a_row(tracker) >= 2)
        in_case = await answer_in_case(dispatcher, tracker)  # 预授权完成怎么做 after its explanation
        if in_case is not None:
            return in_case
        if may_be_ours(tracker):
            return ask_which_problem(dispatcher, tracker)
        return refuse(dispatcher, tracker.latest_message.get("text") or "",
                      repeated=unhelped_in_a_row(tracker) >= 2)


class ActionTakeProblemChoice(SafeAction):
    """The answer to the clarifying question: carry on with the problem it names."""

    def name(self) -> Text:
        return "action_take_problem_choice"

    async def act(self, dispatcher, tracker, domain):
        # The rule that brought us here held while `awaiting` was "problem"; this action changes
        # it, so it names what runs next itself: the case form, or waiting for the merchant.
        events = await self._answer(dispatcher, tracker)
        if not any(e.get("event") == "followup" for e in events):
            events.append(FollowupAction("action_listen"))
        return events

    @staticmethod
    async def _answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
        first = tracker.get_slot("pending_message") or {}
        answer = tracker.latest_message.get("text") or ""
        chosen = policy().resolve(answer, bool(first.get("qr")), latest_intent(tracker))
        if chosen is None:
            if tracker.get_slot("awaiting") == Awaiting.PROBLEM:
                dispatcher.utter_message(text=reply("problem_choice_again") + "\n" + policy().prompt())
                return [SlotSet("awaiting", Awaiting.PROBLEM_AGAIN)]
            dispatcher.utter_message(text=reply("not_understood_again"))
            return [SlotSet("awaiting", Awaiting.HUMAN), SlotSet("pending_message", None)]
        if chosen == NONE_OF_THESE:
            # one refusal for question and answer; either may show where to go instead
            return refuse(dispatcher, f"{first.get('text') or ''} {answer}")
        entities = {**first.get("entities", {}), **_details_in_answer(tracker)}
        # the case details as the first message gave them (a bare "2" is not an amount)
        events = [SlotSet("pending_message", None)] + [SlotSet(slot, entities.get(slot)) for slot in CASE_SLOTS]
        if chosen == "terminal_error":
            code = entities.get("error_code")
            return events + [SlotSet("error_code", code)] + terminal_reply(
                dispatcher, code, first.get("text") or answer)
        if chosen == "fee_inquiry":
            return events + fee_reply(dispatcher, entities, entities.get("payment_channel"))
        # A case problem: start it with the first message's details and ask for what is missing.
        return events + start_case_events(chosen, entities) + [FollowupAction("case_form")]


def _details_in_answer(tracker: Tracker) -> Dict[str, str]:
    """Details the answer itself adds (第二个 是昨天的): not a bare choice number read as an amount."""
    given = latest_entities(tracker)
    text = tracker.latest_message.get("text") or ""
    if len(text.strip()) <= 4:  # "2", "选3", "第二个": a position in the list, nothing else
        return {}
    return {k: v for k, v in given.items() if k in CASE_SLOTS or k in ("merchant_id", "error_code")}
