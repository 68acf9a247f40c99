"""How tickets read in the console: rows of the queue, times and names in the agents' Chinese."""
from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any, Dict, List, Optional

from daozhang.clock import SHANGHAI, minutes_between
from daozhang.conversation import channel_of
from daozhang.diagnosis import channel_label
from daozhang.resources import load_yaml, wording
from daozhang.tickets import RESOLVED, Ticket


def said(section: str) -> Dict[str, Any]:
    return wording("console")[section]


def diagnosis_title(code: Optional[str]) -> str:
    if not code:
        return "未查到结论"
    found = load_yaml("explanations.yml").get(code)
    return found["title"] if isinstance(found, dict) and "title" in found else code


def input_channel(ticket: Ticket) -> str:
    """The channel the merchant came from (`wechat`, `ivr`, `socketio`, `rest`)."""
    return ticket.channel or channel_of(ticket.sender_id)


def rounded_minutes(start: Optional[str], end: Optional[str] = None) -> Optional[float]:
    return round(minutes_between(start, end), 1) if start else None


def shown_time(at: Any) -> str:
    """`12月5日 18:52` of an ISO time or a Unix timestamp (the transcript's)."""
    if at in (None, ""):
        return ""
    epoch = not isinstance(at, str) or at.replace(".", "", 1).isdigit()
    try:
        moment = datetime.fromtimestamp(float(at), SHANGHAI) if epoch else datetime.fromisoformat(at)
    except ValueError:
        return str(at)
    moment = moment.astimezone(SHANGHAI) if moment.tzinfo else moment
    return f"{moment.month}月{moment.day}日 {moment:%H:%M}"


def waited(minutes: Optional[float]) -> str:
    if minutes is None:
        return ""
    if minutes < 60:
        return f"{int(minutes)}分钟"
    hours = minutes / 60
    return f"{int(hours)}小时{int(minutes % 60)}分" if hours < 48 else f"{int(hours // 24)}天"


def queue_order(ticket: Ticket) -> tuple:
    """Unresolved first, then high priority, then the longest waiting."""
    return (ticket.status == RESOLVED, ticket.priority != "high", ticket.created_at)


def row(ticket: Ticket) -> Dict[str, Any]:
    """A ticket as a line of the queue (the API's list and the queue page alike)."""
    minutes = rounded_minutes(ticket.created_at, ticket.claimed_at)
    return {
        "ticket_id": ticket.ticket_id, "status": ticket.status, "status_label": said("statuses")[ticket.status],
        "priority": ticket.priority, "priority_label": said("priorities").get(ticket.priority, ticket.priority),
        "priority_reasons": ticket.priority_reasons, "created_at": ticket.created_at,
        "created": shown_time(ticket.created_at), "waited_minutes": minutes, "waited": waited(minutes),
        "channel": input_channel(ticket),
        "channel_label": wording("for_agents")["input_channels"].get(input_channel(ticket), input_channel(ticket)),
        "merchant_id": ticket.merchant_id, "diagnosis": ticket.diagnosis,
        "diagnosis_label": diagnosis_title(ticket.diagnosis), "claimed_by": ticket.claimed_by,
        "agent_name": ticket.agent_name, "summary": ticket.summary,
    }


def rows(tickets: List[Ticket]) -> List[Dict[str, Any]]:
    return [row(ticket) for ticket in sorted(tickets, key=queue_order)]


def full(ticket: Ticket) -> Dict[str, Any]:
    """Everything on the ticket, with the queue line's readings (the API's ticket)."""
    resolved_in = rounded_minutes(ticket.created_at, ticket.resolved_at) if ticket.resolved_at else None
    return {**asdict(ticket), **row(ticket), "minutes_to_resolve": resolved_in}


SHOWN_APART = ("merchant_id", "problem")  # the ticket page has a line of their own for these


def page_of(ticket: Ticket) -> Dict[str, Any]:
    """What the ticket page shows, in reading order."""
    facts = said("facts")
    turns = [{"who": turn.get("who"), "text": turn.get("text", ""), "at": shown_time(turn.get("at"))}
             for turn in ticket.transcript]
    turns += [{"who": "merchant", "text": step.get("text", ""), "at": shown_time(step["at"]), "after": True}
              for step in ticket.history if step["what"] == "merchant_message"]
    actions = [{**step, "at": shown_time(step["at"]), "label": said("actions").get(step["what"], step["what"])}
               for step in ticket.history if step["what"] != "merchant_message"]
    return {
        **row(ticket), "ticket": ticket,
        "verification_label": said("verification").get(ticket.verification or "", "未记录"),
        "problem_label": wording("for_agents")["problems"].get(ticket.intent or "", ticket.intent or "未说明"),
        "facts": [(facts.get(name, name), channel_label(str(value)) if name == "payment_channel" else value)
                  for name, value in ticket.slots.items() if value not in (None, "") and name not in SHOWN_APART],
        "turns": turns, "actions": actions,
    }
