"""A merchant writing after their case was handed over: what they write reaches the ticket
(the agent reads it there, an angry line raises its priority), they are still answered, and
once a person holds the case they are told who."""
from __future__ import annotations

import logging
from typing import Optional

from daozhang.resources import reply
from daozhang.tickets import CLAIMED, RESOLVED
from daozhang.wiring import tickets

logger = logging.getLogger(__name__)


async def held_case_line(conversation: str, text: str) -> Optional[str]:
    """The message added to the conversation's unresolved ticket; the line naming the agent who
    holds it, or None when no person holds it yet. Redis down: None, and the bot answers as usual."""
    try:
        ticket = await tickets().latest_for_sender(conversation)
        if ticket is None or ticket.status == RESOLVED or text.startswith("/"):  # a tapped button says nothing new
            return None
        await tickets().add_merchant_message(ticket.ticket_id, text)
        if ticket.status != CLAIMED:
            return None
    except Exception:
        logger.warning("the case's ticket could not be read or added to", exc_info=True)
        return None
    return reply("ticket_held", ticket_id=ticket.ticket_id, agent=ticket.agent_name or ticket.claimed_by)
