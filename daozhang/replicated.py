"""Transactions acknowledged only once a replica has them: `MULTI … EXEC` then `WAIT 1 <ms>`.

Redis replicates asynchronously: a write the master acknowledged and no replica received yet
is gone when Sentinel promotes a replica. WAIT counts the replicas that have every write the
connection made, so it must follow EXEC on the same connection, with no retry in between (a
retried WAIT on a new connection would vouch for nothing): the pipelines here send it right
after EXEC, inside the one call redis-py makes per transaction. A connection lost on the way
fails the whole call, as a write that was never acknowledged.

A write no replica confirms also drops its connection: after `SENTINEL FAILOVER` the old master
takes writes for seconds more (until Sentinel demotes it), and a connection made anew asks the
Sentinels where the master is now. The merchant gets one apology, not seconds of them.
"""
from __future__ import annotations

from typing import Any, Union

import redis
import redis.asyncio as aioredis
from redis.asyncio.client import Pipeline as AsyncPipeline
from redis.client import Pipeline
from redis.exceptions import RedisError


class NotReplicated(RedisError):
    """The master has the write, no replica confirmed it in time: it is not acknowledged (a
    failover now could lose it), and callers treat it as Redis failing."""


def _unconfirmed(replicas: Any, wait_ms: int) -> NotReplicated | None:
    return NotReplicated(f"no replica confirmed the write within {wait_ms} ms") if int(replicas) < 1 else None


class _Replicated(Pipeline):
    wait_ms = 0

    def _execute_transaction(self, connection, commands, raise_on_error):
        done = super()._execute_transaction(connection, commands, raise_on_error)
        connection.send_command("WAIT", 1, self.wait_ms)
        refused = _unconfirmed(connection.read_response(), self.wait_ms)
        if refused:
            connection.disconnect()
            raise refused
        return done


class _AsyncReplicated(AsyncPipeline):
    wait_ms = 0

    async def _execute_transaction(self, connection, commands, raise_on_error):
        done = await super()._execute_transaction(connection, commands, raise_on_error)
        await connection.send_command("WAIT", 1, self.wait_ms)
        refused = _unconfirmed(await connection.read_response(), self.wait_ms)
        if refused:
            await connection.disconnect()
            raise refused
        return done


def transaction(client: Union[redis.Redis, aioredis.Redis], wait_ms: int | None) -> Any:
    """A transaction pipeline of `client` whose `execute` returns once a replica has it (within
    `wait_ms`, else NotReplicated); with `wait_ms` None, the client's own transaction pipeline."""
    if wait_ms is None:
        return client.pipeline(transaction=True)
    kind = _AsyncReplicated if isinstance(client, aioredis.Redis) else _Replicated
    pipe = kind(client.connection_pool, client.response_callbacks, True, None)
    pipe.wait_ms = wait_ms
    return pipe
