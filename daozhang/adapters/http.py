"""The `http` backend: an acquirer's REST transaction-status API (docs/openapi/transaction-status.yaml).

Every call is a read, so a 5xx, a timeout or a dropped connection is tried again
with backoff (tenacity); a 4xx never is, as asking again gets the same answer. A
circuit breaker (purgatory) stops calling a backend that keeps failing, so
merchants get `lookup_unavailable` at once instead of after every timeout, and
lets one call through again after its TTL. A short-lived Redis cache answers a
merchant who asks the same thing again without calling the backend; a Redis that
is down only costs the cache. Whatever goes wrong reaches the caller as
LookupUnavailable; a 404 is an unknown merchant or transaction.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import typing
from dataclasses import MISSING, dataclass, fields
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple
from urllib.parse import quote

import aiohttp
import redis.asyncio as aioredis
from purgatory import AsyncCircuitBreakerFactory
from purgatory.domain.model import OpenedState
from redis.exceptions import RedisError
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from daozhang.adapters.base import LookupUnavailable, TransactionStatusAdapter
from daozhang.clock import SHANGHAI
from daozhang.records import Merchant, Settlement, Transaction
from daozhang.resources import load_yaml

log = logging.getLogger(__name__)
_MISS = object()  # nothing in the cache (a kept 404 is JSON null)

# Our values (PRODUCT.md, records.py): another value would be diagnosed as something it is not.
_ALLOWED = {
    (Merchant, "status"): {"active", "not_activated"},
    (Transaction, "channel"): {"wechat", "alipay", "unionpay_qr", "card"},
    (Transaction, "status"): {"success", "notpay", "closed", "reversed", "preauth", "refunded"},
    (Settlement, "status"): {"pending", "held", "paid", "returned", "blocked_not_activated"},
}


@dataclass(frozen=True)
class HttpSettings:
    """Where the API is and how patient to be with it: `http` in backends.yml, and the environment."""

    base_url: str
    auth_header: str
    auth_value: Optional[str]
    connect_seconds: float
    read_seconds: float
    attempts: int
    backoff_seconds: float
    backoff_max_seconds: float
    breaker_threshold: int
    breaker_ttl_seconds: float
    cache_ttl_seconds: float
    fields: Mapping[str, Mapping[str, str]]

    @classmethod
    def load(cls, environ: Mapping[str, str] = os.environ) -> "HttpSettings":
        """backends.yml's `http`, with DZ_HTTP_BASE_URL, DZ_HTTP_TOKEN and DZ_HTTP_AUTH_HEADER over it."""
        found = load_yaml("backends.yml")["http"]
        base_url = (environ.get("DZ_HTTP_BASE_URL") or found["base_url"] or "").rstrip("/")
        if not base_url:
            raise ValueError("DZ_ADAPTER=http needs DZ_HTTP_BASE_URL (or http.base_url in backends.yml)")
        token = environ.get("DZ_HTTP_TOKEN")
        return cls(
            base_url=base_url,
            auth_header=environ.get("DZ_HTTP_AUTH_HEADER") or found["auth"]["header"],
            auth_value=f"{found['auth'].get('prefix', '')}{token}" if token else None,
            connect_seconds=float(found["timeouts"]["connect_seconds"]),
            read_seconds=float(found["timeouts"]["read_seconds"]),
            attempts=int(found["retry"]["attempts"]),
            backoff_seconds=float(found["retry"]["backoff_seconds"]),
            backoff_max_seconds=float(found["retry"]["backoff_max_seconds"]),
            breaker_threshold=int(found["breaker"]["threshold"]),
            breaker_ttl_seconds=float(found["breaker"]["ttl_seconds"]),
            cache_ttl_seconds=float(found["cache_ttl_seconds"]),
            fields=found["fields"])


class _Transient(Exception):
    """A failure that may pass: a 5xx, a timeout, a dropped or refused connection."""


class _Refused(Exception):
    """A 4xx other than 404 (a bad token, a bad request), or any other answer than 200: asking
    again changes nothing, and it says nothing about the backend's health, so it neither retries
    nor counts for the breaker."""


