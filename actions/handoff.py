"""A person takes over: create the ticket; answer questions about earlier tickets."""
from __future__ import annotations

import re
from typing import Text

from rasa_sdk.events import SlotSet

from actions.common import SafeAction, create_ticket, handed_over, ticket_created_message, ticket_store

TICKET_ID = re.compile(r"HO\d{8}-\d{4}", re.IGNORECASE)
STATUS_WORDING = {"open": "已受理，正在等待人工客服处理", "claimed": "人工客服正在处理中",
                  "resolved": "已经处理完毕"}


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
            dispatcher.utter_message(text=f"没有查到{asked}。请核对工单号（形如 HO20261122-0007）；"
                                          "如果还没提交过，我可以现在帮您提交，要提交吗？")
            return [SlotSet("awaiting", "ticket")]
        text = f"工单 {ticket.ticket_id}（{ticket.created_at[:10]}提交）{STATUS_WORDING[ticket.status]}。"
        if ticket.status == "resolved" and ticket.resolution_note:
            text += f"处理结果：{ticket.resolution_note}"
        dispatcher.utter_message(text=text)
        return [SlotSet("handoff_ticket", ticket.ticket_id)]
