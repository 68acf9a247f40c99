"""Tickets against a real Redis server (the test session's own, tests/support/redis_server.py)."""
import re
import uuid

import pytest

from daozhang.tickets import CLAIMED, RESOLVED
from daozhang.wiring import ticket_store
from tests.support.blocking import Blocking


@pytest.fixture
def store(run):
    prefix = f"t{uuid.uuid4().hex[:8]}"
    store = Blocking(ticket_store(prefix=prefix, db=8), run)
    yield store
    for key in store.redis.keys(f"{prefix}:*"):
        store.redis.delete(key)


def new_ticket(store, **overrides):
    fields = dict(channel="rest", sender_id="s1", merchant_id="898310000000005",
                  intent="payment_not_arrived", slots={"amount": "3000", "txn_date": "2026-11-21"},
                  adapter_results=[{"diagnosis": "settlement_failed_account"}],
                  diagnosis="settlement_failed_account", explanation="打款被退回",
                  transcript=[{"who": "merchant", "text": "我卡号6222021234567894钱没到"},
                              {"who": "bot", "text": "请提供商户号"}])
    fields.update(overrides)
    return store.create(**fields)


def test_ids_follow_the_contract_and_count_up_per_day(store):
    first, second = new_ticket(store), new_ticket(store, sender_id="s2")
    assert re.fullmatch(r"HO\d{8}-\d{4}", first.ticket_id)
    assert int(second.ticket_id[-4:]) == int(first.ticket_id[-4:]) + 1


def test_a_ticket_holds_every_field_and_masks_card_numbers(store):
    ticket = store.get(new_ticket(store).ticket_id)
    assert ticket.merchant_id == "898310000000005" and ticket.diagnosis == "settlement_failed_account"
    assert ticket.slots["amount"] == "3000" and ticket.adapter_results and ticket.explanation
    assert ticket.status == "open" and ticket.summary.startswith("商户898310000000005")
    assert "6222021234567894" not in str(ticket) and "7894" in ticket.transcript[0]["text"]
    raw = "".join(store.redis.get(k) or "" for k in store.redis.keys(f"{store.prefix}:ticket:*"))
    assert "6222021234567894" not in raw


def test_priority_is_high_for_a_returned_payout(store):
    ticket = new_ticket(store)
    assert ticket.priority == "high" and "结算打款被退回" in ticket.priority_reasons


def test_priority_rules(store):
    calm = new_ticket(store, merchant_id="898310000000003", diagnosis="pending_settlement",
                      slots={"amount": "1250"}, transcript=[{"who": "merchant", "text": "还没到"}])
    assert calm.priority == "normal"
    big = new_ticket(store, merchant_id="898310000000077", diagnosis=None, slots={"amount": "12000"},
                     transcript=[])
    assert "金额12000元≥1万" in big.priority_reasons
    angry = new_ticket(store, merchant_id="898310000000078", diagnosis=None, slots={},
                       transcript=[{"who": "merchant", "text": "再不解决我就投诉"}])
    assert angry.priority == "high"
    repeat = new_ticket(store, merchant_id="898310000000003", diagnosis="pending_settlement",
                        slots={}, transcript=[])
    assert "同一商户重复来访" in repeat.priority_reasons


def test_claim_note_and_resolve(store):
    ticket = new_ticket(store)
    assert store.claim(ticket.ticket_id, "agent-li").status == CLAIMED
    store.add_note(ticket.ticket_id, "agent-li", "已联系银行")
    done = store.resolve(ticket.ticket_id, "agent-li", "已换绑新卡并重新打款")
    assert done.status == RESOLVED and done.resolution_note == "已换绑新卡并重新打款"
    assert store.latest_for_sender("s1").ticket_id == ticket.ticket_id
    assert [t.ticket_id for t in store.list(status=RESOLVED)] == [ticket.ticket_id]


def test_a_bare_request_for_a_person_says_what_the_agent_must_ask(store):
    bare = new_ticket(store, merchant_id=None, intent="request_human", slots={}, adapter_results=[],
                      diagnosis=None, explanation=None, transcript=[{"who": "merchant", "text": "转人工"}])
    assert "还需向商户询问：商户号、遇到的具体问题、交易日期、交易金额" in bare.summary
    assert "无需再次询问。" not in bare.summary.split("；")[0]
    complete = new_ticket(store)
    assert "还需向商户询问" not in complete.summary and "无需再次询问" in complete.summary


def test_the_merchants_question_objection_and_reference_number_are_in_the_summary(store):
    ticket = new_ticket(store, slots={"amount": "1500", "question": "能加急吗", "objection": "我卡尾号不是6789",
                                      "reference_no": "532614300101"}, diagnosis="already_paid")
    assert "商户的问题：“能加急吗”" in ticket.summary
    assert "商户对查询结论有异议：“我卡尾号不是6789”" in ticket.summary
    assert "532614300101" in ticket.summary and ticket.slots["amount"] == "1500"


def test_a_ticket_opened_before_the_case_is_completed_by_what_the_case_found(store):
    bare = new_ticket(store, merchant_id=None, intent="request_human", slots={}, adapter_results=[],
                      diagnosis=None, explanation=None, transcript=[{"who": "merchant", "text": "人工客服"}])
    done = store.complete(bare.ticket_id, merchant_id="898310000000003", intent="payment_not_arrived",
                          slots={"amount": "1250"}, adapter_results=[{"diagnosis": "pending_settlement"}],
                          diagnosis="pending_settlement", explanation="预计12月7日到账")
    assert done.merchant_id == "898310000000003" and done.slots["amount"] == "1250"
    assert "还需向商户询问" not in done.summary and "正常结算中" in done.summary
    assert bare.ticket_id in store.redis.lrange(f"{store.prefix}:tickets:merchant:898310000000003", 0, -1)
