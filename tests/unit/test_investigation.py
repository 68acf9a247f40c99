"""Every sandbox scenario of the contract, investigated end to end in the domain package."""
import asyncio
from datetime import date, timedelta
from decimal import Decimal

import pytest

from daozhang.adapters import LookupUnavailable, with_timeout
from daozhang.adapters.sandbox import SandboxAdapter
from daozhang.diagnosis import explain
from daozhang.investigation import CHOOSE, DIAGNOSED, UNKNOWN_MERCHANT, investigate
from daozhang.resources import load_yaml

TODAY = date(2026, 11, 23)  # Monday


def pending_sales(*amounts):
    """A test merchant with yesterday's card sales A, B, C … of these amounts, none paid yet."""
    ids = "ABCDEF"[:len(amounts)]
    return SandboxAdapter(TODAY, data={"merchants": {"898310000000077": {
        "name": "测试", "status": "active", "settlement_card": {"bank": "工商银行", "last4": "1111"},
        "transactions": [{"id": i, "day": -1, "time": f"{10 + 2 * n}:00", "amount": f"{a}.00",
                          "channel": "card", "status": "success"} for n, (i, a) in enumerate(zip(ids, amounts))],
        "settlements": {i: {"status": "pending"} for i in ids}}}})


def run(merchant_id, **kwargs):
    adapter = with_timeout(SandboxAdapter(TODAY), 0.3)
    return asyncio.run(investigate(adapter, merchant_id, today=TODAY, **kwargs))


@pytest.mark.parametrize("merchant_id, code", [
    ("898310000000001", "risk_review_hold"),
    ("898310000000002", "qr_not_paid"),
    ("898310000000003", "pending_settlement"),
    ("898310000000004", "merged_settlement"),
    ("898310000000005", "settlement_failed_account"),
    ("898310000000006", "preauth_not_completed"),
    ("898310000000007", "reversed"),
    ("898310000000008", "not_found"),
    ("898310000000009", "already_paid"),
    ("898310000000010", "merchant_not_activated"),
    ("898310000000011", "refunded"),
    ("898310000000500", "lookup_unavailable"),
])
def test_each_sandbox_merchant_gets_its_diagnosis(merchant_id, code):
    outcome = run(merchant_id)
    assert outcome.kind == DIAGNOSED
    assert outcome.diagnosis.code == code


def test_explanations_carry_the_real_figures():
    pending = explain(run("898310000000003").diagnosis).text
    assert "1,250.00元" in pending and "11月24日（周二）" in pending
    merged = explain(run("898310000000004").diagnosis).text
    assert "2,500.00" in merged and "15.00" in merged and "2,485.00" in merged
    assert "银联商务结算款" in merged
    paid = explain(run("898310000000009").diagnosis).text
    # paid out on the last working day before today (Friday): never on the Sunday between
    assert "6789" in paid and "11月20日" in paid and "1,491.00" in paid
    risk = explain(run("898310000000001").diagnosis).text
    assert "2,000.00元" in risk and "11月22日14:30" in risk
    preauth = explain(run("898310000000006").diagnosis).text
    assert "5,000.00元" in preauth and "12月20日" in preauth
    frozen = explain(run("898310000000005").diagnosis).text
    assert "冻结" in frozen and "3,000.00元" in frozen


def test_every_code_has_a_short_explanation_with_no_placeholder_left():
    seen = set()
    for merchant in ["%015d" % (898310000000000 + n) for n in range(1, 12)] + ["898310000000500"]:
        explanation = explain(run(merchant).diagnosis)
        assert "{" not in explanation.text and explanation.title
        assert len(explanation.text) < 260
        seen.add(explanation.code)
    assert seen == {code for code, entry in load_yaml("explanations.yml").items() if isinstance(entry, dict)}


def test_an_unknown_merchant_is_said_to_be_unknown():
    assert run("898310000000999").kind == UNKNOWN_MERCHANT


def test_a_day_narrows_the_window_and_a_misremembered_day_still_finds_the_sale():
    exact = run("898310000000003", txn_date=TODAY)
    assert exact.diagnosis.code == "pending_settlement" and not exact.approximate
    misremembered = run("898310000000003", txn_date=TODAY - timedelta(days=5))
    assert misremembered.diagnosis.code == "pending_settlement" and misremembered.approximate


