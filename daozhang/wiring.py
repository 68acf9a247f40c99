"""The composition root: the one place that builds the backend adapter, the verifier,
the ticket, reminder and outbox stores and the Redis clients.

Actions, channels and tools take them from here, so a process has one adapter
(one sandbox, loaded once), one verifier and one ticket store, and every Redis
client gets the timeouts of its role (`redis_clients` in limits.yml) and the
one key prefix.

The rule for Redis: async code awaits the async clients made here, never a
blocking call on the event loop. The core's stores are async for that reason;
the command-line tools run them with `asyncio.run`. The only blocking clients
are those `blocking_redis` makes for Rasa's own (blocking) stores and the tools that time them.

With REDIS_SENTINELS set, every client here is the master of REDIS_SENTINEL_MASTER as the
Sentinels name it (redis-py's Sentinel), so losing the master costs a failover, not the service;
see `replica_wait_ms` for what a failover may still lose.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import redis
import redis.asyncio as aioredis
from redis.asyncio.retry import Retry as AsyncRetry
from redis.asyncio.sentinel import Sentinel as AsyncSentinel
from redis.backoff import ExponentialBackoff, NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.retry import Retry
from redis.sentinel import Sentinel

from daozhang.adapters.alipay import AlipayOrders, AlipaySettings
from daozhang.adapters.base import TransactionStatusAdapter, with_timeout
from daozhang.adapters.combined import CombinedAdapter
from daozhang.adapters.http import HttpAdapter, HttpSettings
from daozhang.adapters.sandbox import SandboxAdapter
from daozhang.adapters.wechatpay import WechatPayOrders, WechatPaySettings
from daozhang.agents import AgentStore
from daozhang.outbox import Outbox
from daozhang.reminders import ReminderStore
from daozhang.resources import load_yaml
from daozhang.satisfaction import RatingOffers
from daozhang.tickets import TicketStore
from daozhang.transcript import Transcript
from daozhang.verification import Verifier

KEY_PREFIX = "daozhang"
DEFAULT_LOOKUP_TIMEOUT_SECONDS = 3.0
DEFAULT_SENTINEL_MASTER = "mymaster"
# A Sentinel is asked where the master is before every new connection: a Sentinel that does
# not answer within this is skipped for the next one.
SENTINEL_TIMEOUT_SECONDS = 0.5


def redis_key(*parts: str) -> str:
    """A Redis key of ours: `daozhang:<part>:<part>…`."""
    return ":".join((KEY_PREFIX, *parts))


def redis_settings(host: Optional[str] = None, port: Any = None, db: Any = None) -> Dict[str, Any]:
    """Where Redis is: REDIS_HOST (localhost), REDIS_PORT (6379), REDIS_DB (0), REDIS_PASSWORD
    (none); explicit values win. One reading for Rasa's stores, the clients below and the tools."""
    return {
        "host": host or os.environ.get("REDIS_HOST", "localhost"),
        "port": int(port or os.environ.get("REDIS_PORT", "6379")),
        "db": int(db if db is not None else os.environ.get("REDIS_DB", "0")),
        "password": os.environ.get("REDIS_PASSWORD") or None,
    }


def sentinels() -> List[Tuple[str, int]]:
    """The Sentinels of REDIS_SENTINELS ("host:port,host:port"); none: the one Redis of REDIS_HOST."""
    found = []
    for address in os.environ.get("REDIS_SENTINELS", "").split(","):
        if address.strip():
            host, _, port = address.strip().rpartition(":")
            found.append((host, int(port)))
    return found


def replica_wait_ms() -> Optional[int]:
    """With Sentinels, how long a write that matters (a ticket, a turn) waits for a replica to have
    it (`WAIT 1 <ms>`, `replica_wait_ms` in limits.yml): replication is asynchronous, and a write
    only the old master had is gone once a replica is promoted. None without Sentinels."""
    return int(load_yaml("limits.yml")["replica_wait_ms"]) if sentinels() else None


def events_url() -> str:
    """Where Rasa's event broker keeps every event (stores/event_broker.py) and the console reads
    them: `DZ_EVENTS_URL` (an SQLAlchemy URL, PostgreSQL in production), else the SQLite file
    `DZ_EVENTS_DB` (.run/events.db, relative to the repository)."""
    if os.environ.get("DZ_EVENTS_URL"):
        return os.environ["DZ_EVENTS_URL"]
    path = Path(os.environ.get("DZ_EVENTS_DB") or ".run/events.db")
    return f"sqlite:///{path if path.is_absolute() else Path(__file__).resolve().parent.parent / path}"


