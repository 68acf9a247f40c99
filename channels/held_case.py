"""A merchant writing while a person holds their case: still answered, told who has it, and
what they wrote reaches the agent on the ticket."""
from __future__ import annotations

import logging
from typing import Optional

from daozhang.resources import reply
from daozhang.tickets import CLAIMED
from daozhang.wiring import tickets

logger = logging.getLogger(__name__)


async def held_case_line(conversation: str, text: str) -> Optional[str]:
    """The line naming the agent who holds the conversation's ticket (the message added to the
    ticket), or None when no person holds it. Redis down: None, and the bot answers as usual."""
    try:
        ticket = await tickets().latest_for_sender(conversation)
        if ticket is None or ticket.status != CLAIMED:
            return None
        await tickets().add_merchant_message(ticket.ticket_id, text)
    except Exception:
        logger.warning("the case's ticket could not be read or added to", exc_info=True)
        return None
    return reply("ticket_held", ticket_id=ticket.ticket_id, agent=ticket.agent_name or ticket.claimed_by)