def test_nothing_in_the_window_at_all_is_not_found():
    assert run("898310000000008", txn_date=TODAY - timedelta(days=1)).diagnosis.code == "not_found"


@pytest.mark.parametrize("quoted", ["2485", "2500", "2400", "800", "1200"])
def test_the_amount_on_the_statement_or_a_rough_one_finds_the_batch(quoted):
    # net 2,485 and gross 2,500 of the batch; 两千四百多 said as 2400; the sales themselves
    outcome = run("898310000000004", amount=Decimal(quoted))
    assert outcome.diagnosis.code == "merged_settlement"
    assert outcome.approximate == (quoted == "2400")


def test_a_misremembered_amount_lists_the_merchants_sales_instead_of_not_found():
    adapter = pending_sales(500, 800)
    outcome = asyncio.run(investigate(adapter, "898310000000077", amount=Decimal("3000"), today=TODAY))
    assert outcome.kind == CHOOSE and outcome.approximate and len(outcome.candidates) == 2
    near = asyncio.run(investigate(adapter, "898310000000077", amount=Decimal("790"), today=TODAY))
    assert near.kind == DIAGNOSED and near.diagnosis.transaction.transaction_id == "B" and near.approximate


def test_an_amount_picks_one_of_several_transactions():
    adapter = pending_sales(500, 800)
    several = asyncio.run(investigate(adapter, "898310000000077", today=TODAY))
    assert several.kind == CHOOSE and len(several.candidates) == 2
    one = asyncio.run(investigate(adapter, "898310000000077", amount=Decimal("800"), today=TODAY))
    assert one.kind == DIAGNOSED and one.diagnosis.transaction.transaction_id == "B"
    chosen = asyncio.run(investigate(adapter, "898310000000077", today=TODAY,
                                     choose=lambda candidates: candidates[1]))
    assert chosen.diagnosis.transaction.transaction_id == several.candidates[1].transaction_id
    undecided = asyncio.run(investigate(adapter, "898310000000077", today=TODAY, choose=lambda c: None))
    assert undecided.kind == CHOOSE


def test_a_stalling_backend_times_out_fast():
    adapter = with_timeout(SandboxAdapter(TODAY), 0.1)
    with pytest.raises(LookupUnavailable):
        asyncio.run(adapter.find_merchant("898310000000500"))


def test_late_december_payouts_say_they_are_estimates():
    adapter = SandboxAdapter(date(2026, 12, 31))
    outcome = asyncio.run(investigate(adapter, "898310000000003", today=date(2026, 12, 31)))
    text = explain(outcome.diagnosis).text
    assert "1月4日（周一）" in text and "估算" in text


def test_sandbox_payouts_land_on_working_days_that_the_payout_rule_allows():
    from daozhang.payout_calendar import t_plus, workday

    for offset in range(0, 120):
        today = date(2026, 9, 1) + timedelta(days=offset)
        adapter = SandboxAdapter(today)
        for merchant_id, transaction_id in (("898310000000004", "T0004001"), ("898310000000009", "T0009001")):
            sale = next(t for t in adapter._transactions[merchant_id] if t.transaction_id == transaction_id)
            paid_on = adapter._settlements[transaction_id].paid_on
            assert workday(paid_on).is_workday and paid_on <= today, (today, merchant_id)
            assert t_plus(sale.time.date())[0] == paid_on, (today, merchant_id)


def test_on_a_sunday_the_batch_is_fridays_and_its_sales_thursdays():
    sunday = date(2026, 11, 29)
    adapter = SandboxAdapter(sunday)
    assert adapter._settlements["T0004001"].paid_on == date(2026, 11, 27)
    assert {t.time.date() for t in adapter._transactions["898310000000004"]} == {date(2026, 11, 26)}


def test_several_amounts_each_point_to_their_sale():
    adapter = pending_sales(500, 800, 1200)
    two = asyncio.run(investigate(adapter, "898310000000077", amount=Decimal("500"),
                                  also_amounts=[Decimal("1200")], today=TODAY))
    assert two.kind == CHOOSE and {t.transaction_id for t in two.candidates} == {"A", "C"}
    assert not two.approximate