def _role(role: str, retry: type, failover: bool = False) -> Dict[str, Any]:
    """The client settings of `role`: its timeouts, text or bytes, and one more try on a
    connection Redis closed (a restarted server), as the blocking client does by itself.
    Through Sentinels (`failover`), two more tries 0.25 s and 0.5 s apart, each connection
    again (and twice) asking where the master is: a failover that is over within a second or two
    is not noticed, a longer one fails the call in about three seconds (never a hang)."""
    found = load_yaml("limits.yml")["redis_clients"][role]
    seconds = float(found["timeout_seconds"])
    again = retry(ExponentialBackoff(cap=0.5, base=0.125), 2) if failover else retry(NoBackoff(), 1)
    return {"socket_timeout": seconds, "socket_connect_timeout": seconds,
            "decode_responses": bool(found.get("text", True)),
            "retry": again, "retry_on_error": [RedisConnectionError]}


def _master(sentinel: type, retry: type, role: str, where: Dict[str, Any]) -> Any:
    """The client of `role` for the master the Sentinels name, with REDIS_DB and REDIS_PASSWORD."""
    settings = redis_settings(**where)
    asking = {"socket_timeout": SENTINEL_TIMEOUT_SECONDS, "socket_connect_timeout": SENTINEL_TIMEOUT_SECONDS}
    return sentinel(sentinels(), sentinel_kwargs=asking).master_for(
        os.environ.get("REDIS_SENTINEL_MASTER") or DEFAULT_SENTINEL_MASTER,
        db=settings["db"], password=settings["password"], **_role(role, retry, failover=True))


def _through_sentinels(where: Dict[str, Any]) -> bool:
    """Sentinels decide where Redis is, unless the caller names a host (a tool's or test's own Redis)."""
    return bool(sentinels()) and not where.get("host")


def redis_client(role: str, **where: Any) -> aioredis.Redis:
    """A new async client for `role` (a row of `redis_clients`), at `where` or the environment's Redis.
    Its connections are made on first use, inside the event loop that uses it."""
    if _through_sentinels(where):
        return _master(AsyncSentinel, AsyncRetry, role, where)
    return aioredis.Redis(**redis_settings(**where), **_role(role, AsyncRetry))


@lru_cache(maxsize=None)
def shared_redis(role: str) -> aioredis.Redis:
    """The process's async client for `role`; every caller of the role shares its pool."""
    return redis_client(role)


def blocking_redis(role: str, **where: Any) -> redis.Redis:
    """A blocking client, for Rasa's stores and tools that run outside any event loop."""
    if _through_sentinels(where):
        return _master(Sentinel, Retry, role, where)
    return redis.Redis(**redis_settings(**where), **_role(role, Retry))


def http_adapter() -> HttpAdapter:
    """The acquirer's REST API (backends.yml `http`, DZ_HTTP_*), its answers kept a short while in
    the `cache` role's Redis."""
    return HttpAdapter(HttpSettings.load(), shared_redis("cache"), KEY_PREFIX)


def wechatpay_orders() -> WechatPayOrders:
    """WeChat Pay's order query (backends.yml `wechatpay`, DZ_WECHATPAY_*), cached like the acquirer's."""
    return WechatPayOrders(WechatPaySettings.load(), shared_redis("cache"), KEY_PREFIX)


def alipay_orders() -> AlipayOrders:
    """Alipay's alipay.trade.query (backends.yml `alipay`, DZ_ALIPAY_*), cached like the acquirer's."""
    return AlipayOrders(AlipaySettings.load(), shared_redis("cache"), KEY_PREFIX)


# What DZ_ADAPTER can name, each a callable that builds the backend: ledgers know merchants,
# transactions and settlements; wallets only confirm QR orders, so a list needs a ledger.
LEDGERS = {"sandbox": SandboxAdapter, "http": http_adapter}
WALLETS = {"wechatpay": wechatpay_orders, "alipay": alipay_orders}
ADAPTERS = {**LEDGERS, **WALLETS}


