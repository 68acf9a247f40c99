"""POS terminal errors: the code asked for and explained, or a question about the case answered in it."""
from __future__ import annotations

from typing import Text

from rasa_sdk.events import FollowupAction, SlotSet

from actions.awaiting import Awaiting
from actions.case_state import details_of_another_merchant
from actions.conclusion import conclude
from actions.context import in_context, says_correction
from actions.safe_action import SafeAction
from actions.terminal_answer import terminal_reply
from actions.tracker_reading import latest_entities, latest_text
from daozhang.after_answer import clauses, says_still_missing
from daozhang.diagnosis import ticket_offer
from daozhang.resources import reply
from daozhang.terminal import code_in_answer, guidance


class ActionTerminalGuidance(SafeAction):
    """Explains an error code or a symptom and asks whether that solved it."""

    def name(self) -> Text:
        return "action_terminal_guidance"

    async def act(self, dispatcher, tracker, domain):
        text = latest_text(tracker)
        if says_correction(tracker) and "merchant_id" in latest_entities(tracker):  # 不对 商户号打错了 是…
            forgotten = details_of_another_merchant(tracker)  # (打错 read as a terminal's fault)
            return [SlotSet(k, v) for k, v in forgotten.items()] + await conclude(dispatcher, tracker, forgotten)
        if tracker.get_slot("awaiting") == Awaiting.ERROR_CODE:  # the answer to "which code?"
            # The rule that brought us here held while `awaiting` was "error_code": this says what runs next.
            code = latest_entities(tracker).get("error_code") or code_in_answer(text)
            found = guidance(code, text)
            if not (code or found.meaning or found.advice):  # nothing recognisable: a person, not a loop
                dispatcher.utter_message(text=reply("error_code_not_recognised") + ticket_offer())
                return [SlotSet("awaiting", Awaiting.TICKET), FollowupAction("action_listen")]
            return terminal_reply(dispatcher, code, text) + [SlotSet("error_code", code),
                                                            FollowupAction("action_listen")]
        if "error_code" not in latest_entities(tracker) or tracker.get_slot("ticket_asked"):
            in_case = await in_context(dispatcher, tracker, may_ask=False)  # 机器当时显示超时, after 冲正
            if in_case is not None:
                return in_case
        events = terminal_reply(dispatcher, tracker.get_slot("error_code"), text)
        parts = clauses(text)
        if len(parts) > 1 and any(says_still_missing(part) for part in parts):  # 机器报错 另外368没到账
            dispatcher.utter_message(text=reply("missing_sale_next"))
        return events