class _Unreadable(Exception):
    """A body that is no JSON: the backend is broken, not busy."""


def _pick(body: Any, path: str) -> Any:
    """The value at a dotted path of the API's JSON, None when any step of it is absent."""
    for step in path.split("."):
        if not isinstance(body, dict):
            return None
        body = body.get(step)
    return body


def _time(value: str) -> datetime:
    """An RFC 3339 time in Asia/Shanghai; one without an offset is taken as Shanghai's (the
    acquirers' clocks)."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.astimezone(SHANGHAI) if parsed.tzinfo else parsed.replace(tzinfo=SHANGHAI)


def _amount(value: Any) -> Decimal:
    amount = Decimal(str(value))
    if not amount.is_finite():
        raise ValueError(f"amount {value!r}")
    return amount


def _strings(value: Any) -> Tuple[str, ...]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list, got {value!r}")
    return tuple(str(item) for item in value)


def _exact(kind: type) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise TypeError(f"expected {kind.__name__}, got {value!r}")
        return value
    return convert


# How a JSON value becomes the type a record field is declared with.
_CONVERTERS: Dict[Any, Callable[[Any], Any]] = {
    str: _exact(str), bool: _exact(bool), int: _exact(int), Decimal: _amount,
    datetime: _time, date: date.fromisoformat, Tuple[str, ...]: _strings,
}


@lru_cache(maxsize=None)
def _declared(record: type, name: str) -> Any:
    """A field's declared type, without its Optional."""
    hint = typing.get_type_hints(record)[name]
    if typing.get_origin(hint) is typing.Union:
        hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
    return hint


def _record(record: type, mapping: Mapping[str, str], body: Any) -> Any:
    """One of records.py's dataclasses from the API's JSON, by the configured field mapping.
    A missing required field, a wrong type or a value we do not know raises (ValueError, TypeError)."""
    if not isinstance(body, dict):
        raise TypeError(f"expected an object, got {type(body).__name__}")
    values = {}
    for field in fields(record):
        value = _pick(body, mapping[field.name]) if field.name in mapping else None
        if value is None:
            if field.default is MISSING and field.default_factory is MISSING:
                raise ValueError(f"{record.__name__}.{field.name} ({mapping.get(field.name)}) is missing")
            continue
        values[field.name] = _CONVERTERS[_declared(record, field.name)](value)
        allowed = _ALLOWED.get((record, field.name))
        if allowed is not None and values[field.name] not in allowed:
            raise ValueError(f"{record.__name__}.{field.name} {value!r} is not one of {sorted(allowed)}")
    return record(**values)


