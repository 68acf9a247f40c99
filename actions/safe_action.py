"""The base of every action: an answer whatever breaks, and buttons for a yes/no question."""
from __future__ import annotations

import abc
import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from daozhang.resources import reply, wording

logger = logging.getLogger(__name__)


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
    """A yes/no question (solved? a ticket? a person?) gets its two answers as buttons."""
    asked = [e.get("value") for e in events if e.get("event") == "slot" and e.get("name") == "awaiting"]
    titles = wording("yes_no_buttons").get(asked[-1]) if asked and asked[-1] else None
    if titles and dispatcher.messages and not dispatcher.messages[-1].get("buttons"):
        yes, no = titles
        dispatcher.messages[-1]["buttons"] = [{"title": yes, "payload": "/affirm"}, {"title": no, "payload": "/deny"}]
