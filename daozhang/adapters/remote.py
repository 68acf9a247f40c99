"""What every remote backend (the acquirer's API, the wallets) shares: how patient to be with it.

Every call is a read, so a 5xx, a 429 (too many requests just now), a timeout or a
dropped connection is tried again with backoff (tenacity); a refusal never is, as
asking again gets the same answer.
A circuit breaker (purgatory) stops calling a backend that keeps failing, so
merchants get an answer at once instead of after every timeout, and lets one call
through again after its TTL. A short-lived Redis cache answers a merchant who asks
the same thing again without calling the backend; a Redis that is down only costs
the cache. Whatever goes wrong reaches the caller as LookupUnavailable.
"""
from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace
from typing import Any, Awaitable, Callable, Dict, Mapping, Optional, Tuple

import aiohttp
import redis.asyncio as aioredis
from purgatory import AsyncCircuitBreakerFactory
from purgatory.domain.model import OpenedState
from redis.exceptions import RedisError
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from daozhang.adapters.base import LookupUnavailable
from daozhang.clock import SHANGHAI

log = logging.getLogger(__name__)
_MISS = object()  # nothing in the cache (a kept "no such record" is JSON null)


class Transient(Exception):
    """A failure that may pass: a 5xx, a 429, a timeout, a dropped or refused connection."""


def passing(status: int) -> bool:
    """An HTTP status worth asking again after a wait: the server's trouble (5xx), or a rate
    limit (429, WeChat Pay's FREQUENCY_LIMITED), which counts for the breaker like a 5xx."""
    return status >= 500 or status == 429


class Refused(Exception):
    """A refusal (a bad token or signature, a bad request): asking again changes nothing, and it
    says nothing about the backend's health, so it neither retries nor counts for the breaker."""


class Unreadable(Exception):
    """A body we cannot read or must not trust (no JSON, a wrong signature): the backend (or
    something between us) is broken, not busy."""


@dataclass(frozen=True)
class Patience:
    """The timeouts, retries, breaker and cache of one backend (its section of backends.yml)."""

    connect_seconds: float
    read_seconds: float
    attempts: int
    backoff_seconds: float
    backoff_max_seconds: float
    breaker_threshold: int
    breaker_ttl_seconds: float
    cache_ttl_seconds: float

    @staticmethod
    def read(found: Mapping[str, Any]) -> Dict[str, float]:
        """The fields of Patience from a section of backends.yml, for a settings class to take."""
        return dict(
            connect_seconds=float(found["timeouts"]["connect_seconds"]),
            read_seconds=float(found["timeouts"]["read_seconds"]),
            attempts=int(found["retry"]["attempts"]),
            backoff_seconds=float(found["retry"]["backoff_seconds"]),
            backoff_max_seconds=float(found["retry"]["backoff_max_seconds"]),
            breaker_threshold=int(found["breaker"]["threshold"]),
            breaker_ttl_seconds=float(found["breaker"]["ttl_seconds"]),
            cache_ttl_seconds=float(found["cache_ttl_seconds"]))

    def backoff(self) -> wait_exponential:
        """The wait before each attempt after the first (the retries use this one)."""
        return wait_exponential(multiplier=self.backoff_seconds, max=self.backoff_max_seconds)

    def longest_seconds(self) -> float:
        """The longest one call can take: every attempt timing out on connect and on read, and the
        waits between. Kept under the guard around it (DZ_LOOKUP_TIMEOUT, backends.yml `combined`),
        or the guard gives up before the last attempt does."""
        wait = self.backoff()
        waits = sum(wait(SimpleNamespace(attempt_number=number)) for number in range(1, self.attempts))
        return self.attempts * (self.connect_seconds + self.read_seconds) + waits


