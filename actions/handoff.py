"""A person takes over: the ticket with everything collected; what became of earlier tickets.

A handover tells the channel so in the message itself (`daozhang.conversation.HANDOFF`:
the ticket and its priority), so the hotline can transfer the call without reading
any store.
"""
from __future__ import annotations

import time
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.awaiting import Awaiting
from actions.safe_action import SafeAction
from actions.tracker_reading import (
    amounts_said_with,
    last_bot_text,
    latest_entities,
    latest_intent,
    latest_text,
    slot_before_latest_message,
    transcript,
)
from actions.verification import how_verified, verification_gate
from daozhang.after_answer import asks_for_person, asks_hotline, is_question, names_a_correction, withdraws
from daozhang.conversation import HANDOFF
from daozhang.masking import mask_text
from daozhang.resources import load_yaml, reply, wording
from daozhang.tickets import RESOLVED, Ticket, find_ticket_id, still_to_ask
from daozhang.triage import PROBLEM_INTENTS
from daozhang.wiring import tickets

Events = List[Dict[Text, Any]]
CASE_FACTS = ("merchant_id", "amount", "txn_date", "payment_channel", "error_code", "problem", "reference_no")


async def hand_over(dispatcher: CollectingDispatcher, tracker: Tracker, said_first: str = "",
                    found: Optional[Dict[str, Any]] = None, question: Optional[str] = None,
                    objection: Optional[str] = None) -> Events:
    """A ticket with everything the conversation collected, and what this turn `found` (slots not
    set yet), the merchant's open `question` or `objection` in words; `said_first` is said with the
    ticket's id. The case's ticket is opened once: asked again, the same ticket is named (and
    what is new added to it)."""
    def known(slot: str) -> Any:
        return (found or {}).get(slot, tracker.get_slot(slot))

    question = question or known("open_question")
    objection = objection or known("objection")
    existing = await case_ticket(tracker, found)
    if existing is not None:
        return await _named_again(dispatcher, existing, said_first, question, objection)
    turns = transcript(tracker)
    if said_first:
        turns.append({"who": "bot", "text": mask_text(said_first), "at": str(time.time())})
    slots = {name: known(name) for name in CASE_FACTS}
    also = amounts_said_with(tracker, known("amount"))  # 一笔120 一笔45: both reach the person
    slots.update(question=question, objection=objection, other_amounts="、".join(also) if also else None)
    ticket = await tickets().create(
        channel=tracker.get_latest_input_channel() or "rest", sender_id=tracker.sender_id,
        merchant_id=known("merchant_id"), intent=known("problem") or latest_intent(tracker),
        slots={k: v for k, v in slots.items() if v is not None},
        adapter_results=[known("lookup")] if known("lookup") else [], diagnosis=known("diagnosis"),
        explanation=known("explanation"), transcript=turns,
        verification=await how_verified(tracker, known("merchant_id")))
    missing = still_to_ask(ticket)  # 转人工 as a first message: say what the person will ask
    said = (reply("ticket_created_ask_more", ticket_id=ticket.ticket_id, missing="、".join(missing)) if missing
            else reply("ticket_created", ticket_id=ticket.ticket_id))
    return _handed_over(dispatcher, ticket, "\n".join(filter(None, (said_first, said))))


async def complete_the_open_ticket(tracker: Tracker, found: Dict[str, Any]) -> Optional[str]:
    """A ticket opened before the case was known (转人工 first) gets what the case `found`;
    its id, or None when the case has no such ticket."""
    ticket = await case_ticket(tracker)
    if ticket is None or ticket.diagnosis:
        return None
    slots = {name: found.get(name, tracker.get_slot(name)) for name in CASE_FACTS}
    await tickets().complete(
        ticket.ticket_id, merchant_id=slots["merchant_id"], intent=slots["problem"],
        slots={k: v for k, v in slots.items() if v is not None},
        adapter_results=[found["lookup"]] if found.get("lookup") else [],
        diagnosis=found.get("diagnosis"), explanation=found.get("explanation"))
    return ticket.ticket_id


