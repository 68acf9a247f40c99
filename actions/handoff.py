"""A person takes over: create the ticket; answer questions about earlier tickets."""
from __future__ import annotations

import re
from typing import Text

from rasa_sdk.events import SlotSet

from actions.common import Awaiting, SafeAction, create_ticket, handed_over, ticket_created_message, ticket_store
from daozhang.resources import load_yaml, reply

TICKET_ID = re.compile(r"HO\d{8}-\d{4}", re.IGNORECASE)


class ActionHandOver(SafeAction):
    """转人工: a ticket with everything collected, and its id for the merchant."""

    def name(self) -> Text:
        return "action_hand_over"

    async def act(self, dispatcher, tracker, domain):
        ticket = create_ticket(tracker)
        dispatcher.utter_message(text=ticket_created_message(ticket))
        return handed_over(ticket)


class ActionTicketStatus(SafeAction):
    """我的工单怎样了: the status, and the resolution note once resolved."""

    def name(self) -> Text:
        return "action_ticket_status"

    async def act(self, dispatcher, tracker, domain):
        store = ticket_store()
        named = TICKET_ID.search(tracker.latest_message.get("text") or "")
        ticket = store.get(named.group(0)) if named else store.latest_for_sender(tracker.sender_id)
        if ticket is None:
            asked = f"工单 {named.group(0).upper()}" if named else "您的工单"
            dispatcher.utter_message(text=reply("ticket_not_found", asked=asked))
            return [SlotSet("awaiting", Awaiting.TICKET)]
        text = reply("ticket_status", ticket_id=ticket.ticket_id, day=ticket.created_at[:10],
                     status=load_yaml("wording.yml")["ticket_status"][ticket.status])
        if ticket.status == "resolved" and ticket.resolution_note:
            text += reply("ticket_resolution", note=ticket.resolution_note)
        dispatcher.utter_message(text=text)
        return [SlotSet("handoff_ticket", ticket.ticket_id)]
