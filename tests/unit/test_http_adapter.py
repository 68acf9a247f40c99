"""The http adapter against a local acquirer that behaves like a real one (tests/support/fake_acquirer.py):
the right records, retries only where asking again can help, timeouts and broken answers as
LookupUnavailable, a breaker that opens and closes again, and a cache in the test session's Redis."""
import asyncio
import json
import socket
import time
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import aiohttp
import pytest
import yaml
from jsonschema import Draft4Validator, FormatChecker, RefResolver

from daozhang import wiring
from daozhang.adapters.base import LookupUnavailable
from daozhang.adapters.http import HttpAdapter, HttpSettings
from daozhang.adapters.remote import Patience
from daozhang.clock import SHANGHAI
from daozhang.resources import load_yaml
from tests.support.backend_settings import http_settings, lookup_cache
from tests.support.fake_acquirer import FIXTURE, MERCHANT, TOKEN, FakeAcquirer
from tests.support.fake_server import served

CONTRACT = Path(__file__).resolve().parents[2] / "docs" / "openapi" / "transaction-status.yaml"
NOT_ACTIVATED = "898310000000010"
UNKNOWN = "898310000000999"
NOV_19, NOV_20 = date(2026, 11, 19), date(2026, 11, 20)
CACHE_DB = 9  # a database of the test Redis of this file's own: emptied before each test


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def acquirer(run):
    with served(run, FakeAcquirer()) as (fake,):
        yield fake


@pytest.fixture
def cache(run):
    with lookup_cache(run, CACHE_DB) as client:
        yield client


@pytest.fixture
def make_adapter(run, acquirer, cache):
    """Adapters at the fake, caching in the test Redis unless given another client; closed afterwards."""
    made = []

    def make(client=None, **changes) -> HttpAdapter:
        made.append(HttpAdapter(http_settings(acquirer.url, **changes), client or cache, wiring.KEY_PREFIX))
        return made[-1]

    yield make
    for adapter in made:
        run(adapter.close())


@pytest.fixture
def adapter(make_adapter):
    return make_adapter()


# --- the right records ---------------------------------------------------------------------------

def test_a_merchant_comes_with_its_settlement_card_and_registered_phone(run, adapter):
    merchant = run(adapter.find_merchant(MERCHANT))
    assert (merchant.merchant_id, merchant.name, merchant.status) == (MERCHANT, "好再来饭馆", "active")
    assert (merchant.card_bank, merchant.card_last4, merchant.registered_phone) == ("招商银行", "7720", "13800130004")
    assert merchant.missing == ()


def test_a_merchant_not_activated_says_what_it_has_not_finished(run, adapter):
    merchant = run(adapter.find_merchant(NOT_ACTIVATED))
    assert merchant.status == "not_activated" and merchant.missing == ("实名认证",)
    assert merchant.card_last4 is None


def test_transactions_in_the_range_newest_first_in_shanghai_time_with_decimal_amounts(run, adapter):
    found = run(adapter.find_transactions(MERCHANT, NOV_20, NOV_20))
    assert [t.transaction_id for t in found] == ["T0004002", "T0004001"]
    assert found[0].time == datetime(2026, 11, 20, 12, 15, tzinfo=SHANGHAI)  # written as 04:15Z
    assert found[0].time.utcoffset().total_seconds() == 8 * 3600
    assert found[0].amount == Decimal("800.00") and isinstance(found[0].amount, Decimal)
    assert (found[0].channel, found[0].status, found[0].reference_no) == ("card", "success", "532612150402")


def test_a_channel_and_a_wider_range_narrow_and_widen_the_list(run, adapter):
    refunded, = run(adapter.find_transactions(MERCHANT, NOV_19, NOV_20, channel="alipay"))
    assert refunded.status == "refunded" and refunded.refund_time == datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)
    assert len(run(adapter.find_transactions(MERCHANT, NOV_19, NOV_20))) == 3


def test_an_unknown_merchant_is_none_and_has_no_transactions_nor_settlements(run, adapter):
    assert run(adapter.find_merchant(UNKNOWN)) is None
    assert run(adapter.find_transactions(UNKNOWN, NOV_19, NOV_20)) == []
    assert run(adapter.get_settlement(UNKNOWN, "T0004001")) is None


