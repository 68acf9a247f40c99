"""The promise kept: at the payout time the sale is looked up again and the merchant told.

After "预计12月7日到账" the merchant may ask to be reminded. A reminder waits in Redis
(a sorted set by due time and the reminder itself: it survives restarts); whichever
process runs the due ones first takes each (ZREM answers 1 to one taker only), so it
runs once across processes. At the due time the sale is looked up again: paid, the
merchant hears that it arrived (amount, card tail); not paid, a ticket with the whole
case is opened and the merchant hears its id.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Dict, List, Optional

import redis.asyncio as aioredis

from daozhang.adapters.base import TransactionStatusAdapter
from daozhang.clock import SHANGHAI, today_in_shanghai
from daozhang.diagnosis import explain, month_day_weekday
from daozhang.investigation import DIAGNOSED, investigate
from daozhang.money import yuan
from daozhang.payout_calendar import DEFAULT_HOUR, payout_hour
from daozhang.resources import reply
from daozhang.tickets import TicketStore

PAID = ("already_paid", "merged_settlement")


@dataclass
class Reminder:
    """What to look up again, and where to tell the merchant."""

    conversation: str
    merchant_id: str
    payout_on: str
    due_at: str
    txn_date: Optional[str] = None
    amount: Optional[str] = None
    payment_channel: Optional[str] = None
    problem: Optional[str] = None
    transcript: List[Dict[str, str]] = field(default_factory=list)

    @property
    def reminder_id(self) -> str:
        return f"{self.conversation}|{self.merchant_id}|{self.txn_date or ''}|{self.amount or ''}"


def due_time(payout: date) -> datetime:
    """The payout day at the hour its batch reaches the card (Asia/Shanghai)."""
    hour, minute = (int(part) for part in (payout_hour() or DEFAULT_HOUR).split(":"))
    return datetime.combine(payout, time(hour, minute), tzinfo=SHANGHAI)


class ReminderStore:
    """Reminders in Redis: `reminders` (due time → id) and `reminder:<id>` (the reminder)."""

    def __init__(self, client: aioredis.Redis, prefix: str = "daozhang") -> None:
        self.redis = client
        self.prefix = prefix

    def _key(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    async def schedule(self, reminder: Reminder) -> None:
        """Keeps the reminder until it is due (asked twice for one sale: still one reminder)."""
        due = datetime.fromisoformat(reminder.due_at).timestamp()
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(self._key("reminder", reminder.reminder_id), json.dumps(asdict(reminder), ensure_ascii=False))
            pipe.zadd(self._key("reminders"), {reminder.reminder_id: due})
            await pipe.execute()

    async def cancel(self, conversation: str) -> int:
        """Drops the conversation's reminders; how many there were."""
        dropped = 0
        ours = [i for i in await self.redis.zrange(self._key("reminders"), 0, -1) if i.startswith(f"{conversation}|")]
        for reminder_id in ours:
            if await self.redis.zrem(self._key("reminders"), reminder_id):
                await self.redis.delete(self._key("reminder", reminder_id))
                dropped += 1
        return dropped

    async def pending(self) -> List[Reminder]:
        ids = await self.redis.zrange(self._key("reminders"), 0, -1)
        return [r for r in [await self._load(i) for i in ids] if r is not None]

    async def take_due(self, now: datetime) -> List[Reminder]:
        """The reminders due by `now` that this caller took (another process never gets them too)."""
        taken = []
        for reminder_id in await self.redis.zrangebyscore(self._key("reminders"), 0, now.timestamp()):
            if await self.redis.zrem(self._key("reminders"), reminder_id) == 1:
                reminder = await self._load(reminder_id)
                await self.redis.delete(self._key("reminder", reminder_id))
                if reminder is not None:
                    taken.append(reminder)
        return taken

    async def _load(self, reminder_id: str) -> Optional[Reminder]:
        raw = await self.redis.get(self._key("reminder", reminder_id))
        return Reminder(**json.loads(raw)) if raw else None


async def keep_promise(reminder: Reminder, adapter: TransactionStatusAdapter, tickets: TicketStore,
                       today: Optional[date] = None) -> str:
    """Looks the sale up again and says what became of it: arrived, or a ticket opened."""
    outcome = await investigate(
        adapter, reminder.merchant_id, txn_date=date.fromisoformat(reminder.txn_date) if reminder.txn_date else None,
        amount=Decimal(reminder.amount) if reminder.amount else None, channel=reminder.payment_channel,
        problem=reminder.problem, today=today or today_in_shanghai())
    diagnosis = outcome.diagnosis if outcome.kind == DIAGNOSED else None
    if diagnosis is not None and diagnosis.code in PAID:
        facts = diagnosis.facts
        return reply("reminder_arrived", amount=facts.get("amount", ""), payout=facts.get("payout_date", ""),
                     card=facts.get("card_last4", ""), net=facts.get("net", ""))
    payout = month_day_weekday(date.fromisoformat(reminder.payout_on))
    said = reply("reminder_not_arrived", payout=payout, amount=yuan(reminder.amount) if reminder.amount else "")
    ticket = await tickets.create(
        channel=reminder.conversation.split(":", 1)[0], sender_id=reminder.conversation,
        merchant_id=reminder.merchant_id, intent=reminder.problem,
        slots={k: v for k, v in (("txn_date", reminder.txn_date), ("amount", reminder.amount),
                                 ("payment_channel", reminder.payment_channel),
                                 ("question", reply("reminder_ticket_question", payout=payout))) if v},
        adapter_results=[outcome.as_json()], diagnosis=diagnosis.code if diagnosis else None,
        explanation=explain(diagnosis).text if diagnosis else None,
        transcript=reminder.transcript + [{"who": "bot", "text": said, "at": ""}])
    return said + reply("reminder_ticket", ticket_id=ticket.ticket_id)
