"""The wallet adapters (WeChat Pay, Alipay) against local fakes that behave like the real APIs:
signatures checked both ways, statuses in our words, retries only where asking again can help,
timeouts bounded, broken or untrusted answers as LookupUnavailable, a breaker that opens and closes
again, and a cache in the test session's Redis. Each test runs against both wallets."""
import asyncio
import time
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import pytest

from daozhang import wiring
from daozhang.adapters.alipay import AlipayOrders, AlipaySettings
from daozhang.adapters.base import LookupUnavailable
from daozhang.adapters.wechatpay import WechatPayOrders, WechatPaySettings
from daozhang.clock import SHANGHAI
from tests.support.backend_settings import alipay_settings, lookup_cache, qr_sale, wechatpay_settings, wrong_keys
from tests.support.fake_alipay import FakeAlipay
from tests.support.fake_server import served
from tests.support.fake_wechatpay import FakeWechatPay

CACHE_DB = 10  # a database of the test Redis of this file's own: emptied before each test
WALLETS = {  # name: (fake, settings, adapter, channel)
    "wechatpay": (FakeWechatPay, wechatpay_settings, WechatPayOrders, "wechat"),
    "alipay": (FakeAlipay, alipay_settings, AlipayOrders, "alipay"),
}
# order id: (our status, amount, paid at) — every state each wallet has
STATES = {
    "wechatpay": {"W1001": ("success", "368.00", datetime(2026, 11, 20, 10, 5, 33, tzinfo=SHANGHAI)),
                  "W1002": ("notpay", "368.00", None), "W1003": ("closed", "120.00", None),
                  "W1004": ("refunded", "99.00", datetime(2026, 11, 19, 20, 5, tzinfo=SHANGHAI)),
                  "W1005": ("paying", "5.00", None), "W1006": ("failed", "5.00", None),
                  "W1007": ("closed", "5.00", None)},
    "alipay": {"A2001": ("success", "99.00", datetime(2026, 11, 20, 13, 26, 10, tzinfo=SHANGHAI)),
               "A2002": ("notpay", "99.00", None), "A2003": ("closed", "45.50", None),
               "A2004": ("refunded", "99.00", datetime(2026, 11, 19, 20, 5, tzinfo=SHANGHAI)),
               "A2005": ("success", "12.00", datetime(2026, 11, 1, 9, 0, tzinfo=SHANGHAI))},
}
PAID = {"wechatpay": "W1001", "alipay": "A2001"}
# A refusal each wallet answers that asking again cannot change (WeChat Pay's 4xx but 429; a proxy's before Alipay).
REFUSALS = {"wechatpay": [400, 401, 403], "alipay": [403, 413]}


@pytest.fixture(params=sorted(WALLETS))
def wallet(request):
    return request.param


@pytest.fixture
def fake(run, wallet):
    with served(run, WALLETS[wallet][0]()) as (server,):
        yield server


@pytest.fixture
def cache(run):
    with lookup_cache(run, CACHE_DB) as client:
        yield client


@pytest.fixture
def make(run, wallet, fake, cache, tmp_path):
    """Adapters of `wallet` at its fake, caching in the test Redis; closed afterwards."""
    made = []

    def make_adapter(**changes):
        _, settings, adapter, _ = WALLETS[wallet]
        made.append(adapter(settings(fake.url, tmp_path, **changes), cache, wiring.KEY_PREFIX))
        return made[-1]

    yield make_adapter
    for adapter in made:
        run(adapter.close())


def sale(wallet, order_id):
    return qr_sale(WALLETS[wallet][3], order_id)


# --- statuses and signatures -----------------------------------------------------------------------

def test_every_state_of_the_wallet_is_said_in_our_words(run, wallet, fake, make):
    adapter = make()
    for order_id, (status, amount, paid) in STATES[wallet].items():
        order = run(adapter.order(sale(wallet, order_id)))
        assert (order.order_id, order.status, order.amount, order.paid_time) == (order_id, status, Decimal(amount), paid)
    assert fake.refused_signatures == 0  # every request we signed was accepted


def test_an_order_the_wallet_does_not_have_is_none(run, wallet, fake, make):
    assert run(make().order(sale(wallet, "NO-SUCH-ORDER"))) is None


def test_a_request_signed_with_a_key_the_wallet_does_not_know_is_refused_and_not_asked_again(
        run, wallet, fake, make):
    with pytest.raises(LookupUnavailable):
        run(make(**wrong_keys(wallet)).order(sale(wallet, PAID[wallet])))
    assert fake.refused_signatures == 1 and len(fake.hits) == 1


@pytest.mark.parametrize("fault", ["bad_signature", "unsigned"])
def test_an_answer_not_signed_by_the_wallet_is_never_trusted_nor_kept(run, wallet, fake, make, fault):
    adapter = make()
    fake.misbehave(fault)
    with pytest.raises(LookupUnavailable):
        run(adapter.order(sale(wallet, PAID[wallet])))
    assert len(fake.hits) == 1  # not asked again: a forged answer is no passing fault
    assert run(adapter.order(sale(wallet, PAID[wallet]))).status == "success"  # nothing of it was kept
    assert len(fake.hits) == 2


# --- retries, timeouts, broken answers -------------------------------------------------------------

def test_a_server_error_is_asked_again_until_it_answers(run, wallet, fake, make):
    fake.misbehave(500, 503)
    assert run(make().order(sale(wallet, PAID[wallet]))).status == "success"
    assert len(fake.hits) == 3


def test_a_rate_limit_is_asked_again_after_a_wait(run, wallet, fake, make):
    fake.misbehave(429)  # WeChat Pay's FREQUENCY_LIMITED; a proxy's before Alipay
    assert run(make().order(sale(wallet, PAID[wallet]))).status == "success"
    assert len(fake.hits) == 2


