"""Several backends at once (DZ_ADAPTER=http,wechatpay,alipay) against the local fakes: ledgers
merged, a QR sale confirmed by its wallet, and what one backend failing or slow costs (only what
it alone could have said, and the merchant is told which wallet could not be checked)."""
import os
import subprocess
import sys
import time
from datetime import date

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import conclusion
from daozhang import wiring
from daozhang.adapters.alipay import AlipayOrders
from daozhang.adapters.base import with_timeout
from daozhang.adapters.combined import CombinedAdapter
from daozhang.adapters.http import HttpAdapter
from daozhang.adapters.sandbox import SandboxAdapter
from daozhang.adapters.wechatpay import WechatPayOrders
from daozhang.diagnosis import explain
from daozhang.investigation import DIAGNOSED, UNKNOWN_MERCHANT, investigate
from tests.support.backend_settings import (
    alipay_settings,
    http_settings,
    lookup_cache,
    wallet_environment,
    wechatpay_settings,
)
from tests.support.fake_acquirer import FakeAcquirer, with_qr_sales
from tests.support.fake_alipay import FakeAlipay
from tests.support.fake_server import served
from tests.support.fake_wechatpay import FakeWechatPay
from tests.support.stack import ROOT, free_port

CACHE_DB = 11  # a database of the test Redis of this file's own: emptied before each test
NOV_20, NOV_21 = date(2026, 11, 20), date(2026, 11, 21)
SANDBOX_TODAY = date(2026, 11, 23)
GUARD_SECONDS, LEDGER_SECONDS, WALLET_SECONDS = 2.0, 1.0, 0.5
@pytest.fixture
def fakes(run):
    servers = {"http": FakeAcquirer(with_qr_sales()), "wechatpay": FakeWechatPay(), "alipay": FakeAlipay()}
    with served(run, *servers.values()):
        yield servers


@pytest.fixture
def cache(run):
    with lookup_cache(run, CACHE_DB) as client:
        yield client


@pytest.fixture
def combined(run, fakes, cache, tmp_path):
    """http, wechatpay and alipay at the fakes, guarded as wiring guards them; `with_sandbox` adds the
    sandbox as a second ledger."""
    made = []

    def make(with_sandbox=False):
        ledgers = [HttpAdapter(http_settings(fakes["http"].url), cache, wiring.KEY_PREFIX)]
        if with_sandbox:
            ledgers.append(SandboxAdapter(SANDBOX_TODAY))
        wallets = [WechatPayOrders(wechatpay_settings(fakes["wechatpay"].url, tmp_path), cache, wiring.KEY_PREFIX),
                   AlipayOrders(alipay_settings(fakes["alipay"].url, tmp_path), cache, wiring.KEY_PREFIX)]
        made.append(CombinedAdapter(ledgers, wallets, LEDGER_SECONDS, WALLET_SECONDS))
        return with_timeout(made[-1], GUARD_SECONDS)

    yield make
    for adapter in made:
        run(adapter.close())


def _investigate(run, adapter, merchant_id):
    return run(investigate(adapter, merchant_id, txn_date=NOV_20, today=NOV_21))


# --- the three ways a wallet changes the diagnosis -----------------------------------------------------

def test_a_closed_order_the_wallet_confirms_is_qr_not_paid_and_says_so(run, combined):
    outcome = _investigate(run, combined(), "898310000000021")
    assert outcome.diagnosis.code == "qr_not_paid"
    assert outcome.diagnosis.transaction.wallet_status == "closed"
    assert outcome.diagnosis.facts["wallet_status"] == "closed"
    assert "微信支付那边也确认这笔没有付款成功" in explain(outcome.diagnosis).text
    waiting = _investigate(run, combined(), "898310000000024")
    assert waiting.diagnosis.code == "qr_not_paid" and "支付宝那边也确认" in explain(waiting.diagnosis).text


