"""What every action shares: the adapter, the ticket store, safe running, the transcript."""
from __future__ import annotations

import abc
import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from daozhang.masking import mask_text
from daozhang.resources import load_yaml, reply
from daozhang.tickets import Ticket
from daozhang.wiring import tickets

logger = logging.getLogger(__name__)


class Awaiting:
    """The question the bot asked last (the categorical slot `awaiting`): what a short answer means."""

    SOLVED = "solved"            # 问题解决了吗？
    TICKET = "ticket"            # 要提交工单吗？
    HUMAN = "human"              # 要转人工吗？
    CHOICE = "choice"            # which of the listed transactions
    PROBLEM = "problem"          # which kind of problem (the clarifying question)
    PROBLEM_AGAIN = "problem_again"  # the same, asked a second time
    ERROR_CODE = "error_code"    # 屏幕上显示的错误码是什么？
    VERIFY = "verify"            # 结算卡或注册手机号的后四位？


class SafeAction(Action, metaclass=abc.ABCMeta):
    """An action that answers with an apology instead of failing silently."""

    @abc.abstractmethod
    def name(self) -> Text:
        """The action's name in the domain."""

    @abc.abstractmethod
    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        """What the action does; exceptions become an apology."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        try:
            events = await self.act(dispatcher, tracker, domain)
        except Exception:  # the merchant must get an answer whatever broke
            logger.exception("action %s failed", self.name())
            dispatcher.utter_message(text=reply("apology"))
            return []
        add_yes_no_buttons(dispatcher, events)
        return events


def add_yes_no_buttons(dispatcher: CollectingDispatcher, events: List[Dict[Text, Any]]) -> None:
    """A yes/no question (solved? a ticket? a person?) gets two buttons where the channel shows them."""
    asked = [e.get("value") for e in events if e.get("event") == "slot" and e.get("name") == "awaiting"]
    titles = load_yaml("wording.yml")["yes_no_buttons"].get(asked[-1]) if asked and asked[-1] else None
    if titles and dispatcher.messages and not dispatcher.messages[-1].get("buttons"):
        yes, no = titles
        dispatcher.messages[-1]["buttons"] = [{"title": yes, "payload": "/affirm"}, {"title": no, "payload": "/deny"}]


def latest_intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def latest_metadata(tracker: Tracker) -> Dict[str, Any]:
    """What the channel's door attached to the latest message (verification result, trusted ids)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return event.get("metadata") or {}
    return {}


def latest_entities(tracker: Tracker) -> Dict[str, str]:
    return {e["entity"]: e["value"] for e in tracker.latest_message.get("entities") or []}


def transcript(tracker: Tracker) -> List[Dict[str, str]]:
    """The conversation so far, masked: who said what, when."""
    turns = []
    for event in tracker.events:
        if event.get("event") in ("user", "bot") and event.get("text"):
            turns.append({"who": "merchant" if event["event"] == "user" else "bot",
                          "text": mask_text(event["text"]),
                          "at": str(event.get("timestamp", ""))})
    return turns


async def create_ticket(tracker: Tracker, extra_bot_text: str = "") -> Ticket:
    """A ticket with everything the conversation collected."""
    slots = {name: tracker.get_slot(name) for name in
             ("merchant_id", "amount", "txn_date", "payment_channel", "error_code", "problem")}
    turns = transcript(tracker)
    if extra_bot_text:
        turns.append({"who": "bot", "text": mask_text(extra_bot_text), "at": ""})
    lookup = tracker.get_slot("lookup")
    return await tickets().create(
        channel=tracker.get_latest_input_channel() or "rest", sender_id=tracker.sender_id,
        merchant_id=tracker.get_slot("merchant_id"),
        intent=tracker.get_slot("problem") or latest_intent(tracker),
        slots={k: v for k, v in slots.items() if v is not None},
        adapter_results=[lookup] if lookup else [], diagnosis=tracker.get_slot("diagnosis"),
        explanation=tracker.get_slot("explanation"), transcript=turns)


def ticket_created_message(ticket: Ticket) -> str:
    return reply("ticket_created", ticket_id=ticket.ticket_id)


def handed_over(ticket: Ticket) -> List[Dict[Text, Any]]:
    return [SlotSet("handoff_ticket", ticket.ticket_id), SlotSet("awaiting", None)]