def shanghai_time(value: str) -> datetime:
    """An RFC 3339 time in Asia/Shanghai; one without an offset is taken as Shanghai's (the
    acquirers' and wallets' clocks)."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.astimezone(SHANGHAI) if parsed.tzinfo else parsed.replace(tzinfo=SHANGHAI)


def amount(value: Any) -> Decimal:
    """A finite decimal amount; anything else raises ValueError."""
    try:
        found = Decimal(str(value))
    except InvalidOperation as error:
        raise ValueError(f"amount {value!r}") from error
    if not found.is_finite():
        raise ValueError(f"amount {value!r}")
    return found


class Remote:
    """One backend's HTTP session, retries, breaker and cache (keys `<prefix>:lookup:<name>:…`).

    `settings` has Patience's fields. The HTTP session is made on the first lookup, inside the
    event loop that runs the lookups."""

    def __init__(self, name: str, settings: Any, cache: aioredis.Redis, prefix: str,
                 headers: Optional[Mapping[str, str]] = None) -> None:
        self.name, self.settings, self.cache, self.prefix = name, settings, cache, prefix
        self._headers = dict(headers or {})
        self._session: Optional[aiohttp.ClientSession] = None
        self._breakers = AsyncCircuitBreakerFactory(
            default_threshold=settings.breaker_threshold, default_ttl=settings.breaker_ttl_seconds,
            exclude=[Refused])

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send(self, method: str, url: str, **options: Any) -> Tuple[int, Mapping[str, str], bytes]:
        """Status, headers and body of one request; a dropped connection or a timeout is Transient."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(headers=self._headers, timeout=aiohttp.ClientTimeout(
                total=None, connect=self.settings.connect_seconds, sock_read=self.settings.read_seconds))
        try:
            async with self._session.request(method, url, **options) as response:
                return response.status, response.headers, await response.read()
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            raise Transient(f"{type(error).__name__}: {error}") from error

    async def look_up(self, call: Tuple[str, ...], fetch: Callable[[], Awaitable[Any]],
                      read: Callable[[Any], Any]) -> Any:
        """The cached answer to `call`, else `fetch`'s (its JSON); read into records before it is
        kept, so that only answers we could read are cached."""
        key = ":".join((self.prefix, "lookup", self.name, *call))
        cached = await self._cached(key)
        body = await self.guarded(fetch, call) if cached is _MISS else cached
        try:
            result = read(body)
        except (KeyError, TypeError, ValueError, InvalidOperation) as error:
            raise LookupUnavailable(f"unreadable answer from {self.name} to {call}: {error}") from error
        if cached is _MISS:
            await self._keep(key, json.dumps(body, ensure_ascii=False))
        return result

    async def guarded(self, fetch: Callable[[], Awaitable[Any]], call: Tuple[str, ...]) -> Any:
        """`fetch`'s answer through the breaker and the retries; every failure as LookupUnavailable."""
        try:
            breaker = await self._breakers.get_breaker(self.name)
            async with breaker:
                async for attempt in AsyncRetrying(
                        stop=stop_after_attempt(self.settings.attempts),
                        wait=self.settings.backoff(),
                        retry=retry_if_exception_type(Transient), reraise=True):
                    with attempt:
                        return await fetch()
        except OpenedState as error:
            raise LookupUnavailable(f"{self.name} failed {self.settings.breaker_threshold} times in a row; "
                                    f"not asked for {self.settings.breaker_ttl_seconds:g} s") from error
        except (Transient, Refused, Unreadable) as error:
            raise LookupUnavailable(f"{self.name} {'/'.join(call)}: {error}") from error

    async def _cached(self, key: str) -> Any:
        """The kept JSON (None: a kept "no such record"), or _MISS when there is none or Redis cannot say."""
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


def json_body(status: int, body: bytes) -> Any:
    """The JSON of a body; one that is none is Unreadable."""
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise Unreadable(f"HTTP {status} with a body that is no JSON: {error}") from error


def key_text(path: str, what: str) -> str:
    """A key's PEM text from the file configuration names (keys are never in the repository)."""
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError as error:
        raise ValueError(f"cannot read the {what} at {path!r}: {error}") from error


def configured(found: Mapping[str, Any], environ: Mapping[str, str], backend: str, name: str) -> str:
    """Setting `name` of `backend`: DZ_<BACKEND>_<NAME>, else backends.yml's; refused when neither has it."""
    variable = f"DZ_{backend.upper()}_{name.upper()}"
    value = environ.get(variable) or found.get(name) or ""
    if not value:
        raise ValueError(f"DZ_ADAPTER={backend} needs {variable} (or {backend}.{name} in backends.yml)")
    return str(value)