def test_an_order_the_wallet_saw_paid_is_never_called_unpaid_and_goes_to_a_person(run, combined):
    outcome = _investigate(run, combined(), "898310000000022")
    diagnosis = outcome.diagnosis
    assert diagnosis.code == "pending_settlement" and diagnosis.variant == "wallet_paid"
    explanation = explain(diagnosis)
    assert explanation.automatic_ticket and explanation.title == "顾客已付款，收单记录还没同步"
    assert "微信支付显示顾客已经付款成功" in explanation.text and "收单机构的记录还没有更新" in explanation.text
    assert "没有完成支付" not in explanation.text and "截图" not in explanation.text
    facts = outcome.as_json()["facts"]  # what the ticket keeps
    assert (facts["wallet_status"], facts["ledger_status"]) == ("success", "closed")
    assert "两边记录不一致" in facts["disagreement"]
    assert outcome.as_json()["transaction"]["wallet_status"] == "success"


def test_a_sale_the_wallet_refunded_is_refunded(run, combined):
    outcome = _investigate(run, combined(), "898310000000023")
    assert outcome.diagnosis.code == "refunded" and outcome.diagnosis.transaction.status == "success"
    explanation = explain(outcome.diagnosis)
    assert "退款" in explanation.text and "{" not in explanation.text and not explanation.automatic_ticket


# --- one backend failing or slow ------------------------------------------------------------------------

def test_a_slow_wallet_leaves_the_ledgers_view_says_what_was_not_checked_and_spoils_nothing_else(
        run, fakes, combined):
    adapter = combined()
    fakes["wechatpay"].always = "slow"
    started = time.monotonic()
    outcome = _investigate(run, adapter, "898310000000022")
    assert time.monotonic() - started < GUARD_SECONDS
    assert outcome.kind == DIAGNOSED and outcome.diagnosis.code == "qr_not_paid"  # the acquirer's record
    assert outcome.diagnosis.transaction.unchecked_wallets == ("wechat",)
    assert outcome.diagnosis.facts["wallet_confirmed"] == ""
    text = explain(outcome.diagnosis).text
    assert text.endswith("微信支付那边暂时查不到这笔订单，以上结论依据的是收单机构的记录。")
    assert outcome.as_json()["transaction"]["unchecked_wallets"] == ["wechat"]
    refunded = _investigate(run, adapter, "898310000000023")  # Alipay still answers
    assert refunded.diagnosis.code == "refunded" and "暂时查不到" not in explain(refunded.diagnosis).text


def test_a_wallet_answer_with_a_wrong_signature_is_not_checked_rather_than_trusted(run, fakes, combined):
    fakes["alipay"].always = "bad_signature"
    outcome = _investigate(run, combined(), "898310000000023")
    assert outcome.diagnosis.code == "pending_settlement" and outcome.diagnosis.variant is None
    assert "支付宝那边暂时查不到" in explain(outcome.diagnosis).text


def test_a_ledger_down_is_lookup_unavailable(run, fakes, combined):
    fakes["http"].always = 503
    assert _investigate(run, combined(), "898310000000021").diagnosis.code == "lookup_unavailable"


def test_ledgers_are_merged_and_one_down_loses_nothing_the_other_knows(run, fakes, combined):
    adapter = combined(with_sandbox=True)
    sandbox_sale = run(investigate(adapter, "898310000000003", today=SANDBOX_TODAY))
    assert sandbox_sale.diagnosis.code == "pending_settlement"  # the acquirer does not know it: the sandbox does
    assert _investigate(run, adapter, "898310000000021").diagnosis.code == "qr_not_paid"  # and the other way
    assert run(investigate(adapter, "898310000000999", today=SANDBOX_TODAY)).kind == UNKNOWN_MERCHANT

    fakes["http"].always = "slow"
    started = time.monotonic()
    still = run(investigate(adapter, "898310000000009", today=SANDBOX_TODAY))
    assert still.diagnosis.code == "already_paid" and time.monotonic() - started < 3 * GUARD_SECONDS
    # an id the answering ledger does not know might be the silent one's: not "unknown"
    assert run(investigate(adapter, "898310000000998", today=SANDBOX_TODAY)).diagnosis.code == "lookup_unavailable"