async def mark_a_ticket_of_the_wrong_id(tracker: Tracker, merchant_id: str) -> Optional[Tuple[str, str]]:
    """不对，商户号是…: a ticket this conversation opened for the id the merchant now corrects gets a
    note, so that no agent works the wrong shop's case; (its id, the old merchant id) or None."""
    old, ticket_id = slot_before_latest_message(tracker, "merchant_id"), tracker.get_slot("handoff_ticket")
    if not old or old == merchant_id or not ticket_id or not names_a_correction(latest_text(tracker)):
        return None  # 还有898310000000009那个店: a second shop, the first one's ticket stands
    ticket = await tickets().get(ticket_id)
    if ticket is None or ticket.status == RESOLVED or ticket.merchant_id != old:
        return None
    note = wording("for_agents")["merchant_id_corrected"].format(merchant_id=merchant_id, old=old)
    await tickets().add_note(ticket_id, wording("for_agents")["assistant"], note)
    return ticket_id, old


async def took_back_the_handover(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """算了不转了, right after the ticket was opened: its agent is told, and so is the merchant."""
    ticket_id = tracker.get_slot("handoff_ticket")
    text = latest_text(tracker)
    if not ticket_id or ticket_id not in last_bot_text(tracker) or not withdraws(text):
        return False
    agents = wording("for_agents")
    await tickets().add_note(ticket_id, agents["assistant"], agents["withdrawn"].format(text=text))
    dispatcher.utter_message(text=reply("ticket_withdrawn", ticket_id=ticket_id))
    return True


async def _named_again(dispatcher: CollectingDispatcher, ticket: Ticket, said_first: str,
                       question: Optional[str], objection: Optional[str]) -> Events:
    """The case's ticket asked for again: the same id, with the merchant's new words added to it."""
    added = [(key, text) for key, text in (("objection_added", objection), ("question_added", question))
             if text and text not in (ticket.slots.get("objection"), ticket.slots.get("question"))]
    for _, text in added:
        await tickets().add_note(ticket.ticket_id, wording("for_agents")["assistant"], text)
    said = reply(added[0][0] if added else "ticket_exists", ticket_id=ticket.ticket_id)
    return _handed_over(dispatcher, ticket, "\n".join(filter(None, (said_first, said))))


def _handed_over(dispatcher: CollectingDispatcher, ticket: Ticket, text: str) -> Events:
    dispatcher.utter_message(text=text, json_message={
        HANDOFF: {"ticket": ticket.ticket_id, "priority": ticket.priority}})
    return [SlotSet("handoff_ticket", ticket.ticket_id), SlotSet("awaiting", None),
            SlotSet("open_question", None), SlotSet("objection", None)]


class ActionHandOver(SafeAction):
    """转人工: a ticket with everything collected (once per case), and its id for the merchant;
    never for a subject that is not ours."""

    def name(self) -> Text:
        return "action_hand_over"

    async def act(self, dispatcher, tracker, domain):
        return await person_asked(dispatcher, tracker)


async def case_ticket(tracker: Tracker, found: Optional[Dict[str, Any]] = None) -> Optional[Ticket]:
    """The ticket this case already has, if still open: the one named in this conversation (the
    slot is cleared when a new case starts; another conversation's only for the same merchant),
    else this conversation's latest for the same merchant and finding (a reminder's, or the one
    opened before the merchant asked again: 我那588块到底查到没有 is the same case, `found` again)."""
    ticket_id = tracker.get_slot("handoff_ticket")
    ticket = await tickets().get(ticket_id) if ticket_id else await tickets().latest_for_sender(tracker.sender_id)
    merchant_id = tracker.get_slot("merchant_id")
    if ticket is None or ticket.status == RESOLVED:
        return None
    if ticket_id:  # named here: this conversation's (not a shop the merchant corrected since), or
        # another's of the same merchant (checked)
        ours = not (merchant_id and ticket.merchant_id and ticket.merchant_id != merchant_id)
        same = (ticket.sender_id == tracker.sender_id and ours) or (merchant_id and ticket.merchant_id == merchant_id)
    else:  # a reminder's ticket for the very finding of this case
        same = ticket.merchant_id == merchant_id and ticket.diagnosis == (found or {}).get(
            "diagnosis", tracker.get_slot("diagnosis"))
    return ticket if same else None


def refused_just_before(tracker: Tracker) -> bool:
    """The bot's last answer refused a subject that is not ours (能直接帮我提吗 after a credit-limit
    question), or sent a buyer elsewhere: no ticket can help with it."""
    said = last_bot_text(tracker)
    return any(said.startswith(reply(key)[:12]) for key in ("out_of_scope", "not_ours_no_ticket", "buyer_referral"))


def _brings_a_case_of_ours(tracker: Tracker) -> bool:
    """我要人工客服 商户号…钱被退回了, right after a refusal: a case of ours, and a person for it."""
    return "merchant_id" in latest_entities(tracker) or latest_intent(tracker) in PROBLEM_INTENTS


def not_ours_again(dispatcher: CollectingDispatcher, tracker: Tracker) -> Events:
    """No ticket: a buyer hears again where to go (with the numbers), anyone else why not."""
    buyer = last_bot_text(tracker).startswith(reply("buyer_referral")[:12])
    dispatcher.utter_message(text=reply("buyer_referral" if buyer else "not_ours_no_ticket"))
    return [SlotSet("awaiting", None)]


def ticket_named(tracker: Tracker) -> Optional[str]:
    """The ticket id in the latest message; twelve digits alone count when one was asked for."""
    return find_ticket_id(latest_text(tracker), digits_alone=bool(tracker.get_slot("ticket_id_asked")))


async def ticket_status(dispatcher: CollectingDispatcher, tracker: Tracker, named: Optional[str] = None) -> Events:
    """The status of the ticket the merchant named (or their latest), and its resolution once resolved.
    Ticket ids are sequential: another conversation's ticket is told only to its own merchant, once
    the merchant id is given (and checked, where checks are on)."""
    named = named or ticket_named(tracker)
    ticket = await (tickets().get(named) if named else tickets().latest_for_sender(tracker.sender_id))
    if ticket is not None and ticket.sender_id != tracker.sender_id:
        merchant_id = tracker.get_slot("merchant_id")
        if not merchant_id:
            dispatcher.utter_message(text=reply("ticket_whose", ticket_id=ticket.ticket_id))
            return [SlotSet("ticket_asked", ticket.ticket_id), SlotSet("ticket_id_asked", False),
                    SlotSet("awaiting", None)]
        gate = await verification_gate(dispatcher, tracker, merchant_id)
        if gate is not None:
            return gate + [SlotSet("ticket_asked", ticket.ticket_id)]
        if merchant_id != ticket.merchant_id:
            ticket = None  # not this merchant's: not shown, not even that it exists
    if ticket is None:
        asked = reply("ticket_named", ticket_id=named) if named else reply("ticket_yours")
        dispatcher.utter_message(text=reply("ticket_not_found", asked=asked))
        return [SlotSet("awaiting", Awaiting.TICKET), SlotSet("ticket_asked", None), SlotSet("ticket_id_asked", True)]
    text = reply("ticket_status", ticket_id=ticket.ticket_id, day=ticket.created_at[:10],
                 status=wording("ticket_status")[ticket.status])
    if ticket.agent_name:
        text += reply("ticket_agent", agent=ticket.agent_name)
    if ticket.status == RESOLVED and ticket.resolution_note:
        text += reply("ticket_resolution", note=ticket.resolution_note)
    dispatcher.utter_message(text=text)
    return [SlotSet("handoff_ticket", ticket.ticket_id), SlotSet("ticket_asked", None),
            SlotSet("ticket_id_asked", False)]


async def person_or_status(dispatcher: CollectingDispatcher, tracker: Tracker) -> Events:
    """提交工单 asks for a ticket, 工单怎么样了 how one is doing: the words say which."""
    text = latest_text(tracker)
    if asks_for_person(text) and not ticket_named(tracker):
        return await person_asked(dispatcher, tracker)
    return await ticket_status(dispatcher, tracker)


async def person_asked(dispatcher: CollectingDispatcher, tracker: Tracker) -> Events:
    """提交 / 帮我登记一下 / 那就转吧, whatever the classifier made of it: the case's ticket, with a
    question asked in the same breath (能加急吗 帮我转人工); none for a subject just refused."""
    if refused_just_before(tracker) and not _brings_a_case_of_ours(tracker):
        return not_ours_again(dispatcher, tracker)  # a buyer asking whom to call: the wallets' numbers
    text = latest_text(tracker)
    if asks_hotline(text):  # 客服电话多少: the number, and a person offered, not a ticket unasked
        return hotline_told(dispatcher, tracker)
    return await hand_over(dispatcher, tracker, question=text if is_question(text) and len(text) > 8 else None)


def hotline_told(dispatcher: CollectingDispatcher, tracker: Tracker) -> Events:
    """The hotline's number (hotline.yml; where it is printed when not set, and a caller is on it
    already), and a person offered instead."""
    number = load_yaml("hotline.yml").get("number")
    said = (reply("hotline_on_call") if tracker.get_latest_input_channel() == "ivr"
            else reply("hotline_number", number=number) if number else reply("hotline_printed"))
    dispatcher.utter_message(text=said + reply("hotline_or_callback"))
    return [SlotSet("awaiting", Awaiting.HUMAN)]