class HttpAdapter(TransactionStatusAdapter):
    """The acquirer's API, behind retries, a circuit breaker and a short-lived cache.

    `cache` is an async Redis client (wiring's `cache` role); its keys are `<prefix>:lookup:http:…`.
    The HTTP session is made on the first lookup, inside the event loop that runs the lookups."""

    def __init__(self, settings: HttpSettings, cache: aioredis.Redis, prefix: str = "daozhang") -> None:
        self.settings, self.cache, self.prefix = settings, cache, prefix
        self._session: Optional[aiohttp.ClientSession] = None
        self._breakers = AsyncCircuitBreakerFactory(
            default_threshold=settings.breaker_threshold, default_ttl=settings.breaker_ttl_seconds,
            exclude=[_Refused])

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            headers = {"Accept": "application/json"}
            if self.settings.auth_value:
                headers[self.settings.auth_header] = self.settings.auth_value
            self._session = aiohttp.ClientSession(headers=headers, timeout=aiohttp.ClientTimeout(
                total=None, connect=self.settings.connect_seconds, sock_read=self.settings.read_seconds))
        return self._session

    async def find_merchant(self, merchant_id: str) -> Optional[Merchant]:
        return await self._look_up(
            ("merchant", merchant_id), f"/merchants/{quote(merchant_id, safe='')}", {},
            lambda body: None if body is None else self._read(Merchant, "merchant", body))

    async def find_transactions(self, merchant_id, start, end, channel=None) -> List[Transaction]:
        query = {"from": start.isoformat(), "to": end.isoformat()}
        if channel:
            query["channel"] = channel
        found = await self._look_up(
            ("transactions", merchant_id, query["from"], query["to"], channel or "all"),
            f"/merchants/{quote(merchant_id, safe='')}/transactions", query,
            lambda body: [] if body is None else [self._read(Transaction, "transaction", item)
                                                  for item in body["transactions"]])
        return sorted(found, key=lambda t: t.time, reverse=True)

    async def get_settlement(self, merchant_id: str, transaction_id: str) -> Optional[Settlement]:
        return await self._look_up(
            ("settlement", merchant_id, transaction_id),
            f"/merchants/{quote(merchant_id, safe='')}/transactions/{quote(transaction_id, safe='')}/settlement", {},
            lambda body: None if body is None else self._read(Settlement, "settlement", body))

    def _read(self, record: type, name: str, body: Any) -> Any:
        return _record(record, self.settings.fields[name], body)

    async def _look_up(self, call: Tuple[str, ...], path: str, query: Dict[str, str],
                       read: Callable[[Any], Any]) -> Any:
        """The cached answer to `call`, else the backend's; read into records before it is kept,
        so that only answers we could read are cached. A 404 is kept too (as JSON null)."""
        key = ":".join((self.prefix, "lookup", "http", *call))
        cached = await self._cached(key)
        body = await self._fetch(path, query) if cached is _MISS else cached
        try:
            result = read(body)
        except (KeyError, TypeError, ValueError, InvalidOperation) as error:
            raise LookupUnavailable(f"unreadable answer from {path}: {error}") from error
        if cached is _MISS:
            await self._keep(key, json.dumps(body, ensure_ascii=False))
        return result

    async def _cached(self, key: str) -> Any:
        """The kept JSON (None: a kept 404), or _MISS when there is none or Redis cannot say."""
        try:
            text = await self.cache.get(key)
        except (RedisError, OSError, asyncio.TimeoutError) as error:
            log.warning("lookup cache unavailable, asking the backend: %s", error)
            return _MISS
        try:
            return _MISS if text is None else json.loads(text)
        except ValueError:
            return _MISS

    async def _keep(self, key: str, text: str) -> None:
        try:
            await self.cache.set(key, text, px=max(1, int(self.settings.cache_ttl_seconds * 1000)))
        except (RedisError, OSError, asyncio.TimeoutError) as error:
            log.warning("lookup cache unavailable, answer not kept: %s", error)

    async def _fetch(self, path: str, query: Dict[str, str]) -> Any:
        """The API's JSON for `path` (None for a 404), through the breaker and the retries."""
        try:
            breaker = await self._breakers.get_breaker("http")
            async with breaker:
                async for attempt in AsyncRetrying(
                        stop=stop_after_attempt(self.settings.attempts),
                        wait=wait_exponential(multiplier=self.settings.backoff_seconds,
                                              max=self.settings.backoff_max_seconds),
                        retry=retry_if_exception_type(_Transient), reraise=True):
                    with attempt:
                        return await self._get(path, query)
        except OpenedState as error:
            raise LookupUnavailable(f"the backend failed {self.settings.breaker_threshold} times in a row; "
                                    f"not asked for {self.settings.breaker_ttl_seconds:g} s") from error
        except (_Transient, _Refused, _Unreadable) as error:
            raise LookupUnavailable(f"GET {path}: {error}") from error

    async def _get(self, path: str, query: Dict[str, str]) -> Any:
        try:
            async with self._http().get(self.settings.base_url + path, params=query) as response:
                body = await response.read()
                status = response.status
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            raise _Transient(f"{type(error).__name__}: {error}") from error
        if status == 404:
            return None
        if status >= 500:
            raise _Transient(f"HTTP {status}")
        if status != 200:
            raise _Refused(f"HTTP {status}")
        try:
            return json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise _Unreadable(f"HTTP {status} with a body that is no JSON: {error}") from error
