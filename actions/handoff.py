"""A person takes over: the ticket with everything collected; what became of earlier tickets.

A handover tells the channel so in the message itself (`daozhang.conversation.HANDOFF`:
the ticket and its priority), so the hotline can transfer the call without reading
any store.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.awaiting import Awaiting
from actions.safe_action import SafeAction
from actions.tracker_reading import latest_intent, latest_text, transcript
from daozhang.conversation import HANDOFF
from daozhang.masking import mask_text
from daozhang.resources import reply, wording
from daozhang.tickets import RESOLVED, Ticket, find_ticket_id
from daozhang.wiring import tickets

Events = List[Dict[Text, Any]]
CASE_FACTS = ("merchant_id", "amount", "txn_date", "payment_channel", "error_code", "problem")


async def hand_over(dispatcher: CollectingDispatcher, tracker: Tracker, said_first: str = "",
                    found: Optional[Dict[str, Any]] = None) -> Events:
    """A ticket with everything the conversation collected, and what this turn `found` (slots not
    set yet); `said_first` is said with the ticket's id."""
    def known(slot: str) -> Any:
        return (found or {}).get(slot, tracker.get_slot(slot))

    turns = transcript(tracker)
    if said_first:
        turns.append({"who": "bot", "text": mask_text(said_first), "at": ""})
    slots = {name: known(name) for name in CASE_FACTS}
    ticket = await tickets().create(
        channel=tracker.get_latest_input_channel() or "rest", sender_id=tracker.sender_id,
        merchant_id=known("merchant_id"), intent=known("problem") or latest_intent(tracker),
        slots={k: v for k, v in slots.items() if v is not None},
        adapter_results=[known("lookup")] if known("lookup") else [], diagnosis=known("diagnosis"),
        explanation=known("explanation"), transcript=turns)
    return _handed_over(dispatcher, ticket, "\n".join(filter(None, (said_first, reply(
        "ticket_created", ticket_id=ticket.ticket_id)))))


def _handed_over(dispatcher: CollectingDispatcher, ticket: Ticket, text: str) -> Events:
    dispatcher.utter_message(text=text, json_message={
        HANDOFF: {"ticket": ticket.ticket_id, "priority": ticket.priority}})
    return [SlotSet("handoff_ticket", ticket.ticket_id), SlotSet("awaiting", None)]


class ActionHandOver(SafeAction):
    """转人工: a ticket with everything collected, and its id for the merchant."""

    def name(self) -> Text:
        return "action_hand_over"

    async def act(self, dispatcher, tracker, domain):
        ticket = await _open_ticket_of_this_case(tracker)
        if ticket is None:
            return await hand_over(dispatcher, tracker)
        # 转人工 after the automatic ticket: the same case, the same ticket
        return _handed_over(dispatcher, ticket, reply("ticket_exists", ticket_id=ticket.ticket_id))


async def _open_ticket_of_this_case(tracker: Tracker) -> Optional[Ticket]:
    """The ticket this case already has (the slot is cleared when a new case starts), if still open."""
    ticket_id = tracker.get_slot("handoff_ticket")
    ticket = await tickets().get(ticket_id) if ticket_id else None
    if ticket is None or ticket.sender_id != tracker.sender_id or ticket.status == RESOLVED:
        return None
    return ticket


async def ticket_status(dispatcher: CollectingDispatcher, tracker: Tracker) -> Events:
    """The status of the ticket the merchant named (or their latest), and its resolution once resolved."""
    named = find_ticket_id(latest_text(tracker))
    ticket = await (tickets().get(named) if named else tickets().latest_for_sender(tracker.sender_id))
    if ticket is not None and ticket.sender_id != tracker.sender_id:
        ticket = None  # another conversation's ticket: not shown, not even that it exists
    if ticket is None:
        asked = reply("ticket_named", ticket_id=named) if named else reply("ticket_yours")
        dispatcher.utter_message(text=reply("ticket_not_found", asked=asked))
        return [SlotSet("awaiting", Awaiting.TICKET)]
    text = reply("ticket_status", ticket_id=ticket.ticket_id, day=ticket.created_at[:10],
                 status=wording("ticket_status")[ticket.status])
    if ticket.status == RESOLVED and ticket.resolution_note:
        text += reply("ticket_resolution", note=ticket.resolution_note)
    dispatcher.utter_message(text=text)
    return [SlotSet("handoff_ticket", ticket.ticket_id)]


class ActionTicketStatus(SafeAction):
    """我的工单怎样了: the status, and the resolution note once resolved."""

    def name(self) -> Text:
        return "action_ticket_status"

    async def act(self, dispatcher, tracker, domain):
        return await ticket_status(dispatcher, tracker)
