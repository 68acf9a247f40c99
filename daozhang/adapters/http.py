"""The `http` backend: an acquirer's REST transaction-status API (docs/openapi/transaction-status.yaml).

Retries, the circuit breaker and the cache are remote.py's; whatever goes wrong
reaches the caller as LookupUnavailable; a 404 is an unknown merchant or transaction.
"""
from __future__ import annotations

import os
import typing
from dataclasses import MISSING, dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple
from urllib.parse import quote

import redis.asyncio as aioredis

from daozhang.adapters.base import TransactionStatusAdapter
from daozhang.adapters.remote import (
    Patience,
    Refused,
    Remote,
    Transient,
    amount,
    json_body,
    passing,
    shanghai_time,
)
from daozhang.records import Merchant, Settlement, Transaction
from daozhang.resources import load_yaml

# Our values (PRODUCT.md, records.py): another value would be diagnosed as something it is not.
_ALLOWED = {
    (Merchant, "status"): {"active", "not_activated"},
    (Transaction, "channel"): {"wechat", "alipay", "unionpay_qr", "card"},
    (Transaction, "status"): {"success", "notpay", "closed", "reversed", "preauth", "refunded"},
    (Settlement, "status"): {"pending", "held", "paid", "returned", "blocked_not_activated"},
}


@dataclass(frozen=True)
class HttpSettings(Patience):
    """Where the API is and how patient to be with it: `http` in backends.yml, and the environment."""

    base_url: str
    auth_header: str
    auth_value: Optional[str]
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
            fields=found["fields"], **Patience.read(found))


def _pick(body: Any, path: str) -> Any:
    """The value at a dotted path of the API's JSON, None when any step of it is absent."""
    for step in path.split("."):
        if not isinstance(body, dict):
            return None
        body = body.get(step)
    return body


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
    str: _exact(str), bool: _exact(bool), int: _exact(int), Decimal: amount,
    datetime: shanghai_time, date: date.fromisoformat, Tuple[str, ...]: _strings,
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
    """The acquirer's API, behind remote.py's retries, circuit breaker and short-lived cache.

    `cache` is an async Redis client (wiring's `cache` role); its keys are `<prefix>:lookup:http:…`."""

    def __init__(self, settings: HttpSettings, cache: aioredis.Redis, prefix: str = "daozhang") -> None:
        self.settings, self.cache = settings, cache
        headers = {"Accept": "application/json"}
        if settings.auth_value:
            headers[settings.auth_header] = settings.auth_value
        self._remote = Remote("http", settings, cache, prefix, headers)

    async def close(self) -> None:
        await self._remote.close()

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
        """The answer to `call`; a 404 is kept too (as JSON null)."""
        return await self._remote.look_up(call, lambda: self._get(path, query), read)

    async def _get(self, path: str, query: Dict[str, str]) -> Any:
        status, _, body = await self._remote.send("GET", self.settings.base_url + path, params=query)
        if status == 404:
            return None
        if passing(status):
            raise Transient(f"HTTP {status}")
        if status != 200:
            raise Refused(f"HTTP {status}")
        return json_body(status, body)
