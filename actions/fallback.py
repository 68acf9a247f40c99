"""Not understood: answer in context or ask which problem when ours is plausible; else ask again once,
then offer a person."""
from __future__ import annotations

from typing import Text

from rasa_sdk.events import SlotSet

from actions.awaiting import Awaiting
from actions.case_state import CASE_SLOTS
from actions.clarifying import unhelped_in_a_row
from actions.context import in_context
from actions.safe_action import SafeAction
from actions.tracker_reading import latest_entities
from daozhang.resources import reply


class ActionFallback(SafeAction):
    """The second message in a row the bot could not help with offers a person."""

    def name(self) -> Text:
        return "action_fallback"

    async def act(self, dispatcher, tracker, domain):
        answered = await in_context(dispatcher, tracker)  # ho20261129 0001 / 我记错了，是昨天下午
        if answered is not None:
            return answered
        if tracker.active_loop.get("name") and set(latest_entities(tracker)) & set(CASE_SLOTS):
            dispatcher.utter_message(text=reply("details_noted"))  # 上周五, while the id is asked: kept
            return []
        if unhelped_in_a_row(tracker) >= 2:
            dispatcher.utter_message(text=reply("not_understood_again"))
            return [SlotSet("awaiting", Awaiting.HUMAN)]
        dispatcher.utter_message(text=reply("not_understood"))
        return []