# --- the composition root --------------------------------------------------------------------------

def _environment(monkeypatch, tmp_path, names):
    monkeypatch.setenv("DZ_ADAPTER", names)
    monkeypatch.setenv("DZ_HTTP_BASE_URL", "https://acquirer.example.com/status/v1")
    for name, value in wallet_environment(tmp_path).items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def fresh_wiring():
    wiring.adapter.cache_clear()
    yield
    wiring.adapter.cache_clear()
    wiring.verifier.cache_clear()


def test_dz_adapter_lists_build_one_guarded_combined_backend(monkeypatch, tmp_path, fresh_wiring):
    _environment(monkeypatch, tmp_path, "http, wechatpay,alipay")
    built = wiring.adapter()
    combined = built._inner
    assert isinstance(combined, CombinedAdapter) and not built.demo
    assert [type(ledger).__name__ for ledger in combined.ledgers] == ["HttpAdapter"]
    assert sorted(combined.wallets) == ["alipay", "wechat"]
    assert combined.wallets["wechat"].settings.base_url == "https://api.mch.weixin.qq.com"  # the shipped gateway


@pytest.mark.parametrize("names, message", [
    ("wechatpay,alipay", "names only wallets"),
    ("http,mainframe", "mainframe"),
    ("", "nothing"),
])
def test_a_list_without_a_ledger_or_with_an_unknown_name_is_refused_at_start(
        monkeypatch, tmp_path, fresh_wiring, names, message):
    _environment(monkeypatch, tmp_path, names)
    with pytest.raises(ValueError, match=message):
        wiring.adapter()


def test_the_action_server_refuses_to_start_with_a_backend_list_it_cannot_use(tmp_path):
    """Not at a merchant's first message: at start, with the reason (actions/__init__.py)."""
    env = {**os.environ, "DZ_ADAPTER": "wechatpay,alipay", "ACTION_PORT": str(free_port())}
    started = subprocess.run([sys.executable, "-m", "tools.rasa_quiet", "run", "actions", "--port",
                              env["ACTION_PORT"], "--actions", "actions"],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert started.returncode != 0
    assert "names only wallets" in started.stdout + started.stderr


def test_members_given_more_time_than_the_guard_are_refused_at_start(monkeypatch, tmp_path, fresh_wiring):
    _environment(monkeypatch, tmp_path, "http,wechatpay")
    monkeypatch.setenv("DZ_LOOKUP_TIMEOUT", "1")
    with pytest.raises(ValueError, match="DZ_LOOKUP_TIMEOUT"):
        wiring.adapter()


def test_the_reply_to_a_wallet_payment_the_acquirer_lacks_comes_with_a_ticket_at_once(run, monkeypatch, combined):
    adapter = combined()
    monkeypatch.setattr(conclusion, "adapter", lambda: adapter)
    monkeypatch.setattr(conclusion, "today_in_shanghai", lambda: NOV_21)
    tracker = Tracker("wallet-paid-1", {"merchant_id": "898310000000022", "txn_date": "2026-11-20"},
                      {"text": "顾客说微信付了368，我没收到", "intent": {"name": "qr_payment_not_arrived"}, "entities": []},
                      [], False, None, None, "action_listen")
    dispatcher = CollectingDispatcher()
    events = run(conclusion.conclude(dispatcher, tracker))
    said = "\n".join(message["text"] for message in dispatcher.messages)
    assert "顾客已付款，收单记录还没同步" in said and "工单号 HO" in said
    slots = {event["name"]: event["value"] for event in events if event.get("event") == "slot"}
    assert slots["diagnosis"] == "pending_settlement" and slots["handoff_ticket"].startswith("HO")
