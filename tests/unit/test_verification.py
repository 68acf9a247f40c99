"""Merchant verification against a real Redis server and the sandbox's merchants."""
import uuid

import pytest

from daozhang.adapters.sandbox import SandboxAdapter
from daozhang.verification import (
    FAILED,
    LOCKED,
    PASSED,
    Verifier,
    answer_digits,
    is_unbind_request,
    mask_answer,
    offered_check,
    verification_required,
)
from daozhang.wiring import redis_client
from tests.support.secrets import holds

MERCHANT = "898310000000002"   # settlement card 5566, registered phone 13800130002


@pytest.fixture
def verifier(run):
    client = redis_client("state", db=7)
    prefix = f"v{uuid.uuid4().hex[:8]}"
    yield Verifier(client, SandboxAdapter(), prefix)

    async def clean():
        async for key in client.scan_iter(f"{prefix}:*"):
            await client.delete(key)
    run(clean())


def test_the_card_tail_or_the_phone_tail_passes_and_the_pass_is_per_conversation(verifier, run):
    run(verifier.ask("rest:a", MERCHANT))
    assert run(verifier.answer("rest:a", "5566")).result == PASSED
    assert run(verifier.is_verified("rest:a", MERCHANT))
    assert not run(verifier.is_verified("rest:b", MERCHANT))
    assert not run(verifier.is_verified("rest:a", "898310000000003"))
    run(verifier.ask("rest:b", MERCHANT))
    assert run(verifier.answer("rest:b", "0002")).result == PASSED


def test_three_failures_lock_the_merchant_for_every_sender(verifier, run):
    for sender, remaining in (("rest:x", 2), ("rest:y", 1)):
        run(verifier.ask(sender, MERCHANT))
        result = run(verifier.answer(sender, "1234"))
        assert (result.result, result.remaining) == (FAILED, remaining)
    run(verifier.ask("ivr:z", MERCHANT))
    assert run(verifier.answer("ivr:z", "9999")).result == LOCKED
    assert run(verifier.locked(MERCHANT))
    run(verifier.ask("rest:owner", MERCHANT))
    assert run(verifier.answer("rest:owner", "5566")).result == LOCKED  # even the right answer, until it expires
    assert 0 < run(verifier.redis.ttl(f"{verifier.prefix}:verify:lock:{MERCHANT}")) <= 30 * 60


def test_a_wechat_pass_binds_the_openid_until_it_is_unbound(verifier, run):
    run(verifier.ask("wechat:oABC", MERCHANT))
    run(verifier.answer("wechat:oABC", "5566"))
    run(verifier.redis.delete(f"{verifier.prefix}:verify:passed:wechat:oABC"))  # a later day: the check has expired
    assert run(verifier.is_verified("wechat:oABC", MERCHANT))
    assert run(verifier.unbind("wechat:oABC"))
    assert not run(verifier.is_verified("wechat:oABC", MERCHANT))
    assert not run(verifier.unbind("wechat:oABC"))


def test_a_caller_from_the_registered_phone_is_verified_and_the_number_is_never_stored(verifier, run):
    run(verifier.note_caller("ivr:call-1", "+86 138 0013 0002"))
    assert run(verifier.is_verified("ivr:call-1", MERCHANT))
    run(verifier.note_caller("ivr:call-2", "13912345678"))
    assert not run(verifier.is_verified("ivr:call-2", MERCHANT))
    stored = " ".join(str(run(verifier.redis.get(k))) for k in run(verifier.redis.keys(f"{verifier.prefix}:*")))
    assert not holds(stored, "13800130002") and not holds(stored, "13912345678")


def test_a_trusted_integration_vouches_for_its_merchant_only(verifier, run):
    assert run(verifier.is_verified("rest:app", MERCHANT, trusted=MERCHANT))
    assert not run(verifier.is_verified("rest:app", MERCHANT, trusted="898310000000003"))


@pytest.mark.parametrize("text, digits", [
    ("5566", "5566"), ("尾号5566", "5566"), ("5 5 6 6", "5566"), ("五五六六", "5566"),
    ("结算卡后四位是5566", "5566"), ("卡号************5566", "5566"), ("手机尾号幺二三四", "1234"),
    ("2300块", None), ("11月20号", None), ("5566 还是 0002", None), ("我不记得了", None),
    ("商户号898310000000002", None), ("手机尾号幺三零零零幺", "0001"), ("13800130002", "0002"),
    ("1200那笔呢", None), ("5000那笔", None),  # amounts typed while the check is asked: no answer, no failure
])
def test_the_answer_to_the_check_is_read_in_every_form(text, digits):
    assert answer_digits(text) == digits


def test_what_is_stored_of_an_answer_has_no_digit_left():
    assert mask_answer("尾号五五六六，不对是5567") == "尾号****，不对是****"
    assert mask_answer("卡号后四位是 ２ ２ ９ ０") == "卡号后四位是 * * * *"  # the 四 of 后四位 stays


def test_a_check_given_unasked_is_masked_and_passes_only_when_right(verifier, run):
    digits, masked = offered_check("商户号898310000000002 结算卡尾号5566 昨天的钱没到")
    assert digits == "5566" and masked == "商户号898310000000002 结算卡尾号**** 昨天的钱没到"
    assert offered_check("顾客的卡尾号1234") is None  # a card tail that is not the settlement card's
    assert not run(verifier.offer("rest:u", MERCHANT, "1234"))
    assert not run(verifier.redis.exists(f"{verifier.prefix}:verify:fails:{MERCHANT}"))  # never counted
    assert run(verifier.offer("rest:u", MERCHANT, "5566")) and run(verifier.is_verified("rest:u", MERCHANT))


@pytest.mark.parametrize("text, unbind", [("解绑", True), ("请帮我解除绑定", True), ("取消微信绑定", True),
                                          ("结算卡解绑了怎么办", False), ("解绑结算卡以后钱去哪了", False)])
def test_unbinding_is_asked_for_in_so_many_words(text, unbind):
    assert is_unbind_request(text) == unbind


def test_verification_is_on_for_real_backends_and_off_for_the_sandbox_unless_asked(monkeypatch):
    class RealBackend:
        demo = False

    monkeypatch.delenv("DZ_VERIFY", raising=False)
    assert verification_required(RealBackend()) and not verification_required(SandboxAdapter())
    monkeypatch.setenv("DZ_VERIFY", "1")
    assert verification_required(SandboxAdapter())
