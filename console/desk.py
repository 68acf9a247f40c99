"""What an agent does to a ticket, one function for the pages and the API alike.

Refusals carry the HTTP status the API answers with (409 for a ticket another agent
holds, naming them) and the line the pages show.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

from console.views import said
from daozhang.agents import AccountLocked, LoginRefused, Session
from daozhang.tickets import Ticket, TicketClosed, TicketTaken
from daozhang.wiring import agents, tickets

MAX_NOTE_CHARS = 4000


class Refused(Exception):
    def __init__(self, status: int, reason: str, **fields: Any) -> None:
        super().__init__(said("refused")[reason].format(**fields))
        self.status, self.reason, self.fields = status, reason, fields

    def body(self) -> Dict[str, Any]:
        return {"error": str(self), "reason": self.reason, **self.fields}


def _text(body: Dict[str, Any], name: str) -> str:
    text = body.get(name) if isinstance(body, dict) else None
    if not isinstance(text, str) or not text.strip():
        raise Refused(400, "empty_note")
    if len(text.strip()) > MAX_NOTE_CHARS:  # never cut what the merchant will read
        raise Refused(400, "too_long", limit=MAX_NOTE_CHARS)
    return text.strip()


async def log_in(name: str, password: str) -> str:
    """A session token, or Refused: 423 for a locked account, 401 for anything else."""
    try:
        return await agents().log_in(name, password)
    except AccountLocked as locked:
        raise Refused(423, "locked", minutes=max(1, locked.seconds_left // 60)) from None
    except LoginRefused:
        raise Refused(401, "login") from None


async def act(action: str, ticket_id: str, session: Session, body: Optional[Dict[str, Any]] = None) -> Ticket:
    """Claims, releases, notes, resolves or reassigns the ticket as the session's agent."""
    agent, store = session.agent, tickets()
    body = body or {}
    try:
        if action == "claim":
            return await store.claim(ticket_id, agent.name, agent.display_name)
        if action == "release":
            return await store.release(ticket_id, agent.name, agent.supervisor, agent.display_name)
        if action == "notes":
            return await store.add_note(ticket_id, agent.display_name, _text(body, "text"))
        if action == "resolve":
            return await store.resolve(ticket_id, agent.name, _text(body, "note"), agent.display_name,
                                       supervisor=agent.supervisor)
        if action == "reassign":
            if not agent.supervisor:
                raise Refused(403, "not_supervisor")
            to = await agents().get(str(body.get("agent") or ""))
            if to is None or to.disabled:
                raise Refused(404, "no_agent")
            return await store.claim(ticket_id, to.name, to.display_name, over=agent.display_name)
    except TicketTaken as taken:
        raise Refused(409, "taken", holder=taken.holder) from None
    except TicketClosed:
        raise Refused(409, "closed") from None
    except KeyError:
        raise Refused(404, "not_found") from None
    raise Refused(404, "not_found")