def test_a_paid_settlement_carries_its_batch(run, adapter):
    settlement = run(adapter.get_settlement(MERCHANT, "T0004001"))
    assert (settlement.status, settlement.batch_id, settlement.paid_on) == ("paid", "B0004001", date(2026, 11, 21))
    assert (settlement.batch_gross, settlement.batch_fee, settlement.batch_net) == (
        Decimal("1300.00"), Decimal("7.80"), Decimal("1292.20"))
    assert (settlement.batch_count, settlement.payer_name, settlement.card_last4) == (2, "银联商务结算款", "7720")
    assert settlement.transaction_ids == ("T0004001", "T0004002")
    assert run(adapter.get_settlement(MERCHANT, "T0004004")) is None  # none known yet


def test_an_id_cannot_reach_another_path_of_the_api(run, acquirer, adapter):
    assert run(adapter.get_settlement(MERCHANT, "../../../898310000000010")) is None
    assert acquirer.hits == [f"/status/v1/merchants/{MERCHANT}/transactions/../../../898310000000010/settlement"]


# --- retries, timeouts, broken answers -------------------------------------------------------------

def test_a_busy_backend_is_asked_again_until_it_answers(run, acquirer, adapter):
    acquirer.misbehave(503, 429)  # a server in trouble, then a rate limit
    assert run(adapter.find_merchant(MERCHANT)).name == "好再来饭馆"
    assert len(acquirer.hits) == 3


def test_a_dropped_connection_is_asked_again(run, acquirer, adapter):
    acquirer.misbehave("truncated")
    assert len(run(adapter.find_transactions(MERCHANT, NOV_19, NOV_20))) == 3
    assert len(acquirer.hits) == 2


def test_a_backend_failing_every_attempt_is_unavailable_after_the_configured_attempts(run, acquirer, adapter):
    acquirer.always = 500
    with pytest.raises(LookupUnavailable, match="500"):
        run(adapter.find_merchant(MERCHANT))
    assert len(acquirer.hits) == 3


@pytest.mark.parametrize("status", [400, 401, 403])
def test_a_refusal_is_never_asked_again(run, acquirer, adapter, status):
    acquirer.misbehave(status)
    with pytest.raises(LookupUnavailable, match=str(status)):
        run(adapter.find_merchant(MERCHANT))
    assert len(acquirer.hits) == 1


def test_a_wrong_token_is_unavailable_not_unknown(run, acquirer, make_adapter):
    adapter = make_adapter(auth_value="Bearer stale")
    with pytest.raises(LookupUnavailable, match="401"):
        run(adapter.find_merchant(MERCHANT))


def test_a_slow_backend_is_unavailable_within_its_read_timeouts(run, acquirer, make_adapter):
    adapter = make_adapter(attempts=2)
    acquirer.always = "slow"  # 2 s an answer; the read timeout is 0.3 s
    started = time.monotonic()
    with pytest.raises(LookupUnavailable, match="Timeout"):
        run(adapter.find_merchant(MERCHANT))
    assert time.monotonic() - started < acquirer.slow_seconds  # 2 x 0.3 s and a backoff, not 2 x 2 s
    run(asyncio.sleep(0.2))  # on a loaded machine the retry may reach the fake only as the client gives up
    assert len(acquirer.hits) == 2


@pytest.mark.parametrize("fault", ["garbage", "truncated", "empty"])
@pytest.mark.parametrize("call", ["merchant", "transactions", "settlement"])
def test_a_broken_answer_is_unavailable_never_another_error(run, acquirer, adapter, fault, call):
    acquirer.always = fault
    lookups = {"merchant": lambda: adapter.find_merchant(MERCHANT),
               "transactions": lambda: adapter.find_transactions(MERCHANT, NOV_19, NOV_20),
               "settlement": lambda: adapter.get_settlement(MERCHANT, "T0004001")}
    with pytest.raises(LookupUnavailable):
        run(lookups[call]())


def test_a_value_we_do_not_know_is_unavailable_rather_than_misdiagnosed(run, acquirer, adapter):
    acquirer.fixture = json.loads(json.dumps(FIXTURE))
    acquirer.fixture["transactions"][MERCHANT][0]["status"] = "PROCESSING"
    with pytest.raises(LookupUnavailable, match="PROCESSING"):
        run(adapter.find_transactions(MERCHANT, NOV_20, NOV_20))


# --- the circuit breaker ---------------------------------------------------------------------------

