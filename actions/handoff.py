"""A person takes over: create the ticket; answer questions about earlier tickets."""
from __future__ import annotations

import re
from typing import Optional, Text

from rasa_sdk.events import SlotSet

from actions.common import Awaiting, SafeAction, create_ticket, handed_over, ticket_created_message
from daozhang.resources import load_yaml, reply
from daozhang.tickets import RESOLVED, Ticket
from daozhang.wiring import tickets

# HO20261129-0001 as the merchant types it: any case, with or without the hyphen or spaces.
TICKET_ID = re.compile(r"H\s*O\s*-?\s*(\d{8})\s*-?\s*(\d{4})(?!\d)", re.IGNORECASE)


def typed_ticket_id(text: str) -> Optional[str]:
    """The ticket id in the merchant's words, written as the store writes it."""
    found = TICKET_ID.search(text or "")
    return f"HO{found.group(1)}-{found.group(2)}" if found else None


class ActionHandOver(SafeAction):
    """转人工: a ticket with everything collected, and its id for the merchant."""

    def name(self) -> Text:
        return "action_hand_over"

    async def act(self, dispatcher, tracker, domain):
        ticket = await _open_ticket_of_this_case(tracker)
        if ticket is None:
            ticket = await create_ticket(tracker)
            dispatcher.utter_message(text=ticket_created_message(ticket))
        else:  # 转人工 after the automatic ticket: the same case, the same ticket
            dispatcher.utter_message(text=reply("ticket_exists", ticket_id=ticket.ticket_id))
        return handed_over(ticket)


async def _open_ticket_of_this_case(tracker) -> Optional[Ticket]:
    """The ticket this case already has (the slot is cleared when a new case starts), if still open."""
    ticket_id = tracker.get_slot("handoff_ticket")
    ticket = await tickets().get(ticket_id) if ticket_id else None
    if ticket is None or ticket.sender_id != tracker.sender_id or ticket.status == RESOLVED:
        return None
    return ticket


class ActionTicketStatus(SafeAction):
    """我的工单怎样了: the status, and the resolution note once resolved."""

    def name(self) -> Text:
        return "action_ticket_status"

    async def act(self, dispatcher, tracker, domain):
        store = tickets()
        named = typed_ticket_id(tracker.latest_message.get("text") or "")
        ticket = await (store.get(named) if named else store.latest_for_sender(tracker.sender_id))
        if ticket is not None and ticket.sender_id != tracker.sender_id:
            ticket = None  # another conversation's ticket: not shown, not even that it exists
        if ticket is None:
            asked = f"工单 {named}" if named else "您的工单"
            dispatcher.utter_message(text=reply("ticket_not_found", asked=asked))
            return [SlotSet("awaiting", Awaiting.TICKET)]
        text = reply("ticket_status", ticket_id=ticket.ticket_id, day=ticket.created_at[:10],
                     status=load_yaml("wording.yml")["ticket_status"][ticket.status])
        if ticket.status == "resolved" and ticket.resolution_note:
            text += reply("ticket_resolution", note=ticket.resolution_note)
        dispatcher.utter_message(text=text)
        return [SlotSet("handoff_ticket", ticket.ticket_id)]
