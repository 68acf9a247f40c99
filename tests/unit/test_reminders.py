"""The promise kept: reminders due at the payout time, taken once across processes, against a real Redis."""
import asyncio
import uuid
from datetime import date, datetime, timedelta

import pytest

from daozhang.adapters.sandbox import SandboxAdapter
from daozhang.clock import SHANGHAI
from daozhang.reminders import Reminder, ReminderStore, due_time, keep_promise
from daozhang.tickets import TicketStore
from daozhang.wiring import redis_client

THURSDAY, FRIDAY = date(2026, 12, 3), date(2026, 12, 4)
HOLIDAY_EVE = date(2026, 9, 30)


@pytest.fixture
def prefix(run):
    prefix = f"r{uuid.uuid4().hex[:8]}"
    yield prefix
    client = redis_client("tools", db=8)
    for key in run(client.keys(f"{prefix}:*")):
        run(client.delete(key))


def reminder(payout, conversation="rest:m1", merchant_id="898310000000003", txn_date=None, amount="1250"):
    return Reminder(conversation=conversation, merchant_id=merchant_id, payout_on=payout.isoformat(),
                    due_at=due_time(payout).isoformat(), txn_date=txn_date, amount=amount,
                    payment_channel="card", problem="settlement_delayed")


def test_a_reminder_is_due_at_the_payout_hour_in_shanghai():
    assert due_time(FRIDAY) == datetime(2026, 12, 4, 18, 0, tzinfo=SHANGHAI)
    assert due_time(date(2026, 10, 8)).date() == date(2026, 10, 8)  # after National Day


def test_a_due_reminder_is_taken_once_even_by_two_processes_at_once(run, prefix):
    first, second = (ReminderStore(redis_client("tools", db=8), prefix) for _ in range(2))
    run(first.schedule(reminder(FRIDAY)))
    run(first.schedule(reminder(FRIDAY)))  # asked twice for one sale: one reminder
    assert run(first.take_due(due_time(FRIDAY) - timedelta(minutes=1))) == []

    async def both():
        return await asyncio.gather(first.take_due(due_time(FRIDAY)), second.take_due(due_time(FRIDAY)))
    taken = run(both())
    assert sorted(len(t) for t in taken) == [0, 1]
    assert run(first.take_due(due_time(FRIDAY) + timedelta(days=1))) == [] and run(first.pending()) == []


def test_a_reminder_survives_a_new_client_as_after_a_restart(run, prefix):
    run(ReminderStore(redis_client("tools", db=8), prefix).schedule(reminder(FRIDAY)))
    again = ReminderStore(redis_client("tools", db=8), prefix)
    assert [r.payout_on for r in run(again.pending())] == ["2026-12-04"]


def test_not_arrived_at_the_payout_time_opens_a_ticket_with_the_case(run, prefix):
    store = TicketStore(redis_client("tools", db=8), prefix)
    said = run(keep_promise(reminder(FRIDAY, txn_date=THURSDAY.isoformat()), SandboxAdapter(today=THURSDAY),
                            store, today=THURSDAY))
    assert "还没有到账" in said and "12月4日（周五）" in said and "工单号 HO" in said
    ticket = run(store.latest_for_sender("rest:m1"))
    assert ticket.merchant_id == "898310000000003" and ticket.slots["amount"] == "1250"
    assert "到时复查仍未到账" in ticket.summary


def test_arrived_at_the_payout_time_says_so_with_the_card_tail(run, prefix):
    store = TicketStore(redis_client("tools", db=8), prefix)
    sale_day = HOLIDAY_EVE - timedelta(days=2)  # 009's sale, paid by the day before the holiday
    said = run(keep_promise(reminder(HOLIDAY_EVE, merchant_id="898310000000009", amount="1500",
                                     txn_date=sale_day.isoformat()),
                            SandboxAdapter(today=HOLIDAY_EVE), store, today=HOLIDAY_EVE))
    assert "【到账提醒】" in said and "6789" in said and "1,491.00元" in said and "工单" not in said
