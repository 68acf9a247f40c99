"""Yes and no: what they mean depends on the question the bot asked last."""
from __future__ import annotations

from typing import Text

from rasa_sdk.events import SlotSet

from actions.awaiting import Awaiting
from actions.case_state import details_of_another_merchant
from actions.clarifying import ask_which_problem, policy
from actions.conclusion import conclude
from actions.context import about_the_case
from actions.handoff import hand_over, person_asked, took_back_the_handover
from actions.rating import glad_solved
from actions.reminding import promise
from actions.safe_action import SafeAction
from actions.tracker_reading import latest_entities, latest_text, says_yes
from daozhang.after_answer import asks_for_person, declines_reminder, says_no_thanks, says_nothing, says_solved
from daozhang.diagnosis import ticket_offer
from daozhang.resources import reply, wording

CORRECTABLE = ("merchant_id", "txn_date", "amount", "payment_channel")


class ActionAnswerYesNo(SafeAction):
    """好的 / 不是 after 'solved?', 'a ticket?', 'a person?' or a list to choose from."""

    def name(self) -> Text:
        return "action_answer_yes_no"

    async def act(self, dispatcher, tracker, domain):
        awaiting = tracker.get_slot("awaiting")
        if says_nothing(latest_text(tracker)):  # ？ / 。: neither yes nor no; the question stands
            return _asked_again(dispatcher, awaiting)
        yes = says_yes(tracker)
        if not yes and await took_back_the_handover(dispatcher, tracker):  # 转人工 … 算了不转了
            return [SlotSet("awaiting", None)]
        corrected = any(slot in latest_entities(tracker) for slot in CORRECTABLE)
        if awaiting == Awaiting.VERIFY:  # 不记得 / 好的 instead of the four digits: the check is asked again
            return await conclude(dispatcher, tracker)
        if asks_for_person(latest_text(tracker)):  # 提交 / 那就转吧 / 算了还是帮我提交吧, offered or not
            return await person_asked(dispatcher, tracker)
        if awaiting != Awaiting.CHOICE and not corrected:  # 不是我退的 / 对 但是能加急吗: about the case
            answered = await about_the_case(dispatcher, tracker, details=False)
            if answered is not None:
                return answered
        if awaiting == Awaiting.CHOICE or (corrected and tracker.get_slot("merchant_id")):
            # 不对，是今天那笔 / 第二笔 / 商户号是…: look up again with what now holds
            forgotten = details_of_another_merchant(tracker)
            return [SlotSet(k, v) for k, v in forgotten.items()] + await conclude(dispatcher, tracker, forgotten)
        if awaiting in (None, Awaiting.SOLVED, Awaiting.TICKET) and says_solved(latest_text(tracker)):
            return await glad_solved(dispatcher, tracker)  # 解决了 never opens a ticket
        if awaiting == Awaiting.SOLVED:
            if yes:
                return await glad_solved(dispatcher, tracker)
            dispatcher.utter_message(text=reply("sorry_not_solved") + ticket_offer())
            return [SlotSet("awaiting", Awaiting.TICKET)]
        if awaiting == Awaiting.REMINDER:
            if yes and not declines_reminder(latest_text(tracker)):
                return await promise(dispatcher, tracker)
            dispatcher.utter_message(text=reply("reminder_none"))
            return [SlotSet("awaiting", None)]
        if awaiting in (Awaiting.TICKET, Awaiting.HUMAN):
            if yes:
                return await hand_over(dispatcher, tracker)
            if policy().speaks_of_takings(latest_text(tracker)) and not says_no_thanks(latest_text(tracker)):
                # 到账金额不对, said again instead of yes or no: the complaint stands, so does the offer
                offer = ticket_offer() if awaiting == Awaiting.TICKET else reply("offer_human")
                dispatcher.utter_message(text=reply("complaint_heard") + offer)
                return [SlotSet("awaiting", awaiting)]
            dispatcher.utter_message(text=reply("no_ticket"))
            return [SlotSet("awaiting", None)]
        if awaiting is None and policy().speaks_of_takings(latest_text(tracker)):
            return ask_which_problem(dispatcher, tracker)  # "货款有问题" read as a bare "yes"
        dispatcher.utter_message(text=reply("anything_else"))
        return []


def _asked_again(dispatcher, awaiting):
    """A yes/no question asked again with its two answers; anything else: say what is meant."""
    answers = wording("yes_no_buttons").get(awaiting) if awaiting else None
    if not answers:
        dispatcher.utter_message(text=reply("not_understood"))
        return []
    dispatcher.utter_message(text=reply("yes_or_no", yes=answers[0], no=answers[1]))
    return [SlotSet("awaiting", awaiting)]  # the buttons again (actions.safe_action)
