"""`rasa run` with stopwatches on the parts of a turn, for `make bench` only.

    DZ_BENCH_PROBE=/tmp/probe.json python -m tools.bench_probe run …

Wraps, from outside, what a turn goes through: the door (channels.door: its Redis steps and its
masking), the lock, NLU, policies, actions (the action server's calls apart), tracker retrieve and
save (event broker and masking apart), and counts Redis commands. Figures are summed per phase:
the part of the sender id before its first "-" (`c1t5-…`), so one run keeps scenarios apart.
After every turn (and its door) the sums are written to the file DZ_BENCH_PROBE (a few microseconds per part).
"""
from __future__ import annotations

import contextvars
import functools
import inspect
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

_PHASE = contextvars.ContextVar("bench_phase", default="other")
_SUMS: dict = defaultdict(lambda: defaultdict(float))


def _phase_of(sender: str) -> str:
    return sender.split(":")[-1].split("-")[0]


def _add(part: str, seconds: float) -> None:
    figures = _SUMS[_PHASE.get()]
    figures[f"{part}_ms"] += seconds * 1000
    figures[f"{part}_calls"] += 1


def _timed(owner: object, name: str, part: str) -> None:
    """Replaces owner.name (a coroutine function or a plain one) by itself with a stopwatch."""
    inner = getattr(owner, name)
    if inspect.iscoroutinefunction(inner):
        @functools.wraps(inner)
        async def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return await inner(*args, **kwargs)
            finally:
                _add(part, time.perf_counter() - started)
    else:
        @functools.wraps(inner)
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                _add(part, time.perf_counter() - started)
    setattr(owner, name, wrapper)


def _dump() -> None:
    target = Path(os.environ["DZ_BENCH_PROBE"])
    target.with_suffix(".part").write_text(json.dumps(_SUMS))
    target.with_suffix(".part").replace(target)


def _phased(inner, part: str, message_at: int):
    """A coroutine that handles a message (its argument number `message_at`): the phase is set from
    its sender for everything it does, its time summed as `part`, and the sums written after it."""
    @functools.wraps(inner)
    async def wrapper(*args):
        _PHASE.set(_phase_of(args[message_at].sender_id or ""))
        started = time.perf_counter()
        try:
            return await inner(*args)
        finally:
            _add(part, time.perf_counter() - started)
            _dump()
    return wrapper


def install() -> None:
    """Puts the stopwatches in; the modules that are not loaded (the minimal bot's) are skipped."""
    import redis
    import redis.asyncio
    from rasa.core import actions, agent, processor

    agent.Agent.handle_message = _phased(agent.Agent.handle_message, "turn", 1)  # (self, message)
    P = processor.MessageProcessor
    for name, part in (("parse_message", "nlu"), ("_predict_next_with_tracker", "policies"),
                       ("_run_action", "actions"), ("fetch_tracker_and_update_session", "tracker_retrieve"),
                       ("save_tracker", "tracker_save")):
        _timed(P, name, part)
    _timed(actions.action.RemoteAction, "run", "action_server")
    for client in (redis.Redis, redis.asyncio.Redis):
        _timed(client, "execute_command", "redis_command")
    for pipeline in (redis.client.Pipeline, redis.asyncio.client.Pipeline):
        _timed(pipeline, "execute", "redis_pipeline")
    try:
        from channels import door
        from stores import redis_stores
    except ImportError:
        return
    door.admit = _phased(door.admit, "door_total", 0)  # (message, on_new_message); before the channels import it
    for name in ("within_burst_limit", "verification_step", "kept_for", "rated", "held_case_line"):
        _timed(door, name, "door_steps")
    _timed(door, "mask", "door_masking")
    _timed(redis_stores, "mask_values", "store_masking")
    _timed(redis_stores.MaskingRedisTrackerStore, "_publish", "event_broker")


def main() -> int:
    install()
    from tools.rasa_quiet import main as rasa_main

    return rasa_main()


if __name__ == "__main__":
    sys.exit(main())