def adapter_names(value: str) -> List[str]:
    """DZ_ADAPTER's names (`sandbox`, `http,wechatpay,alipay`), in order, each once; refused
    when one is unknown or when no ledger is among them."""
    names = list(dict.fromkeys(name.strip() for name in value.split(",") if name.strip()))
    unknown = [name for name in names if name not in ADAPTERS]
    if unknown or not names:
        raise ValueError(f"DZ_ADAPTER={value!r}: {', '.join(unknown) or 'nothing'} is not one of {sorted(ADAPTERS)}")
    if not any(name in LEDGERS for name in names):
        raise ValueError(f"DZ_ADAPTER={value!r} names only wallets, which cannot find merchants or "
                         f"transactions: add a ledger ({' or '.join(LEDGERS)}), e.g. http,{value}")
    return names


@lru_cache(maxsize=1)
def adapter() -> TransactionStatusAdapter:
    """The backend(s) `DZ_ADAPTER` names (sandbox; or a list such as http,wechatpay,alipay, asked
    together), guarded by `DZ_LOOKUP_TIMEOUT` seconds (3)."""
    names = adapter_names(os.environ.get("DZ_ADAPTER", "sandbox"))
    seconds = float(os.environ.get("DZ_LOOKUP_TIMEOUT", DEFAULT_LOOKUP_TIMEOUT_SECONDS))
    if len(names) == 1:
        return with_timeout(LEDGERS[names[0]](), seconds)
    limits = load_yaml("backends.yml")["combined"]
    ledger_seconds, wallet_seconds = float(limits["ledger_seconds"]), float(limits["wallet_seconds"])
    if max(ledger_seconds, wallet_seconds) >= seconds:
        raise ValueError(f"backends.yml combined: ledger_seconds ({ledger_seconds:g}) and wallet_seconds "
                         f"({wallet_seconds:g}) must be under DZ_LOOKUP_TIMEOUT ({seconds:g}), or the guard "
                         "gives up before what the others found is used")
    return with_timeout(CombinedAdapter([LEDGERS[name]() for name in names if name in LEDGERS],
                                        [WALLETS[name]() for name in names if name in WALLETS],
                                        ledger_seconds, wallet_seconds), seconds)


@lru_cache(maxsize=1)
def verifier() -> Verifier:
    return Verifier(shared_redis("state"), adapter(), KEY_PREFIX)


def ticket_store(role: str = "state", prefix: str = KEY_PREFIX, **where: Any) -> TicketStore:
    """A ticket store with a client of its own (the command line, the bench's own Redis)."""
    return TicketStore(redis_client(role, **where), prefix, replica_wait_ms() if _through_sentinels(where) else None)


@lru_cache(maxsize=1)
def tickets() -> TicketStore:
    """The process's ticket store."""
    return TicketStore(shared_redis("state"), KEY_PREFIX, replica_wait_ms())


@lru_cache(maxsize=1)
def ticket_news() -> TicketStore:
    """The ticket store that waits for resolutions to tell (a client of its own, whose timeout
    outlasts the wait)."""
    return TicketStore(shared_redis("news"), KEY_PREFIX, replica_wait_ms())


@lru_cache(maxsize=1)
def agents() -> AgentStore:
    """The console's agents and their sessions."""
    return AgentStore(shared_redis("state"), KEY_PREFIX)


def agent_store(role: str = "state", prefix: str = KEY_PREFIX, **where: Any) -> AgentStore:
    """An agent store with a client of its own (the command line, a test's own Redis)."""
    return AgentStore(redis_client(role, **where), prefix)


@lru_cache(maxsize=1)
def rating_offers() -> RatingOffers:
    """Ratings offered and not yet given."""
    return RatingOffers(shared_redis("state"), KEY_PREFIX)


@lru_cache(maxsize=1)
def reminders() -> ReminderStore:
    """The process's reminders (due payouts to look up again)."""
    return ReminderStore(shared_redis("state"), KEY_PREFIX)


@lru_cache(maxsize=1)
def outbox() -> Outbox:
    """What waits for a merchant's next message."""
    return Outbox(shared_redis("state"), KEY_PREFIX)


def transcript(keep_seconds: int) -> Transcript:
    """The conversations as shown (the web widget's), each kept `keep_seconds` after its last message."""
    return Transcript(shared_redis("state"), keep_seconds, KEY_PREFIX)
