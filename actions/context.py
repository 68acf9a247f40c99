"""What a message means for the case already open: the one ladder every action asks.

A message the classifier would refuse (预授权完成怎么做, 能加急吗) or take for a new
topic or a yes (提交, 机器当时显示超时, 记错了 是昨天下午, 我没收到这笔) may belong to
the case just explained. In order:
1. a ticket id typed (ho20261129 0001) → that ticket's status;
2. a person or a ticket asked for in any words → the case's ticket (never for a subject
   just refused as not ours);
3. the case form is asking for the merchant id → not here (the form goes on);
4. a question about the case explained → its answer from the case (a reminder asked for →
   promised); a dispute of what was found → a ticket with the dispute; details for it (a new
   day or amount) → looked up again;
5. a question about the rule in general → the rule, no lookup;
6. a question the case cannot answer → a person offered, the question kept for the ticket;
7. one of our problems close behind, or a merchant id given → "which problem is it?".
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.awaiting import Awaiting
from actions.case_fee import shortfall_is_the_fee
from actions.case_state import CASE_SLOTS, asks_about_the_sale, sale_kept
from actions.clarifying import ask_which_problem, may_be_ours, policy, refuse
from actions.conclusion import conclude
from actions.handoff import case_ticket, hand_over, person_asked, person_or_status, ticket_named, ticket_status
from actions.reminding import call_off, offer_reminder, payout_to_come, promise
from actions.safe_action import SafeAction
from actions.tracker_reading import last_bot_text, latest_entities, latest_text, slot_before_latest_message
from daozhang.after_answer import (
    adds_to_the_ticket,
    asks_capabilities,
    asks_for_person,
    asks_general_rule,
    asks_reminder,
    asks_ticket_progress,
    asks_when,
    declines_reminder,
    disputes,
    is_question,
    names_a_correction,
    names_another_sale,
    not_ours,
    says_buyer,
    says_still_missing,
    says_thanks,
)
from daozhang.clock import today_in_shanghai
from daozhang.follow_up import calendar_answer, follow_ups, general_rule, holiday_rule, is_general_rule
from daozhang.investigation import payout_of_record
from daozhang.reminders import PAID
from daozhang.resources import reply, wording
from daozhang.wiring import tickets

Events = List[Dict[Text, Any]]


async def in_context(dispatcher: CollectingDispatcher, tracker: Tracker,
                     may_ask: bool = True) -> Optional[Events]:
    """The answer the conversation so far gives this message, or None when it gives none
    (`may_ask`: whether "which problem is it?" may be the answer)."""
    text = latest_text(tracker)
    if ticket_named(tracker):
        return await ticket_status(dispatcher, tracker)
    if tracker.get_slot("ticket_asked") and "merchant_id" in latest_entities(tracker):  # the id for that ticket
        return await ticket_status(dispatcher, tracker, named=tracker.get_slot("ticket_asked"))
    if asks_capabilities(text):  # 你能干啥: what the assistant is for, never a refusal
        dispatcher.utter_message(text=reply("greet"))
        return [SlotSet("awaiting", None)]
    if says_buyer(text):  # 我是买东西的: where to go, never a merchant id asked for
        dispatcher.utter_message(text=reply("buyer_referral"))
        return [SlotSet("awaiting", None)]
    if not_ours(text):  # 能帮我办张信用卡吗, even in the middle of a case
        return refuse(dispatcher, text)
    ticket = await case_ticket(tracker)
    if ticket and adds_to_the_ticket(text):  # 结算卡我已经换绑好了 帮我备注一下
        await tickets().add_note(ticket.ticket_id, wording("for_agents")["assistant"], text)
        dispatcher.utter_message(text=reply("note_added", ticket_id=ticket.ticket_id))
        return [SlotSet("awaiting", None)]
    if ticket and asks_ticket_progress(text):  # 那这个工单多久有人处理
        return await ticket_status(dispatcher, tracker, named=ticket.ticket_id)
    if asks_for_person(text):
        return await person_asked(dispatcher, tracker)
    if tracker.active_loop.get("name"):
        return None
    in_case = await answer_in_case(dispatcher, tracker)
    if in_case is not None:
        return in_case
    general = general_answer(dispatcher, tracker)  # 我就问问一般规则 / 那周六刷的呢 / 12月7号是不是工作日
    if general is not None:
        return general
    if tracker.get_slot("diagnosis") and is_question(text) and not names_another_sale(text):
        return offer_person_for(dispatcher, text)
    if says_thanks(text) and not (says_still_missing(text) or is_question(text) or policy().speaks_of_takings(text)):
        dispatcher.utter_message(text=reply("thank"))  # 哦 那是我看错卡了 谢谢
        return [SlotSet("awaiting", None)]
    if may_ask and (may_be_ours(tracker) or "merchant_id" in latest_entities(tracker)):
        return ask_which_problem(dispatcher, tracker)  # a merchant id given is never refused
    return None


async def answer_in_case(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[Events]:
    """A question about the case already explained, a dispute of what was found, or details for
    it (a new day or amount: look again); None when the message is not about it."""
    if not tracker.get_slot("diagnosis"):
        return None
    fee = shortfall_is_the_fee(tracker)  # 少了15块, after a batch paid less its fee
    if fee:
        dispatcher.utter_message(text=fee)
        return [SlotSet("awaiting", None)]
    text = latest_text(tracker)
    if asks_about_the_sale(tracker, text, is_question(text), says_correction(tracker)):
        answered = await about_the_case(dispatcher, tracker, details=False)  # 那后天呢 后天是周六
        return sale_kept(tracker) + (answered or offer_person_for(dispatcher, text))
    details = any(slot in latest_entities(tracker) for slot in CASE_SLOTS)
    if not (says_correction(tracker) and details):  # 记错了 是周五刷的 corrects the sale, it asks nothing
        answered = await about_the_case(dispatcher, tracker, details)
        if answered is not None:
            return answered
    if details:
        return await conclude(dispatcher, tracker)
    return None


async def about_the_case(dispatcher: CollectingDispatcher, tracker: Tracker, details: bool) -> Optional[Events]:
    """A question about the case explained (its answer), or a dispute of what was found (a ticket
    that records it); None otherwise. Nothing is looked up again."""
    text = latest_text(tracker)
    if declines_reminder(text):  # 提醒取消吧 我自己看 / 不用提醒 我就想知道几点能到
        await call_off(tracker)
        answered = await answer_follow_up(dispatcher, tracker)
        if answered is None:
            dispatcher.utter_message(text=reply("reminder_none"))
        return [SlotSet("awaiting", None)] + (answered or [])
    if asks_reminder(text) and payout_to_come(tracker):  # 到了能告诉我一声吗
        return await promise(dispatcher, tracker)
    ticket = await case_ticket(tracker)
    if ticket and asks_ticket_progress(text):  # 要多久能查清楚
        return await ticket_status(dispatcher, tracker, named=ticket.ticket_id)
    code = tracker.get_slot("diagnosis")
    paid_yet_missing = code in PAID and says_still_missing(text)  # 钱我没收到
    # A dispute before the questions (我早就认证过了 你们搞错了吧 is no question about 认证); a
    # refund the merchant did not make has its own answer in the table.
    if code and code != "refunded" and (disputes(text) or paid_yet_missing) \
            and not (details and says_correction(tracker)):
        kept = {slot: slot_before_latest_message(tracker, slot) for slot in CASE_SLOTS}  # 根本不是6789: no sum
        return sale_kept(tracker) + await hand_over(dispatcher, tracker, said_first=reply("objection_taken"),
                                                    objection=text, found=kept)
    answered = await answer_follow_up(dispatcher, tracker)
    if answered is not None:
        return answered
    if tracker.get_slot("diagnosis") and "reference_no" in latest_entities(tracker):  # 我有签购单 参考号…
        return offer_person_for(dispatcher, text, reply("reference_noted"))
    return None


def general_answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[Events]:
    """The rule, or the working-day calendar, when that is what is asked (no merchant id given):
    一般什么时候到 / 元旦刷卡什么时候到账 / 12月7号是不是工作日, and 那周六刷的呢 right after the rule
    was told."""
    text, given = latest_text(tracker), latest_entities(tracker)
    if "merchant_id" in given:
        return None
    own = not tracker.get_slot("merchant_id")
    holiday = holiday_rule(text, today_in_shanghai(), own=own)
    if holiday and (is_question(text) or asks_when(text)) and not says_still_missing(text):
        dispatcher.utter_message(text=holiday)  # 元旦刷卡什么时候到账 / 过年期间收的钱哪天到
        return sale_kept(tracker) + [SlotSet("awaiting", None)]
    calendar = calendar_answer(text, today_in_shanghai())
    follows_rule = (is_general_rule(last_bot_text(tracker)) and ("txn_date" in given or is_question(text))
                    and "amount" not in given and not says_still_missing(text))  # 昨天那笔2000没到: a case
    if calendar is None and not follows_rule and not asks_general_rule(text):
        return None
    dispatcher.utter_message(text=calendar or general_rule(given.get("txn_date"), own=own))
    return sale_kept(tracker) + [SlotSet("awaiting", None)]


def says_correction(tracker: Tracker) -> bool:
    """记错了 / 不对 … about a case already explained."""
    return bool(tracker.get_slot("diagnosis")) and names_a_correction(latest_text(tracker))


def offer_person_for(dispatcher: CollectingDispatcher, question: str, answer: str = "") -> Events:
    """A question about the case only a person can answer: say so (after what can be answered)
    and offer a ticket that carries the question."""
    offer = reply("offer_question") if answer else reply("case_question_for_person")
    dispatcher.utter_message(text="\n".join(filter(None, (answer, offer))))
    return [SlotSet("awaiting", Awaiting.TICKET), SlotSet("open_question", question)]


async def answer_follow_up(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[Events]:
    """Events when the latest message asked about the case already explained, else None."""
    code, record = tracker.get_slot("diagnosis"), tracker.get_slot("lookup") or {}
    if not code or not tracker.get_slot("merchant_id"):
        return None
    text = latest_text(tracker)
    answer = follow_ups(code, text, record.get("facts") or {}, today_in_shanghai(), payout_of_record(record),
                        batch=record.get("batch") or (), amount=latest_entities(tracker).get("amount"))
    if answer is None:
        return None
    if answer.ticket:
        return await hand_over(dispatcher, tracker, said_first=answer.answer, objection=text)
    if answer.remind and payout_to_come(tracker):  # 要是周一还不到呢: the question kept for a ticket too
        return offer_reminder(dispatcher, answer.answer, payout_to_come(tracker)) + [SlotSet("open_question", text)]
    if answer.offer or answer.remind:
        return offer_person_for(dispatcher, text, answer.answer)
    dispatcher.utter_message(text=answer.answer)
    return [SlotSet("awaiting", None)]




class ActionTicketStatus(SafeAction):
    """我的工单怎样了: the status, and the resolution note once resolved; 提交工单 a ticket; and inside
    an explained case, words the classifier took for a ticket (你们系统搞错了吧 / 交易单号…) the ladder."""

    def name(self) -> Text:
        return "action_ticket_status"

    async def act(self, dispatcher, tracker, domain):
        if tracker.get_slot("diagnosis") and not ticket_named(tracker) and not asks_ticket_progress(
                latest_text(tracker)) and not asks_for_person(latest_text(tracker)):
            answered = await in_context(dispatcher, tracker, may_ask=False)
            if answered is not None:
                return answered
        return await person_or_status(dispatcher, tracker)
