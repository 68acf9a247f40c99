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


def test_two_agents_claiming_at_once_one_wins_and_the_other_hears_who(run):
    """Two processes' clients race on one ticket, many times: always exactly one holder."""
    import asyncio

    from daozhang.tickets import TicketTaken

    prefix = f"t{uuid.uuid4().hex[:8]}"
    stores = [ticket_store(prefix=prefix, db=8) for _ in range(2)]

    async def race():
        winners = []
        for _ in range(20):
            ticket = await stores[0].create(channel="rest", sender_id="s1", merchant_id=None, intent=None, slots={},
                                            adapter_results=[], diagnosis=None, explanation=None, transcript=[])
            results = await asyncio.gather(stores[0].claim(ticket.ticket_id, "li", "李娜"),
                                           stores[1].claim(ticket.ticket_id, "wang", "王芳"), return_exceptions=True)
            won = [r for r in results if not isinstance(r, Exception)]
            lost = [r for r in results if isinstance(r, TicketTaken)]
            assert len(won) == 1 and len(lost) == 1, results
            assert lost[0].holder == won[0].agent_name
            held = await stores[0].get(ticket.ticket_id)
            assert held.claimed_by == won[0].claimed_by and len([h for h in held.history if h["what"] == "claim"]) == 1
            winners.append(held.claimed_by)
        return winners
    try:
        assert len(run(race())) == 20
    finally:
        keys = run(stores[0].redis.keys(f"{prefix}:*"))
        if keys:
            run(stores[0].redis.delete(*keys))


def test_only_the_holder_or_a_supervisor_releases_or_resolves(store):
    from daozhang.tickets import OPEN, TicketClosed, TicketTaken

    ticket = new_ticket(store)
    claimed = store.claim(ticket.ticket_id, "li", "李娜")
    assert claimed.claimed_at and claimed.agent_name == "李娜"
    for attempt in (lambda: store.release(ticket.ticket_id, "wang"), lambda: store.resolve(ticket.ticket_id, "wang", "x"),
                    lambda: store.claim(ticket.ticket_id, "wang", "王芳")):
        with pytest.raises(TicketTaken) as taken:
            attempt()
        assert taken.value.holder == "李娜"
    released = store.release(ticket.ticket_id, "wang", supervisor=True, agent_name="王芳")
    assert released.status == OPEN and released.claimed_by is None
    reassigned = store.claim(ticket.ticket_id, "zhao", "赵强", over="王芳")
    assert reassigned.agent_name == "赵强" and reassigned.history[-1] == {**reassigned.history[-1], "who": "王芳",
                                                                          "what": "reassign", "text": "赵强"}
    done = store.resolve(ticket.ticket_id, "zhao", "已处理", "赵强")
    assert done.resolved_at and done.resolved_at >= done.claimed_at
    with pytest.raises(TicketClosed):
        store.claim(ticket.ticket_id, "li", "李娜")
    assert [step["what"] for step in done.history] == ["claim", "release", "reassign", "resolve"]


def test_a_resolution_is_news_to_tell_once(store):
    ticket = new_ticket(store)
    store.resolve(ticket.ticket_id, "li", "已换绑新卡并重新打款 卡号6222021234567894", "李娜")
    news = store.next_news(1)
    assert news.ticket_id == ticket.ticket_id and "6222021234567894" not in news.resolution_note
    assert news.claimed_by == "li" and news.agent_name == "李娜"  # resolved straight from the queue
    assert store.next_news(1) is None


def test_what_the_merchant_writes_after_the_handover_reaches_the_ticket_masked(store):
    ticket = new_ticket(store)
    store.add_merchant_message(ticket.ticket_id, "卡号6222021234567894 能快点吗")
    step = store.get(ticket.ticket_id).history[-1]
    assert step["who"] == "merchant" and "能快点吗" in step["text"] and "6222021234567894" not in step["text"]


def test_the_list_filters_by_status_diagnosis_channel_and_priority(store):
    high = new_ticket(store)
    calm = new_ticket(store, sender_id="wechat:o1", channel="wechat", merchant_id="898310000000003",
                      diagnosis="pending_settlement", slots={"amount": "12"}, transcript=[])
    store.claim(calm.ticket_id, "li")
    assert [t.ticket_id for t in store.list(status="open,claimed")] == [calm.ticket_id, high.ticket_id]
    assert [t.ticket_id for t in store.list(diagnosis="pending_settlement")] == [calm.ticket_id]
    assert [t.ticket_id for t in store.list(channel="wechat", status="claimed")] == [calm.ticket_id]
    assert [t.ticket_id for t in store.list(priority="high")] == [high.ticket_id]
    assert store.list(status="resolved") == []
