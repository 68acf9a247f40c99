"""A message that names one of our problems: answered without a case when it asks something else
(the buyer, the rule in general, a question about the case just explained), else a new case."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.case_state import CASE_SLOTS, adds_to_a_fee_question, asks_about_the_sale, sale_kept, start_case_events
from actions.context import about_the_case, general_answer, offer_person_for, says_correction
from actions.fees import fee_reply, mentions_fee, rates
from actions.safe_action import SafeAction
from actions.tracker_reading import latest_entities, latest_intent, latest_text
from daozhang.after_answer import clauses, is_question, names_another_sale, says_buyer, says_solved
from daozhang.resources import reply
from daozhang.terminal import guidance

Events = List[Dict[Text, Any]]


class ActionStartCase(SafeAction):
    """A new problem: remember it, forget the previous case's details."""

    def name(self) -> Text:
        return "action_start_case"

    async def act(self, dispatcher, tracker, domain):
        answered = await self._answered_without_a_case(dispatcher, tracker)
        if answered is not None:
            return answered + [FollowupAction("action_listen")]
        if says_correction(tracker) or _same_problem_again(tracker):
            # 记错了 是今天上午刷的 / 国庆后第一天能到吗: the form looks again, one line if unchanged
            return [SlotSet("awaiting", None)]
        _answer_the_other_question(dispatcher, tracker)
        return start_case_events(latest_intent(tracker), latest_entities(tracker), tracker)

    @staticmethod
    async def _answered_without_a_case(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[Events]:
        """The buyer, a question about the rule in general, or about the case explained (那笔退款不是
        我退的 / 明天周一能到吗 / 能加急吗): answered without starting a case or asking for an id."""
        text, given = latest_text(tracker), latest_entities(tracker)
        if says_buyer(text):
            dispatcher.utter_message(text=reply("buyer_referral"))
            return [SlotSet("awaiting", None)]
        general = general_answer(dispatcher, tracker)  # 周五晚上刷的卡一般什么时候到账
        if general is not None:
            return general
        if adds_to_a_fee_question(tracker) and is_question(text) and {"amount", "payment_channel"} & set(given):
            amount = tracker.get_slot("amount")  # 那微信扫码收一万呢: the fee again, not a new case
            return fee_reply(dispatcher, {**({"amount": amount} if amount else {}), **given},
                             tracker.get_slot("payment_channel"))
        if tracker.get_slot("diagnosis") and says_solved(text):  # 是我退的 那没事了
            dispatcher.utter_message(text=reply("glad_solved"))
            return [SlotSet("awaiting", None)]
        if asks_about_the_sale(tracker, text, is_question(text), says_correction(tracker)):
            answered = await about_the_case(dispatcher, tracker, details=False)  # 那我今天做完 周一能到账吗
            return sale_kept(tracker) + (answered or offer_person_for(dispatcher, text))
        details = any(slot in given for slot in (*CASE_SLOTS, "merchant_id"))
        if says_correction(tracker) and details:
            return None
        answered = await about_the_case(dispatcher, tracker, details)
        if answered is not None:
            return answered
        if tracker.get_slot("diagnosis") and not details and is_question(text) and not names_another_sale(text):
            return offer_person_for(dispatcher, text)  # 钱怎么追回来 after a QR order: still that case
        return None


def _answer_the_other_question(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """A second question beside the missing sale (另外手续费是多少 / 还有 机器老显示网络连接失败)
    is answered first, while the sale is looked up; never dropped."""
    parts = clauses(latest_text(tracker))
    if len(parts) < 2:
        return
    if any(mentions_fee(part) for part in parts):
        dispatcher.utter_message(text=reply("fee_by_the_way", rates=rates()))
    for part in parts[1:]:
        found = guidance(latest_entities(tracker).get("error_code"), part)
        if found.advice:
            meaning = reply("error_code_meaning", code=found.key, meaning=found.meaning, advice=found.advice) \
                if found.meaning else found.advice
            dispatcher.utter_message(text=reply("terminal_by_the_way", guidance=meaning))
            return


def _same_problem_again(tracker: Tracker) -> bool:
    """The problem just explained, asked again with nothing new: not a new case."""
    given = latest_entities(tracker)
    return (bool(tracker.get_slot("diagnosis")) and latest_intent(tracker) == tracker.get_slot("problem")
            and not any(slot in given for slot in (*CASE_SLOTS, "merchant_id")))