def test_a_dropped_connection_is_asked_again(run, wallet, fake, make):
    fake.misbehave("truncated")
    assert run(make().order(sale(wallet, PAID[wallet]))).status == "success"
    assert len(fake.hits) == 2


def test_a_wallet_failing_every_attempt_is_unavailable_after_the_configured_attempts(run, wallet, fake, make):
    fake.always = 502
    with pytest.raises(LookupUnavailable, match="502"):
        run(make().order(sale(wallet, PAID[wallet])))
    assert len(fake.hits) == 3


def test_a_refusal_is_never_asked_again(run, wallet, fake, make):
    for status in REFUSALS[wallet]:
        fake.misbehave(status)
        with pytest.raises(LookupUnavailable, match=str(status)):
            run(make().order(sale(wallet, PAID[wallet])))
    assert len(fake.hits) == len(REFUSALS[wallet])


def test_a_slow_wallet_is_unavailable_within_its_read_timeouts(run, wallet, fake, make):
    fake.always = "slow"  # 2 s an answer; the read timeout is 0.3 s
    started = time.monotonic()
    with pytest.raises(LookupUnavailable, match="Timeout"):
        run(make(attempts=2).order(sale(wallet, PAID[wallet])))
    assert time.monotonic() - started < fake.slow_seconds
    run(asyncio.sleep(0.2))  # on a loaded machine the retry may reach the fake only as the client gives up
    assert len(fake.hits) == 2


@pytest.mark.parametrize("fault", ["garbage", "truncated"])
def test_a_broken_answer_every_time_is_unavailable_never_another_error(run, wallet, fake, make, fault):
    fake.always = fault
    with pytest.raises(LookupUnavailable):
        run(make().order(sale(wallet, PAID[wallet])))


# --- the circuit breaker ---------------------------------------------------------------------------

def test_the_breaker_opens_after_failed_lookups_and_closes_again_after_its_ttl(run, wallet, fake, make):
    adapter = make(attempts=1, breaker_threshold=3, breaker_ttl_seconds=0.5)
    fake.always = 503
    for _ in range(3):
        with pytest.raises(LookupUnavailable, match="503"):
            run(adapter.order(sale(wallet, PAID[wallet])))
    with pytest.raises(LookupUnavailable, match="in a row"):
        run(adapter.order(sale(wallet, PAID[wallet])))
    assert len(fake.hits) == 3  # open: the wallet was not asked

    fake.always = None
    time.sleep(0.6)
    assert run(adapter.order(sale(wallet, PAID[wallet]))).status == "success"  # half open: one let through
    assert run(adapter.order(sale(wallet, "NO-SUCH-ORDER"))) is None  # closed again
    assert len(fake.hits) == 5


# --- the cache -----------------------------------------------------------------------------------

def test_the_same_order_again_does_not_reach_the_wallet(run, wallet, fake, make, cache):
    adapter = make()
    first = run(adapter.order(sale(wallet, PAID[wallet])))
    assert run(adapter.order(sale(wallet, PAID[wallet]))) == first and len(fake.hits) == 1
    assert run(adapter.order(sale(wallet, "NO-SUCH-ORDER"))) is None
    assert run(adapter.order(sale(wallet, "NO-SUCH-ORDER"))) is None
    assert len(fake.hits) == 2
    keys = run(cache.keys("*"))
    assert keys and all(key.startswith(f"daozhang:lookup:{wallet}:order:") for key in keys)


# --- what each wallet needs of its own ----------------------------------------------------------------

@pytest.mark.parametrize("wallet", ["wechatpay"])
def test_wechatpay_needs_the_sub_merchant_number_and_asks_nothing_without_it(run, fake, make, wallet):
    with pytest.raises(LookupUnavailable, match="sub_mchid"):
        run(make().order(replace(sale(wallet, PAID[wallet]), wallet_sub_merchant_id=None)))
    assert fake.hits == []


@pytest.mark.parametrize("wallet", ["wechatpay"])
def test_wechatpay_refuses_an_answer_signed_long_ago_or_by_another_key_id(run, fake, make, wallet):
    fake.misbehave("stale")
    with pytest.raises(LookupUnavailable, match="too far"):
        run(make().order(sale(wallet, PAID[wallet])))
    with pytest.raises(LookupUnavailable, match="signed with key"):
        run(make(public_key_id="PUB_KEY_ID_OTHER").order(sale(wallet, PAID[wallet])))


@pytest.mark.parametrize("wallet", ["alipay"])
def test_alipay_busy_is_asked_again(run, fake, make, wallet):
    fake.misbehave("busy")
    assert run(make().order(sale(wallet, PAID[wallet]))).status == "success"
    assert len(fake.hits) == 2


@pytest.mark.parametrize("settings, variable", [(WechatPaySettings, "DZ_WECHATPAY_SP_MCHID"),
                                                 (AlipaySettings, "DZ_ALIPAY_APP_ID")])
def test_settings_without_their_ids_say_what_is_missing(settings, variable):
    with pytest.raises(ValueError, match=variable):
        settings.load({})


def test_a_key_file_that_cannot_be_read_is_named(tmp_path):
    with pytest.raises(ValueError, match="nowhere.pem"):
        AlipaySettings.load({"DZ_ALIPAY_APP_ID": "1", "DZ_ALIPAY_PRIVATE_KEY_FILE": str(tmp_path / "nowhere.pem"),
                             "DZ_ALIPAY_PUBLIC_KEY_FILE": str(tmp_path / "nowhere.pem")})
