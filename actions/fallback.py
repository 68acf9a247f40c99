"""Not understood: ask which problem when ours is plausible; else ask again once, then offer a person."""
from __future__ import annotations

from typing import Text

from rasa_sdk.events import SlotSet

from actions.case import answer_in_case
from actions.common import Awaiting, SafeAction
from actions.handoff import ActionTicketStatus, typed_ticket_id
from actions.triage import ask_which_problem, may_be_ours, unhelped_in_a_row
from daozhang.resources import reply


class ActionFallback(SafeAction):
    """The second message in a row the bot could not help with offers a person."""

    def name(self) -> Text:
        return "action_fallback"

    async def act(self, dispatcher, tracker, domain):
        if typed_ticket_id(tracker.latest_message.get("text") or ""):  # ho20261129 0001 on its own
            return await ActionTicketStatus().act(dispatcher, tracker, domain)
        if not tracker.active_loop.get("name"):  # no case form open
            in_case = await answer_in_case(dispatcher, tracker)  # 我记错了，是昨天下午
            if in_case is not None:
                return in_case
            if may_be_ours(tracker):
                return ask_which_problem(dispatcher, tracker)
        if unhelped_in_a_row(tracker) >= 2:
            dispatcher.utter_message(text=reply("not_understood_again"))
            return [SlotSet("awaiting", Awaiting.HUMAN)]
        dispatcher.utter_message(text=reply("not_understood"))
        return []
