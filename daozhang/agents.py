"""Support agents of the console: accounts, logins and sessions, kept in Redis.

Passwords are kept as argon2 hashes (argon2-cffi); five failed logins lock an account for
fifteen minutes, counted in Redis so every console process agrees. A login opens a session
whose token is kept only as its SHA-256 (a leaked Redis dump opens no session), with the
CSRF token the console's pages must echo on every change.
"""
from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import asdict, dataclass
from typing import List, Optional

import redis.asyncio as aioredis
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from daozhang.clock import now_in_shanghai

MIN_PASSWORD_CHARS = 10
MAX_FAILED_LOGINS = 5
LOCK_SECONDS = 15 * 60
SESSION_SECONDS = 12 * 3600
_HASHER = PasswordHasher()


class LoginRefused(Exception):
    """Wrong name or password, or a disabled account (the same answer, so names cannot be probed)."""


class AccountLocked(Exception):
    def __init__(self, seconds_left: int) -> None:
        super().__init__(f"locked for {seconds_left} more seconds")
        self.seconds_left = seconds_left


@dataclass
class Agent:
    name: str
    display_name: str
    supervisor: bool
    password_hash: str
    disabled: bool = False
    created_at: str = ""


@dataclass
class Session:
    agent: Agent
    csrf: str


class AgentStore:
    def __init__(self, client: aioredis.Redis, prefix: str = "daozhang") -> None:
        self.redis = client
        self.prefix = prefix

    def _key(self, *parts: str) -> str:
        return ":".join((self.prefix, "agents", *parts))

    async def add(self, name: str, password: str, supervisor: bool = False,
                  display_name: Optional[str] = None) -> Agent:
        """A new agent, or a new password (and role) for an existing one."""
        if len(password) < MIN_PASSWORD_CHARS:
            raise ValueError(f"the password needs at least {MIN_PASSWORD_CHARS} characters")
        if not name or any(c.isspace() or c == ":" for c in name):
            raise ValueError("a name without spaces or colons")
        agent = Agent(name=name, display_name=display_name or name, supervisor=supervisor,
                      password_hash=_HASHER.hash(password), created_at=now_in_shanghai().isoformat(timespec="seconds"))
        await self._save(agent)
        return agent

    async def _save(self, agent: Agent) -> None:
        await self.redis.hset(self._key(), agent.name, json.dumps(asdict(agent), ensure_ascii=False))

    async def get(self, name: str) -> Optional[Agent]:
        raw = await self.redis.hget(self._key(), name)
        return Agent(**json.loads(raw)) if raw else None

    async def all(self) -> List[Agent]:
        return sorted((Agent(**json.loads(raw)) for raw in (await self.redis.hgetall(self._key())).values()),
                      key=lambda agent: agent.name)

    async def disable(self, name: str) -> bool:
        """Disables the account and ends its sessions; False when there is no such agent."""
        agent = await self.get(name)
        if agent is None:
            return False
        agent.disabled = True
        await self._save(agent)
        sessions = self._key("sessions_of", name)
        for digest in await self.redis.smembers(sessions):
            await self.redis.delete(self._key("session", digest))
        await self.redis.delete(sessions)
        return True

    async def log_in(self, name: str, password: str) -> str:
        """A session token for the agent; LoginRefused or AccountLocked."""
        locked = self._key("locked", name)
        seconds_left = await self.redis.ttl(locked)
        if seconds_left and seconds_left > 0:
            raise AccountLocked(seconds_left)
        agent = await self.get(name)
        if agent is None or agent.disabled or not _matches(agent.password_hash, password):
            await self._failed(name)
            raise LoginRefused()
        await self.redis.delete(self._key("failures", name))
        token = secrets.token_urlsafe(32)
        digest = _digest(token)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(self._key("session", digest), json.dumps({"name": name, "csrf": secrets.token_urlsafe(24)}),
                     ex=SESSION_SECONDS)
            pipe.sadd(self._key("sessions_of", name), digest)
            pipe.expire(self._key("sessions_of", name), SESSION_SECONDS)
            await pipe.execute()
        return token

    async def _failed(self, name: str) -> None:
        failures = self._key("failures", name)
        async with self.redis.pipeline(transaction=True) as pipe:
            count, _ = await pipe.incr(failures).expire(failures, LOCK_SECONDS).execute()
        if count >= MAX_FAILED_LOGINS:
            async with self.redis.pipeline(transaction=True) as pipe:
                await pipe.set(self._key("locked", name), 1, ex=LOCK_SECONDS).delete(failures).execute()

    async def session(self, token: Optional[str]) -> Optional[Session]:
        """The session a token opens, None when unknown, expired or its agent disabled."""
        if not token:
            return None
        raw = await self.redis.get(self._key("session", _digest(token)))
        if not raw:
            return None
        found = json.loads(raw)
        agent = await self.get(found["name"])
        return Session(agent, found["csrf"]) if agent and not agent.disabled else None

    async def log_out(self, token: str) -> None:
        digest = _digest(token)
        raw = await self.redis.get(self._key("session", digest))
        if raw:
            await self.redis.srem(self._key("sessions_of", json.loads(raw)["name"]), digest)
        await self.redis.delete(self._key("session", digest))


def _matches(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
