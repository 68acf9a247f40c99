"""What a second server gives on this machine: throughput of one stack against two behind nginx.

One stack as `make run` serves it (its REST webhook straight), then two Rasa servers and two
action servers behind Debian's nginx with the shipped configuration (tests/support/cluster.py),
each on a Redis of the bench's own, the same conversations (tools/bench_load.py) 10 and 50 at
once. On 2 cores two servers share the same two cores with nginx and Redis, so they cannot
double anything: the figures say what they give here, and what the machine has.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from tests.support.cluster import Cluster
from tests.support.redis_server import RedisServer
from tests.support.stack import Stack
from tools.bench_load import play
from tools.bench_turns import SETTINGS

# (conversations at once, turns per conversation, conversations)
SCENARIOS = [(10, 5, 30), (50, 5, 50)]
QUICK = [(10, 5, 10)]


def _played(name: str, running, scenarios: list) -> dict:
    """Each scenario played through `running` (a Stack or a Cluster, stopped afterwards), after a warm-up."""
    webhook = f"{running.url}/webhooks/rest/webhook"
    figures = {}
    try:
        play(webhook, "warm", 3, 2, 4)
        for concurrency, turns, conversations in scenarios:
            phase = f"c{concurrency}t{turns}"
            figures[phase] = play(webhook, f"{name}{phase}", turns, concurrency, conversations)
            print(f"  {name} {phase}: {figures[phase]}", flush=True)
    finally:
        running.stop()
    return figures


def compare(quick: bool) -> dict:
    """{"cores": n, "one": {phase: figures}, "two": {phase: figures}}."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-servers-"))
    scenarios = QUICK if quick else SCENARIOS
    redis = RedisServer().start()
    try:
        (workdir / "one").mkdir()
        one = _played("one", Stack(workdir / "one", redis_port=redis.port, redis_db=0, **SETTINGS).start(),
                      scenarios)
        two = _played("two", Cluster(workdir / "two", redis_db=1, redis_port=redis.port, **SETTINGS).start(),
                      scenarios)
    finally:
        redis.stop()
    return {"cores": os.cpu_count(), "one": one, "two": two}
