"""Who may hear about a merchant's money: the one-time check, bindings and lock-outs.

Typing a 15-digit id must not be enough to learn a merchant's sales. Before a
lookup is explained, the conversation proves it is the merchant's in one of
four ways: a trusted integration vouches for it; a WeChat OpenID bound by an
earlier check; a caller whose number is the merchant's registered phone; or
the check itself (the last four digits of the settlement card or of the
registered phone, from the adapter). Three failed checks lock the merchant id
for 30 minutes whoever tries. Everything lives in Redis so every process
agrees; the caller's number is kept only as a keyed fingerprint.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from typing import Optional, Tuple

import redis.asyncio as aioredis

from daozhang.adapters.base import LookupUnavailable, TransactionStatusAdapter
from daozhang.conversation import channel_of
from daozhang.resources import load_yaml
from daozhang.text.normalise import FULLWIDTH, to_simplified
from daozhang.text.numerals import DIGIT_CHARS, ascii_digits

PASSED, FAILED, LOCKED, UNAVAILABLE = "passed", "failed", "locked", "unavailable"
_DIGIT = DIGIT_CHARS
_ANSWER_RUN = re.compile(f"[{_DIGIT}](?:\\s?[{_DIGIT}]){{2,}}")
_OFFERED = re.compile(f"(?:结算银行卡|结算卡|注册手机号码?|手机号码?|手机|电话)(?:号)?(?:的)?"
                      f"(?:最后四位|后四位|后4位|末四位|末4位|尾号|尾数)(?:是|为)?[\\s:：]*"
                      f"(?P<digits>[{_DIGIT}](?:\\s?[{_DIGIT}]){{3}})(?!\\s?[{_DIGIT}])")
_MAX_ANSWER_CHARS = 40


@dataclass(frozen=True)
class CheckResult:
    result: str
    remaining: int = 0


def settings() -> dict:
    return load_yaml("verification.yml")


def verification_required(adapter: TransactionStatusAdapter) -> bool:
    """Always with a real backend; with fake merchants only when DZ_VERIFY=1."""
    return not getattr(adapter, "demo", False) or os.environ.get("DZ_VERIFY") == "1"


def answer_digits(text: str) -> Optional[str]:
    """The four digits of a bare answer to the check (5566, 尾号五五六六, 手机后四位是 0 0 0 2, ****5566);
    the last four of a longer run (a whole phone number). None when the message says anything else."""
    if not text or len(text) > _MAX_ANSWER_CHARS:
        return None
    rest = to_simplified(text)
    for word in sorted(settings()["answer_words"], key=len, reverse=True):
        rest = rest.replace(word, "")
    rest = ascii_digits(re.sub(r"[\s,，。.!！?？:：、~～]", "", rest.translate(FULLWIDTH)))
    if not re.fullmatch(r"\**\d{4,11}", rest) or (rest.startswith("*") and len(rest.lstrip("*")) != 4):
        return None
    return rest[-4:]


def offered_check(text: str) -> Optional[Tuple[str, str]]:
    """(the four digits, the text with them masked) when a message gives the check unasked:
    商户号… 结算卡尾号5566 昨天的钱没到."""
    found = _OFFERED.search(to_simplified(text or ""))
    if not found:
        return None
    digits = ascii_digits(found.group("digits")).replace(" ", "")
    return digits, text[:found.start("digits")] + "****" + text[found.end("digits"):]


def mask_answer(text: str) -> str:
    """The answer as it may be stored: its digit runs (written or spoken, maybe spaced) hidden,
    the 四 of 后四位 left alone."""
    return _ANSWER_RUN.sub(lambda m: re.sub(r"\S", "*", m.group(0)), text)


def is_unbind_request(text: str) -> bool:
    """解绑 / 取消绑定微信 as the whole request; 结算卡解绑了 is about the card, not this."""
    return bool(re.search(settings()["unbind_pattern"], (text or "").strip()))


def _knows(merchant: object, digits: str) -> bool:
    """The digits are the last four of the merchant's settlement card or registered phone."""
    known = [value[-4:] for value in (getattr(merchant, "card_last4", None),
                                      getattr(merchant, "registered_phone", None)) if value]
    return any(hmac.compare_digest(digits, value) for value in known)


