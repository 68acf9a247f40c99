"""Not understood: ask which problem when ours is plausible; else ask again once, then offer a person."""
from __future__ import annotations

from typing import Text

from rasa_sdk.events import SlotSet

from actions.common import Awaiting, SafeAction
from actions.triage import ask_which_problem, may_be_ours
from daozhang.resources import reply


class ActionFallback(SafeAction):
    """Counts the consecutive messages the bot did not understand."""

    def name(self) -> Text:
        return "action_fallback"

    async def act(self, dispatcher, tracker, domain):
        if may_be_ours(tracker) and not tracker.active_loop.get("name"):  # no case open yet
            return ask_which_problem(dispatcher, tracker)
        intents = [e.get("parse_data", {}).get("intent", {}).get("name")
                   for e in tracker.events if e.get("event") == "user"]
        in_a_row = 0
        for intent in reversed(intents):
            if intent != "nlu_fallback":
                break
            in_a_row += 1
        if in_a_row >= 2:
            dispatcher.utter_message(text=reply("not_understood_again"))
            return [SlotSet("awaiting", Awaiting.HUMAN)]
        dispatcher.utter_message(text=reply("not_understood"))
        return []
