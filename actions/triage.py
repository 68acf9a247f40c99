"""A message that may be ours is never refused: ask which problem it is, then carry on.

The answer to the clarifying question (a tap, a digit or words) continues the
case as if the merchant had said it, with the details of the first message.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.awaiting import Awaiting
from actions.case_state import CASE_SLOTS, start_case_events
from actions.clarifying import ask_again, policy, refuse, unhelped_in_a_row
from actions.context import in_context
from actions.fees import fee_reply
from actions.handoff import person_asked
from actions.safe_action import SafeAction
from actions.terminal_answer import terminal_reply
from actions.tracker_reading import latest_entities, latest_intent, latest_text
from daozhang.after_answer import asks_for_person, says_buyer
from daozhang.resources import reply
from daozhang.triage import NONE_OF_THESE

# The clarifying question is asked at most this often before a person is offered.
MAX_ASKS = 2
# The problem a case starts with when the merchant answers the question with the merchant id.
LOOKED_UP = "payment_not_arrived"


class ActionOutOfScope(SafeAction):
    """Not ours by the classifier: answer in context, ask when one of our problems is close behind, else refuse."""

    def name(self) -> Text:
        return "action_out_of_scope"

    async def act(self, dispatcher, tracker, domain):
        answered = await in_context(dispatcher, tracker)  # a ticket id, 预授权完成怎么做 after its explanation
        if answered is not None:
            return answered
        return refuse(dispatcher, latest_text(tracker), repeated=unhelped_in_a_row(tracker) >= 2)


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
        answer = latest_text(tracker)
        if asks_for_person(answer):  # 还是转人工吧, while the choices are shown
            return [SlotSet("pending_message", None)] + await person_asked(dispatcher, tracker)
        if says_buyer(answer):  # 我不是商家 我是顾客: where to go, not the choices again
            dispatcher.utter_message(text=reply("buyer_referral"))
            return [SlotSet("pending_message", None), SlotSet("awaiting", None)]
        chosen = policy().resolve(answer, bool(first.get("qr")), latest_intent(tracker))
        details = _details_in_answer(tracker)
        if chosen is None and "merchant_id" in details:  # the id while the choices are shown: the
            chosen = LOOKED_UP  # lookup itself finds what happened (a batch paid less its fee …)
        if chosen is None and details:  # 是昨天的 while the choices are shown: kept
            kept = {**first, "entities": {**first.get("entities", {}), **details}}
            return [SlotSet("pending_message", kept)] + ask_again(dispatcher, kept, 0, noted=True)
        if chosen is None:
            asked = int(tracker.get_slot("problem_asked") or 1)
            if asked < MAX_ASKS:
                return ask_again(dispatcher, first, asked)
            dispatcher.utter_message(text=reply("not_understood_again"))
            return [SlotSet("awaiting", Awaiting.HUMAN), SlotSet("pending_message", None)]
        if chosen == NONE_OF_THESE:
            # one refusal for question and answer; either may show where to go instead
            return refuse(dispatcher, f"{first.get('text') or ''} {answer}")
        entities = {**first.get("entities", {}), **details}
        # the case details as the first message gave them (a bare "2" is not an amount)
        events = [SlotSet("pending_message", None)] + [SlotSet(slot, entities.get(slot)) for slot in CASE_SLOTS]
        if chosen == "terminal_error":
            code = entities.get("error_code")
            return events + [SlotSet("error_code", code)] + terminal_reply(
                dispatcher, code, first.get("text") or answer)
        if chosen == "fee_inquiry":
            return events + fee_reply(dispatcher, entities, entities.get("payment_channel"))
        # A case problem: start it with the first message's details and ask for what is missing.
        return events + start_case_events(chosen, entities, tracker) + [FollowupAction("case_form")]


def _details_in_answer(tracker: Tracker) -> Dict[str, str]:
    """Details the answer itself adds (第二个 是昨天的): not a bare choice number read as an amount."""
    given = latest_entities(tracker)
    if len(latest_text(tracker).strip()) <= 4:  # "2", "选3", "第二个": a position in the list, nothing else
        return {}
    return {k: v for k, v in given.items() if k in CASE_SLOTS or k in ("merchant_id", "error_code")}
