"""POS terminal errors: what the code means and what to try, from the code table."""
from __future__ import annotations

from typing import Text

from rasa_sdk.events import SlotSet

from actions.common import SafeAction, latest_intent
from daozhang.resources import reply
from daozhang.terminal import guidance


class ActionTerminalGuidance(SafeAction):
    """Explains an error code or a symptom and asks whether that solved it."""

    def name(self) -> Text:
        return "action_terminal_guidance"

    async def act(self, dispatcher, tracker, domain):
        code = tracker.get_slot("error_code")
        answer = guidance(code, tracker.latest_message.get("text") or "")
        if answer.meaning:
            text = reply("error_code_meaning", code=answer.key, meaning=answer.meaning,
                         advice=answer.advice)
        elif answer.advice:
            text = answer.advice
        elif code:
            text = reply("error_code_unknown", code=code.upper())
        else:
            dispatcher.utter_message(text=reply("error_code_ask"))
            return [SlotSet("problem", latest_intent(tracker))]
        dispatcher.utter_message(text=reply("tried_it_solved", guidance=text))
        return [SlotSet("problem", "terminal_error"), SlotSet("awaiting", "solved"),
                SlotSet("diagnosis", None)]
