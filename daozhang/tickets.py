"""Handoff tickets in Redis: ids like HO20261122-0007, status, notes, summary.

A ticket carries everything a person needs so the merchant is never asked
twice: who and where, the problem, every detail collected, what the lookup
returned, the diagnosis and the explanation given, the masked transcript,
the priority and a one-paragraph Chinese summary.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Dict, List, Optional

import redis.asyncio as aioredis
from redis.exceptions import WatchError

from daozhang.clock import now_in_shanghai
from daozhang.diagnosis import channel_label
from daozhang.lexicon import listens_for
from daozhang.masking import mask_text
from daozhang.replicated import transaction
from daozhang.resources import load_yaml, wording
from daozhang.text.normalise import normalise_text

OPEN, CLAIMED, RESOLVED = "open", "claimed", "resolved"
# HO20261129-0001 as the store writes it, and as a merchant types or an ASR hears it (H O 二零二六
# 幺一二九杠零零零幺, after the normaliser): any case, with or without the hyphen, 杠 or spaces;
# keyed on a phone's keypad, the twelve digits alone.
WRITTEN_ID = re.compile(r"(HO)(\d{8})-(\d{4})(?!\d)")
TYPED_ID = re.compile(r"H\s*O\s*[-杠]?\s*(\d{8})\s*[-杠]?\s*(\d{4})(?!\d)", re.IGNORECASE)
KEYED_ID = re.compile(r"(?<!\d)(20\d{6})\s*[-杠]?\s*(\d{4})(?!\d)")
HIGH_AMOUNT = Decimal("10000")


@dataclass
class Ticket:
    ticket_id: str
    created_at: str
    channel: str
    sender_id: str
    merchant_id: Optional[str]
    intent: Optional[str]
    slots: Dict[str, object]
    adapter_results: List[dict]
    diagnosis: Optional[str]
    explanation: Optional[str]
    transcript: List[Dict[str, str]]
    priority: str
    priority_reasons: List[str]
    summary: str
    status: str = OPEN
    claimed_by: Optional[str] = None
    notes: List[Dict[str, str]] = field(default_factory=list)
    resolution_note: Optional[str] = None
    updated_at: Optional[str] = None
    claimed_at: Optional[str] = None
    resolved_at: Optional[str] = None
    agent_name: Optional[str] = None  # the holder's display name, as the merchant hears it
    # Every agent action and every message the merchant sent after the handover: {who, what, at, text?}
    history: List[Dict[str, str]] = field(default_factory=list)
    verification: Optional[str] = None  # how the merchant proved who they are (actions.verification.how_verified)


class TicketTaken(Exception):
    """Another agent holds the ticket (the console answers 409 naming them)."""

    def __init__(self, holder: str) -> None:
        super().__init__(f"claimed by {holder}")
        self.holder = holder


class TicketClosed(Exception):
    """The ticket is resolved: nothing more to claim, release or resolve."""


def find_ticket_id(text: str, digits_alone: bool = False) -> Optional[str]:
    """The ticket id in the merchant's words, written as the store writes it (`digits_alone`: the
    twelve digits without HO count too, where a ticket id is what was asked for)."""
    plain = normalise_text(text or "")
    found = TYPED_ID.search(plain) or (KEYED_ID.search(plain) if digits_alone else None)
    return f"HO{found.group(1)}-{found.group(2)}" if found else None


def _amount(slots: Dict[str, object]) -> Optional[Decimal]:
    try:
        return Decimal(str(slots.get("amount"))) if slots.get("amount") else None
    except InvalidOperation:
        return None


def is_angry(transcript: List[Dict[str, str]]) -> bool:
    words = listens_for("anger")
    return any(word in turn["text"] for turn in transcript if turn["who"] == "merchant"
               for word in words)


def priority(slots: Dict[str, object], diagnosis: Optional[str],
             transcript: List[Dict[str, str]], repeat: bool) -> List[str]:
    """The reasons this case is high priority (none → normal)."""
    said = wording("for_agents")["reasons"]
    reasons = []
    amount = _amount(slots)
    if amount is not None and amount >= HIGH_AMOUNT:
        reasons.append(said["high_amount"].format(amount=amount))
    if diagnosis == "settlement_failed_account":
        reasons.append(said["payout_returned"])
    if is_angry(transcript):
        reasons.append(said["angry"])
    if repeat:
        reasons.append(said["repeat"])
    return reasons


def summarise(ticket: Ticket) -> str:
    """One paragraph an agent can read in ten seconds."""
    said = wording("for_agents")
    slots = ticket.slots
    details = []
    if slots.get("txn_date"):
        details.append(said["detail_day"].format(day=slots["txn_date"]))
    if slots.get("amount"):
        details.append(said["detail_amount"].format(amount=slots["amount"]))
    if slots.get("other_amounts"):
        details.append(said["detail_other_amounts"].format(amounts=slots["other_amounts"]))
    if slots.get("payment_channel"):
        details.append(channel_label(str(slots["payment_channel"])))
    who = said["merchant"].format(merchant_id=ticket.merchant_id) if ticket.merchant_id else said["merchant_unknown"]
    parts = [said["reported"].format(
        who=who, channel=said["input_channels"].get(ticket.channel, ticket.channel),
        problem=said["problems"].get(ticket.intent or "", said["problem_unknown"]),
        details=said["details"].format(details="，".join(details)) if details else "")]
    if ticket.diagnosis:
        title = load_yaml("explanations.yml")[ticket.diagnosis]["title"]
        parts.append(said["found"].format(title=title, code=ticket.diagnosis))
        other = sale_not_as_said(ticket)
        if other:
            parts.append(said["sale_not_as_said"].format(sale=other))
    else:
        parts.append(said["not_found"])
    for words in ("objection", "question"):  # the merchant's own words, what the agent answers
        if slots.get(words):
            parts.append(said[words].format(text=slots[words]))
    if slots.get("reference_no"):
        parts.append(said["reference_no"].format(reference_no=slots["reference_no"]))
    reasons = ticket.priority_reasons
    parts.append(said["priority_high"].format(reasons="、".join(reasons)) if reasons else said["priority_normal"])
    missing = still_to_ask(ticket)
    parts.append(said["still_to_ask"].format(missing="、".join(missing)) if missing else said["no_need_to_ask"])
    return "".join(parts)


def sale_not_as_said(ticket: Ticket) -> Optional[str]:
    """The sale the lookup explained when it is not the day or sum the merchant said (the nearest
    one): `2026-12-03 1250.00元`, else None."""
    sale = next((r.get("transaction") for r in reversed(ticket.adapter_results)
                 if isinstance(r, dict) and isinstance(r.get("transaction"), dict)), None)
    if not sale:
        return None
    said_amount, day = _amount(ticket.slots), str(sale.get("time") or "")[:10]
    try:
        other_sum = said_amount is not None and Decimal(str(sale.get("amount"))) != said_amount
    except InvalidOperation:
        other_sum = False
    other_day = bool(ticket.slots.get("txn_date")) and day and str(ticket.slots["txn_date"]) != day
    return f"{day} {sale.get('amount')}元" if other_sum or other_day else None


def still_to_ask(ticket: Ticket) -> List[str]:
    """What the agent must still ask the merchant (转人工 as a first message tells nothing)."""
    labels = wording("for_agents")["to_ask"]
    known = {"merchant_id": ticket.merchant_id,
             "problem": ticket.intent in wording("for_agents")["problems"] or ticket.diagnosis is not None}
    if ticket.diagnosis is None:  # no sale found yet: the agent needs its day and amount
        known.update(txn_date=ticket.slots.get("txn_date"), amount=ticket.slots.get("amount"))
    return [label for name, label in labels.items() if name in known and not known[name]]


def _stored(ticket: Ticket) -> str:
    return json.dumps(asdict(ticket), ensure_ascii=False)


class TicketStore:
    """Tickets in Redis, with an atomic per-day sequence for their ids (async: see daozhang.wiring).

    `replica_wait_ms` (Sentinels): every transaction returns once a replica has it
    (daozhang.replicated), so a ticket id the merchant was told, and the sequence it came from,
    outlive a failover."""

    def __init__(self, client: aioredis.Redis, prefix: str = "daozhang",
                 replica_wait_ms: Optional[int] = None) -> None:
        self.redis = client
        self.prefix = prefix
        self.replica_wait_ms = replica_wait_ms

    def _transaction(self):
        return transaction(self.redis, self.replica_wait_ms)

    async def _push(self, key: str, value: str) -> None:
        """LPUSH, replicated like the transactions when Sentinels are configured."""
        if self.replica_wait_ms is None:
            await self.redis.lpush(key, value)
            return
        async with self._transaction() as pipe:
            await pipe.lpush(key, value).execute()

    def _key(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    async def _next_id(self, now: datetime) -> str:
        day = now.strftime("%Y%m%d")
        key = self._key("ticket_seq", day)
        async with self._transaction() as pipe:
            sequence, _ = await pipe.incr(key).expire(key, 3 * 24 * 3600).execute()
        return f"HO{day}-{sequence:04d}"

    async def create(self, *, channel: str, sender_id: str, merchant_id: Optional[str],
               intent: Optional[str], slots: Dict[str, object], adapter_results: List[dict],
               diagnosis: Optional[str], explanation: Optional[str],
               transcript: List[Dict[str, str]], verification: Optional[str] = None) -> Ticket:
        """Stores a new ticket (everything masked) and returns it."""
        now = now_in_shanghai()
        transcript = [{**turn, "text": mask_text(turn.get("text") or "")} for turn in transcript]
        slots = {k: mask_text(v) if isinstance(v, str) else v for k, v in slots.items()}
        repeat = bool(merchant_id and await self.redis.exists(self._key("tickets", "merchant", merchant_id)))
        reasons = priority(slots, diagnosis, transcript, repeat)
        ticket = Ticket(
            ticket_id=await self._next_id(now), created_at=now.isoformat(timespec="seconds"),
            channel=channel, sender_id=sender_id, merchant_id=merchant_id, intent=intent,
            slots=slots, adapter_results=adapter_results, diagnosis=diagnosis,
            explanation=mask_text(explanation) if explanation else None, transcript=transcript,
            priority="high" if reasons else "normal", priority_reasons=reasons, summary="",
            verification=verification)
        ticket.summary = summarise(ticket)
        # One transaction: the ticket and its indexes reach the log (and the disk) together.
        async with self._transaction() as pipe:
            pipe.set(self._key("ticket", ticket.ticket_id), _stored(ticket))
            pipe.zadd(self._key("tickets"), {ticket.ticket_id: now.timestamp()})
            pipe.lpush(self._key("tickets", "sender", sender_id), ticket.ticket_id)
            if merchant_id:
                pipe.lpush(self._key("tickets", "merchant", merchant_id), ticket.ticket_id)
            await pipe.execute()
        return ticket

    async def get(self, ticket_id: str) -> Optional[Ticket]:
        raw = await self.redis.get(self._key("ticket", ticket_id.upper()))
        return Ticket(**json.loads(raw)) if raw else None

    async def latest_for_sender(self, sender_id: str) -> Optional[Ticket]:
        ticket_id = await self.redis.lindex(self._key("tickets", "sender", sender_id), 0)
        return await self.get(ticket_id) if ticket_id else None

    async def list(self, status: Optional[str] = None, limit: int = 50, **matching: str) -> List[Ticket]:
        """Newest first: those with `status` (one, or several comma-separated) and the `matching`
        values (diagnosis, channel, priority)."""
        statuses = set(status.split(",")) if status else None
        wanted = {name: value for name, value in matching.items() if value}
        ids = await self.redis.zrevrange(self._key("tickets"), 0, -1)
        tickets: List[Ticket] = []
        for start in range(0, len(ids), 200):
            batch = ids[start:start + 200]
            for raw in await self.redis.mget([self._key("ticket", ticket_id) for ticket_id in batch]):
                ticket = Ticket(**json.loads(raw)) if raw else None
                if ticket is None or (statuses and ticket.status not in statuses):
                    continue
                if all(str(getattr(ticket, name)) == value for name, value in wanted.items()):
                    tickets.append(ticket)
                if len(tickets) >= limit:
                    return tickets
        return tickets

    async def _update(self, ticket_id: str, change, news: bool = False) -> Ticket:
        """Reads, changes and writes the ticket as one step: a change made by another process in
        between (two agents claiming at once) makes this one start again on the new ticket."""
        key = self._key("ticket", ticket_id.upper())
        async with self._transaction() as pipe:
            while True:
                try:
                    await pipe.watch(key)
                    raw = await pipe.get(key)
                    if not raw:
                        raise KeyError(ticket_id)
                    ticket = Ticket(**json.loads(raw))
                    change(ticket)
                    ticket.updated_at = _now()
                    pipe.multi()
                    pipe.set(key, _stored(ticket))
                    if news:
                        pipe.rpush(self._key("news"), ticket.ticket_id)
                    await pipe.execute()
                    return ticket
                except WatchError:
                    continue

    async def complete(self, ticket_id: str, *, merchant_id: Optional[str], intent: Optional[str],
                       slots: Dict[str, object], adapter_results: List[dict], diagnosis: Optional[str],
                       explanation: Optional[str]) -> Ticket:
        """What a case found after its ticket was opened (转人工 first, details after): the
        ticket holds it, and its summary says so, instead of a second ticket being opened."""
        def change(ticket: Ticket) -> None:
            ticket.merchant_id = merchant_id or ticket.merchant_id
            ticket.intent = intent or ticket.intent
            ticket.slots = {**ticket.slots, **{k: mask_text(v) if isinstance(v, str) else v for k, v in slots.items()}}
            ticket.adapter_results = ticket.adapter_results + adapter_results
            ticket.diagnosis = diagnosis or ticket.diagnosis
            ticket.explanation = mask_text(explanation) if explanation else ticket.explanation
            ticket.summary = summarise(ticket)
        ticket = await self._update(ticket_id, change)
        if merchant_id:
            await self._push(self._key("tickets", "merchant", merchant_id), ticket.ticket_id)
        return ticket

    async def claim(self, ticket_id: str, agent: str, agent_name: Optional[str] = None,
                    over: Optional[str] = None) -> Ticket:
        """The agent takes the ticket: exactly one of two agents claiming at once wins, the other
        hears who holds it (TicketTaken). `over`: a supervisor's name, who may take it from anyone."""
        def change(ticket: Ticket) -> None:
            _may_change(ticket, agent, over is not None)
            if ticket.claimed_by == agent and ticket.status == CLAIMED:
                return
            ticket.status, ticket.claimed_by, ticket.agent_name = CLAIMED, agent, agent_name or agent
            ticket.claimed_at = ticket.claimed_at or _now()
            ticket.history.append(_done(over or agent_name or agent, "reassign" if over else "claim",
                                        agent_name or agent if over else None))
        return await self._update(ticket_id, change)

    async def release(self, ticket_id: str, agent: str, supervisor: bool = False,
                      agent_name: Optional[str] = None) -> Ticket:
        """Back to the queue; only its holder (or a supervisor) can let it go."""
        def change(ticket: Ticket) -> None:
            _may_change(ticket, agent, supervisor)
            ticket.status, ticket.claimed_by, ticket.agent_name = OPEN, None, None
            ticket.history.append(_done(agent_name or agent, "release"))
        return await self._update(ticket_id, change)

    async def add_note(self, ticket_id: str, agent: str, note: str) -> Ticket:
        def change(ticket: Ticket) -> None:
            masked = mask_text(note)
            ticket.notes.append({"agent": agent, "note": masked, "at": _now()})
            ticket.history.append(_done(agent, "note", masked))
        return await self._update(ticket_id, change)

    async def add_merchant_message(self, ticket_id: str, text: str) -> Ticket:
        """What the merchant wrote after the handover, for the agent (masked); an angry line makes
        the ticket high priority."""
        def change(ticket: Ticket) -> None:
            said = mask_text(text)
            ticket.history.append(_done("merchant", "merchant_message", said))
            angry = wording("for_agents")["reasons"]["angry"]
            if is_angry([{"who": "merchant", "text": said}]) and angry not in ticket.priority_reasons:
                ticket.priority_reasons.append(angry)
                ticket.priority = "high"
                ticket.summary = summarise(ticket)
        return await self._update(ticket_id, change)

    async def resolve(self, ticket_id: str, agent: str, note: str, agent_name: Optional[str] = None,
                      supervisor: bool = False) -> Ticket:
        """Resolved with the note the merchant will read; the merchant is told once, on their channel
        (the news is queued with the change, in one transaction: see `news`)."""
        def change(ticket: Ticket) -> None:
            _may_change(ticket, agent, supervisor)
            ticket.status, ticket.resolution_note = RESOLVED, mask_text(note)
            if not ticket.claimed_by:
                ticket.claimed_by, ticket.agent_name, ticket.claimed_at = agent, agent_name or agent, _now()
            ticket.resolved_at = _now()
            ticket.history.append(_done(agent_name or agent, "resolve", ticket.resolution_note))
        return await self._update(ticket_id, change, news=True)

    async def next_news(self, wait_seconds: int) -> Optional[Ticket]:
        """The next resolved ticket whose merchant is still to be told (each given to one taker),
        waiting up to `wait_seconds` for one (the client's timeout must be longer)."""
        found = await self.redis.blpop(self._key("news"), timeout=wait_seconds)
        if not found:
            return None
        return await self.get(found[1])

    async def news_again(self, ticket_id: str) -> None:
        """A resolution taken but not told (Redis failed in between): first in line again."""
        await self._push(self._key("news"), ticket_id)


def _may_change(ticket: Ticket, agent: str, supervisor: bool) -> None:
    """Refuses a change to a resolved ticket, or to one another agent holds (unless a supervisor asks)."""
    if ticket.status == RESOLVED:
        raise TicketClosed(ticket.ticket_id)
    if ticket.status == CLAIMED and ticket.claimed_by != agent and not supervisor:
        raise TicketTaken(ticket.agent_name or ticket.claimed_by or "")


def _now() -> str:
    return now_in_shanghai().isoformat(timespec="seconds")


def _done(who: str, what: str, text: Optional[str] = None) -> Dict[str, str]:
    return {"who": who, "what": what, "at": _now(), **({"text": text} if text else {})}
