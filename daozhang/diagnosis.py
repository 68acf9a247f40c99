"""From what the backend says to a diagnosis code and its explanation.

The rules are ordered from what the merchant can least change (the money was
never taken) to the routine (T+1 not yet due). Explanations live in
data/explanations.yml; this module only supplies the figures.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Dict, Optional

from daozhang import money
from daozhang.payout_calendar import t_plus
from daozhang.records import Merchant, Settlement, Transaction
from daozhang.resources import load_yaml, wording

WEEKDAYS = "一二三四五六日"


def channel_label(channel: str) -> str:
    """微信扫码 for `wechat`: the one name of a payment channel (wording.yml `channels`)."""
    return wording("channels").get(channel, channel)


@dataclass(frozen=True)
class Diagnosis:
    """A diagnosis code with the figures its explanation needs."""

    code: str
    facts: Dict[str, str] = field(default_factory=dict)
    transaction: Optional[Transaction] = None
    settlement: Optional[Settlement] = None
    # A case of the code worded apart (explanations.yml `variants`): the wallet saw the money
    # taken while the acquirer's record has no success (`wallet_paid`).
    variant: Optional[str] = None


@dataclass(frozen=True)
class Explanation:
    code: str
    title: str
    text: str
    offer_ticket: bool
    automatic_ticket: bool = False  # a ticket is made at once, not offered


def month_day(day: date) -> str:
    return f"{day.month}月{day.day}日"


def month_day_weekday(day: date) -> str:
    return f"{month_day(day)}（周{WEEKDAYS[day.weekday()]}）"


def _estimate_note(payout: date) -> str:
    return wording("facts")["estimate_note"].format(year=payout.year)


def _transaction_facts(t: Transaction) -> Dict[str, str]:
    return {"merchant_id": t.merchant_id, "amount": money.yuan(t.amount),
            "txn_date": month_day(t.time.date()), "txn_time": t.time.strftime("%H:%M"),
            "channel": channel_label(t.channel)}


def wallet_label(channel: str) -> str:
    """微信支付 for `wechat`: the wallet of a QR channel (wording.yml `wallets`)."""
    return wording("wallets").get(channel, channel)


def _code(merchant: Merchant, t: Transaction, s: Optional[Settlement]) -> str:
    if t.status == "refunded" or t.wallet_status == "refunded":
        return "refunded"
    if t.status in ("notpay", "closed"):
        # The wallet saw the money taken: the customer did pay, the acquirer has not caught up.
        return "pending_settlement" if t.wallet_status == "success" else "qr_not_paid"
    if t.status == "reversed":
        return "reversed"
    if t.status == "preauth":
        return "preauth_not_completed"
    if merchant.status == "not_activated" or (s and s.status == "blocked_not_activated"):
        return "merchant_not_activated"
    if s and s.status == "held":
        return "risk_review_hold"
    if s and s.status == "returned":
        return "settlement_failed_account"
    if s and s.status == "paid":
        return "merged_settlement" if s.batch_count > 1 else "already_paid"
    return "pending_settlement"


def diagnose(merchant: Merchant, t: Transaction, s: Optional[Settlement]) -> Diagnosis:
    """The diagnosis of one transaction of a known merchant."""
    code = _code(merchant, t, s)
    facts = _transaction_facts(t)
    variant = None
    if t.wallet_status:  # for the ticket: what the wallet itself said
        facts.update(wallet=wallet_label(t.channel), wallet_status=t.wallet_status, ledger_status=t.status)
    rules = load_yaml("settlement.yml")
    card_last4 = (s.card_last4 if s else None) or merchant.card_last4 or wording("facts")["no_card"]
    if code == "pending_settlement":
        payout, estimate = t_plus(t.time.date())
        facts.update(payout_date=month_day_weekday(payout), card_last4=card_last4,
                     estimate_note=_estimate_note(payout) if estimate else "")
        if t.status in ("notpay", "closed"):
            variant = "wallet_paid"
            facts.update(disagreement=wording("facts")["records_disagree"].format(
                wallet=facts["wallet"], ledger_status=t.status))
    elif code == "qr_not_paid":
        confirmed = t.wallet_status in ("notpay", "closed")
        facts.update(wallet_confirmed=wording("facts")["wallet_confirmed"].format(
            wallet=wallet_label(t.channel)) if confirmed else "")
    elif code in ("merged_settlement", "already_paid"):
        facts.update(batch_date=month_day(s.paid_on), payout_date=month_day(s.paid_on),
                     gross=money.yuan(s.batch_gross), fee=money.yuan(s.batch_fee),
                     net=money.yuan(s.batch_net), count=str(s.batch_count),
                     payer_name=s.payer_name or "", card_last4=card_last4)
    elif code == "settlement_failed_account":
        facts.update(reason=s.reason or wording("facts")["account_problem"], card_last4=card_last4)
    elif code == "preauth_not_completed":
        facts.update(expires=month_day(t.preauth_expires or t.time.date() + timedelta(days=30)))
    elif code == "refunded":
        facts.update(refund_date=month_day(t.refund_time.date()) if t.refund_time
                     else wording("facts")["refund_date_unknown"])
    elif code == "risk_review_hold":
        facts.update(review_days=rules["risk_review_days"])
    return Diagnosis(code, facts, t, s, variant)


def not_found(merchant_id: str, start: date, end: date) -> Diagnosis:
    span = month_day(start) if start == end else wording("facts")["date_range"].format(
        start=month_day(start), end=month_day(end))
    return Diagnosis("not_found", {"merchant_id": merchant_id, "date_range": span})


def unavailable(merchant_id: str) -> Diagnosis:
    return Diagnosis("lookup_unavailable", {"merchant_id": merchant_id})


def explain(diagnosis: Diagnosis) -> Explanation:
    """The merchant-facing explanation with the figures filled in."""
    explanations = load_yaml("explanations.yml")
    entry = explanations[diagnosis.code]
    if diagnosis.variant:
        entry = {**entry, **entry["variants"][diagnosis.variant]}
    text = (entry["explanation"] + entry["next_step"]).format(**diagnosis.facts)
    unchecked = diagnosis.transaction.unchecked_wallets if diagnosis.transaction else ()
    if unchecked:  # the answer rests on the acquirer's record alone: say so
        text += explanations["not_checked"].format(wallets="、".join(map(wallet_label, unchecked)))
    return Explanation(diagnosis.code, entry["title"], text, bool(entry["offer_ticket"]),
                       bool(entry.get("automatic_ticket")))


def closing_question() -> str:
    return load_yaml("explanations.yml")["closing_question"]


def ticket_offer() -> str:
    return load_yaml("explanations.yml")["ticket_offer"]
