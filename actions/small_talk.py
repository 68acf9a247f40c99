"""Greetings, goodbyes, thanks, "are you a bot?": what to say comes from wording.yml, like
everything else the assistant says, and depends on whether the merchant id is being asked for."""
from __future__ import annotations

from typing import Text

from rasa_sdk.events import SlotSet

from actions.awaiting import Awaiting
from actions.context import in_context
from actions.rating import rating_given, thank_for_rating
from actions.safe_action import SafeAction
from actions.tracker_reading import latest_entities, latest_intent, latest_text
from daozhang.after_answer import says_buyer, says_goodbye
from daozhang.conversation import CLOSING
from daozhang.resources import reply

# intent → reply; while the merchant id is asked for, some answers only lead back to it.
SAY = {"greet": "greet", "goodbye": "goodbye", "thank": "thank", "bot_challenge": "iamabot"}
SAY_IN_CASE_FORM = {"greet": "still_here", "thank": "welcome", "affirm": "merchant_id_help",
                    "deny": "merchant_id_help", "inform": "merchant_id_help"}


class ActionSmallTalk(SafeAction):
    """The short answer to small talk, and the merchant-id hint inside the case form."""

    def name(self) -> Text:
        return "action_small_talk"

    async def act(self, dispatcher, tracker, domain):
        if says_buyer(latest_text(tracker)):  # 我不是商家 我是顾客 (taken for "are you a bot?")
            dispatcher.utter_message(text=reply("buyer_referral"))
            return [SlotSet("awaiting", None), SlotSet("pending_message", None)]
        intent = latest_intent(tracker)
        rating = rating_given(tracker)  # 满意 / 一般 / 不满意 as offered (actions.rating)
        if intent == "thank" and rating:
            return thank_for_rating(dispatcher, rating)
        if tracker.get_slot("diagnosis") and "amount" in latest_entities(tracker):  # 少了15块 read as goodbye
            answered = await in_context(dispatcher, tracker, may_ask=False)
            if answered is not None:
                return answered
        if intent == "thank" and says_goodbye(latest_text(tracker)):  # 谢谢 再见: goodbye wins
            intent = "goodbye"
        in_form = tracker.active_loop.get("name") == "case_form"
        if in_form and intent in ("affirm", "deny") and tracker.get_slot("awaiting") == Awaiting.HUMAN:
            return []  # the answer to "a person?": the form's conclusion takes it (actions.conclusion)
        key = (SAY_IN_CASE_FORM.get(intent) if in_form else None) or SAY.get(intent, "anything_else")
        if intent == "goodbye":  # the channel may end the conversation (the hotline hangs up)
            dispatcher.utter_message(text=reply(key), json_message={CLOSING: True})
        else:
            dispatcher.utter_message(text=reply(key))
        return []