def test_the_breaker_opens_after_failed_lookups_and_closes_again_after_its_ttl(run, acquirer, make_adapter):
    adapter = make_adapter(attempts=1, breaker_threshold=3, breaker_ttl_seconds=0.5)
    acquirer.always = 503
    for _ in range(3):
        with pytest.raises(LookupUnavailable, match="503"):
            run(adapter.find_merchant(MERCHANT))
    with pytest.raises(LookupUnavailable, match="in a row"):
        run(adapter.find_merchant(MERCHANT))
    assert len(acquirer.hits) == 3  # open: the backend was not asked

    acquirer.always = None
    time.sleep(0.6)
    assert run(adapter.find_merchant(MERCHANT)).name == "好再来饭馆"  # half open: one call let through
    assert run(adapter.find_merchant(NOT_ACTIVATED)).status == "not_activated"  # closed again
    assert len(acquirer.hits) == 5


def test_refusals_and_unknown_ids_do_not_open_the_breaker(run, acquirer, make_adapter):
    adapter = make_adapter(attempts=1, breaker_threshold=2)
    acquirer.misbehave(401, 401, 401)
    for _ in range(3):
        with pytest.raises(LookupUnavailable):
            run(adapter.find_merchant(MERCHANT))
    for number in range(3):
        assert run(adapter.find_merchant(f"89831000000099{number}")) is None
    assert run(adapter.find_merchant(MERCHANT)).name == "好再来饭馆"
    assert len(acquirer.hits) == 7


# --- the cache -----------------------------------------------------------------------------------

def test_the_same_question_again_does_not_reach_the_backend(run, acquirer, adapter, cache):
    first = run(adapter.find_transactions(MERCHANT, NOV_19, NOV_20))
    again = run(adapter.find_transactions(MERCHANT, NOV_19, NOV_20))
    assert again == first and len(acquirer.hits) == 1
    run(adapter.find_transactions(MERCHANT, NOV_20, NOV_20))  # another range is another question
    assert run(adapter.find_merchant(UNKNOWN)) is None and run(adapter.find_merchant(UNKNOWN)) is None
    assert len(acquirer.hits) == 3
    keys = run(cache.keys("*"))
    assert keys and all(key.startswith("daozhang:lookup:http:") for key in keys)


def test_a_kept_answer_is_asked_again_after_its_ttl(run, acquirer, make_adapter):
    adapter = make_adapter(cache_ttl_seconds=0.2)
    run(adapter.get_settlement(MERCHANT, "T0004001"))
    time.sleep(0.3)
    assert run(adapter.get_settlement(MERCHANT, "T0004001")).batch_id == "B0004001"
    assert len(acquirer.hits) == 2


def test_a_failed_lookup_is_not_kept(run, acquirer, adapter):
    acquirer.misbehave("empty")
    with pytest.raises(LookupUnavailable):
        run(adapter.find_merchant(MERCHANT))
    assert run(adapter.find_merchant(MERCHANT)).name == "好再来饭馆"
    assert len(acquirer.hits) == 2


def test_an_unreadable_kept_answer_is_asked_again(run, acquirer, adapter, cache):
    run(cache.set(f"daozhang:lookup:http:merchant:{MERCHANT}", "{not json"))
    assert run(adapter.find_merchant(MERCHANT)).name == "好再来饭馆"
    assert len(acquirer.hits) == 1


def test_a_redis_that_is_down_only_costs_the_cache(run, acquirer, make_adapter):
    down = wiring.redis_client("cache", port=_free_port())
    adapter = make_adapter(client=down)
    for _ in range(2):
        assert run(adapter.find_merchant(MERCHANT)).name == "好再来饭馆"
    assert len(acquirer.hits) == 2


# --- the contract ----------------------------------------------------------------------------------

def _contract():
    return yaml.safe_load(CONTRACT.read_text(encoding="utf-8"))


def _formats() -> FormatChecker:
    """The contract's `date` and `date-time` (with its offset), which Draft 4 does not check by itself."""
    checker = FormatChecker()
    checker.checks("date", raises=ValueError)(lambda value: not isinstance(value, str) or bool(
        date.fromisoformat(value)))
    checker.checks("date-time", raises=ValueError)(lambda value: not isinstance(value, str) or bool(
        datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo))
    return checker