class Verifier:
    """The verification state of conversations and merchant ids, in Redis."""

    def __init__(self, client: aioredis.Redis, adapter: TransactionStatusAdapter, prefix: str = "daozhang") -> None:
        self.redis = client
        self.adapter = adapter
        self.prefix = prefix
        self.settings = settings()

    def _key(self, *parts: str) -> str:
        return ":".join((self.prefix, "verify", *parts))

    async def is_verified(self, conversation: str, merchant_id: str, trusted: Optional[str] = None) -> bool:
        """Vouched for, checked in this conversation, bound, or calling from the registered phone."""
        return await self.how_verified(conversation, merchant_id, trusted) is not None

    async def how_verified(self, conversation: str, merchant_id: str, trusted: Optional[str] = None) -> Optional[str]:
        """How the conversation proved it speaks for `merchant_id` (`trusted`, `checked`, `bound`,
        `registered_phone`), None when it did not."""
        if trusted and hmac.compare_digest(trusted, merchant_id):
            return "trusted"
        if merchant_id == await self.redis.get(self._key("passed", conversation)):
            return "checked"
        if merchant_id == await self.redis.get(self._key("binding", conversation)):
            return "bound"
        caller = await self.redis.get(self._key("caller", conversation))
        if not caller:
            return None
        merchant = await self.adapter.find_merchant(merchant_id)
        phone = getattr(merchant, "registered_phone", None)
        return "registered_phone" if phone and hmac.compare_digest(caller, await self.fingerprint(phone)) else None

    async def locked(self, merchant_id: str) -> bool:
        return bool(await self.redis.exists(self._key("lock", merchant_id)))

    async def ask(self, conversation: str, merchant_id: str) -> None:
        """The bot asked this conversation for the check of `merchant_id`."""
        await self.redis.set(self._key("pending", conversation), merchant_id,
                       ex=int(self.settings["pending_minutes"]) * 60)

    async def pending(self, conversation: str) -> Optional[str]:
        return await self.redis.get(self._key("pending", conversation))

    async def answer(self, conversation: str, digits: str) -> CheckResult:
        """Checks the four digits against the merchant the check was asked for."""
        merchant_id = await self.pending(conversation)
        if not merchant_id:
            return CheckResult(UNAVAILABLE)
        if await self.locked(merchant_id):
            return CheckResult(LOCKED)
        try:
            merchant = await self.adapter.find_merchant(merchant_id)
        except LookupUnavailable:
            return CheckResult(UNAVAILABLE)
        if _knows(merchant, digits):
            await self._passed(conversation, merchant_id)
            return CheckResult(PASSED)
        return await self._failed(conversation, merchant_id)

    async def _passed(self, conversation: str, merchant_id: str) -> None:
        await self.redis.set(self._key("passed", conversation), merchant_id,
                       ex=int(self.settings["verified_hours"]) * 3600)
        await self.redis.delete(self._key("pending", conversation), self._key("fails", merchant_id))
        if channel_of(conversation) in self.settings["bindable_channels"]:
            await self.redis.set(self._key("binding", conversation), merchant_id)

    async def _failed(self, conversation: str, merchant_id: str) -> CheckResult:
        lock_seconds = int(self.settings["lock_minutes"]) * 60
        fails = await self.redis.incr(self._key("fails", merchant_id))
        await self.redis.expire(self._key("fails", merchant_id), lock_seconds)
        if fails >= int(self.settings["max_failures"]):
            await self.redis.set(self._key("lock", merchant_id), "1", ex=lock_seconds)
            await self.redis.delete(self._key("fails", merchant_id), self._key("pending", conversation))
            return CheckResult(LOCKED)
        return CheckResult(FAILED, remaining=int(self.settings["max_failures"]) - fails)

    async def offer(self, conversation: str, merchant_id: str, digits: str) -> bool:
        """A check given unasked: recorded when right, never counted against the merchant when wrong
        (the digits may be a customer's card)."""
        if await self.locked(merchant_id):
            return False
        try:
            merchant = await self.adapter.find_merchant(merchant_id)
        except LookupUnavailable:
            return False
        if _knows(merchant, digits):
            await self._passed(conversation, merchant_id)
            return True
        return False

    async def note_caller(self, conversation: str, number: str) -> None:
        """Remembers who is calling, as a keyed fingerprint only (never the number)."""
        digits = re.sub(r"\D", "", number or "")
        if digits:
            await self.redis.set(self._key("caller", conversation), await self.fingerprint(digits),
                           ex=int(self.settings["verified_hours"]) * 3600)

    async def unbind(self, conversation: str) -> bool:
        """Forgets the binding and the check of this conversation; True when there was a binding."""
        bound = await self.redis.delete(self._key("binding", conversation))
        await self.redis.delete(self._key("passed", conversation))
        return bool(bound)

    async def fingerprint(self, number: str) -> str:
        """HMAC of a phone number's last eleven digits, with a key kept in Redis (or DZ_SECRET_KEY)."""
        digits = re.sub(r"\D", "", number)[-11:]
        key = os.environ.get("DZ_SECRET_KEY")
        if not key:
            await self.redis.set(self._key("fingerprint_key"), secrets.token_hex(32), nx=True)
            key = await self.redis.get(self._key("fingerprint_key"))
        return hmac.new(key.encode(), digits.encode(), hashlib.sha256).hexdigest()
