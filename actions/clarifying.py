"""The clarifying question "which problem is it?", and the polite refusal when it is not ours.

When out_of_scope (or a fallback) wins but one of our problems is close behind,
the merchant gets one short question with choices; the answer is taken by
actions.triage. A question that is clearly not ours is refused politely, with
where to go instead when the words show it.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.awaiting import Awaiting
from actions.tracker_reading import intents_in_a_row, latest_entities, latest_text
from daozhang.resources import reply
from daozhang.triage import TriagePolicy

# Messages the bot could not help with: two in a row and a person is offered.
UNHELPED = ("nlu_fallback", "out_of_scope")


@lru_cache(maxsize=1)
def policy() -> TriagePolicy:
    return TriagePolicy.load()


def may_be_ours(tracker: Tracker) -> bool:
    """The classifier did not pick one of our problems, but one is close behind."""
    return policy().should_ask(tracker.latest_message.get("intent_ranking") or [], latest_text(tracker))


def ask_which_problem(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """The clarifying question, its choices as buttons (each channel shows them its way)."""
    text = latest_text(tracker)
    qr = policy().names_qr(text, latest_entities(tracker).get("payment_channel"))
    dispatcher.utter_message(text=policy().question, buttons=_buttons(qr))
    first = {"text": text, "entities": latest_entities(tracker), "qr": qr}
    return [SlotSet("awaiting", Awaiting.PROBLEM), SlotSet("pending_message", first), SlotSet("problem_asked", 1.0)]


def ask_again(dispatcher: CollectingDispatcher, first: Dict[str, Any], asked: int,
              noted: bool = False) -> List[Dict[Text, Any]]:
    """The question once more, after an answer that picked nothing (it was `asked` times so far;
    `noted`: the answer gave details instead, kept, and it does not count); the first message
    stays pending."""
    said = reply("problem_details_noted") if noted else reply("problem_choice_again")
    dispatcher.utter_message(text=f"{said}\n{policy().question}", buttons=_buttons(bool(first.get("qr"))))
    return [] if noted else [SlotSet("problem_asked", float(asked + 1))]


def _buttons(qr: bool) -> List[Dict[str, str]]:
    return [{"title": title, "payload": f"/{intent}"} for title, intent in policy().buttons(qr)]


def unhelped_in_a_row(tracker: Tracker) -> int:
    """How many of the merchant's latest messages in a row the bot could not help with,
    when at least one of them it did not understand (two clear refusals offer no person)."""
    run = []
    for intent in intents_in_a_row(tracker):
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