REQUESTS = [  # (contract path, its parameters, the query, the status the fake should answer)
    ("/merchants/{merchantId}", {"merchantId": MERCHANT}, {}, 200),
    ("/merchants/{merchantId}", {"merchantId": NOT_ACTIVATED}, {}, 200),
    ("/merchants/{merchantId}", {"merchantId": UNKNOWN}, {}, 404),
    ("/merchants/{merchantId}/transactions", {"merchantId": MERCHANT}, {"from": "2026-11-01", "to": "2026-11-30"}, 200),
    ("/merchants/{merchantId}/transactions", {"merchantId": UNKNOWN}, {"from": "2026-11-01", "to": "2026-11-30"}, 404),
    ("/merchants/{merchantId}/transactions/{transactionId}/settlement",
     {"merchantId": MERCHANT, "transactionId": "T0004001"}, {}, 200),
    ("/merchants/{merchantId}/transactions/{transactionId}/settlement",
     {"merchantId": MERCHANT, "transactionId": "T0004004"}, {}, 404),
]


@pytest.mark.parametrize("template, parameters, query, status", REQUESTS)
def test_the_fake_answers_as_the_openapi_contract_says(run, acquirer, template, parameters, query, status):
    contract = _contract()
    resolver = RefResolver.from_schema(contract)
    answer = contract["paths"][template]["get"]["responses"][str(status)]
    if "$ref" in answer:
        answer = resolver.resolve(answer["$ref"])[1]
    validator = Draft4Validator(answer["content"]["application/json"]["schema"], resolver=resolver,
                                format_checker=_formats())

    async def fetch():
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {TOKEN}"}) as session:
            async with session.get(acquirer.url + template.format(**parameters), params=query) as response:
                return response.status, await response.json()

    got_status, body = run(fetch())
    assert got_status == status
    errors = [f"{'/'.join(map(str, error.path))}: {error.message}" for error in validator.iter_errors(body)]
    assert not errors, errors


def test_every_path_of_the_contract_is_served_by_the_fake():
    assert {template for template, *_ in REQUESTS} == set(_contract()["paths"])


# --- the composition root --------------------------------------------------------------------------

def test_dz_adapter_http_builds_the_guarded_http_adapter_from_the_environment(monkeypatch):
    monkeypatch.setenv("DZ_ADAPTER", "http")
    monkeypatch.setenv("DZ_HTTP_BASE_URL", "https://acquirer.example.com/status/v1/")
    monkeypatch.setenv("DZ_HTTP_TOKEN", "secret")
    monkeypatch.setenv("DZ_HTTP_AUTH_HEADER", "X-Api-Key")
    wiring.adapter.cache_clear()
    try:
        built = wiring.adapter()
        http = built._inner
        assert isinstance(http, HttpAdapter) and not built.demo  # a real backend: verification is on
        assert http.settings.base_url == "https://acquirer.example.com/status/v1"
        assert (http.settings.auth_header, http.settings.auth_value) == ("X-Api-Key", "Bearer secret")
        assert http.cache is wiring.shared_redis("cache")
    finally:
        wiring.adapter.cache_clear()
        wiring.verifier.cache_clear()


def test_http_without_a_base_url_says_what_is_missing():
    with pytest.raises(ValueError, match="DZ_HTTP_BASE_URL"):
        HttpSettings.load({})


@pytest.mark.parametrize("backend, limit", [("http", "ledger_seconds"), ("wechatpay", "wallet_seconds"),
                                            ("alipay", "wallet_seconds")])
def test_the_shipped_patience_gives_up_before_the_guard_around_it(backend, limit):
    """Every attempt timing out and the backoff between them end before DZ_LOOKUP_TIMEOUT's default
    and before the combined adapter's limit for a ledger or a wallet (backends.yml, as shipped)."""
    backends = load_yaml("backends.yml")
    shipped = Patience(**Patience.read(backends[backend]))
    guard = min(float(backends["combined"][limit]), wiring.DEFAULT_LOOKUP_TIMEOUT_SECONDS)
    assert shipped.longest_seconds() < guard, (
        f"backends.yml {backend}: {shipped.attempts} x ({shipped.connect_seconds:g} + {shipped.read_seconds:g}) s "
        f"and the backoff take up to {shipped.longest_seconds():g} s, not under {guard:g} s")


def test_the_longest_a_call_takes_counts_every_attempt_and_the_capped_waits_between():
    settings = replace(HttpSettings.load({"DZ_HTTP_BASE_URL": "http://acquirer.invalid"}), attempts=3,
                       connect_seconds=0.25, read_seconds=0.5, backoff_seconds=0.1, backoff_max_seconds=0.15)
    assert settings.longest_seconds() == pytest.approx(3 * 0.75 + 0.1 + 0.15)  # 0.1, then 0.2 capped at 0.15
