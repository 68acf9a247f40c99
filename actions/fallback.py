"""Not understood: ask again once; the second time in a row, offer a person."""
from __future__ import annotations

from typing import Text

from rasa_sdk.events import SlotSet

from actions.common import SafeAction
from daozhang.resources import reply


class ActionFallback(SafeAction):
    """Counts the consecutive messages the bot did not understand."""

    def name(self) -> Text:
        return "action_fallback"

    async def act(self, dispatcher, tracker, domain):
        intents = [e.get("parse_data", {}).get("intent", {}).get("name")
                   for e in tracker.events if e.get("event") == "user"]
        in_a_row = 0
        for intent in reversed(intents):
            if intent != "nlu_fallback":
                break
            in_a_row += 1
        if in_a_row >= 2:
            dispatcher.utter_message(text=reply("not_understood_again"))
            return [SlotSet("awaiting", "human")]
        dispatcher.utter_message(text=reply("not_understood"))
        return []
