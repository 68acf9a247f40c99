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
from tools.bench_turns import PINNED_DAY

SETTINGS = {"DZ_TODAY": PINNED_DAY, "DZ_RATE_LIMIT": "off", "DZ_REPLY_DEADLINE": "120"}
# (conversations at once, turns per conversation, conversations)
SCENARIOS = [(10, 5, 30), (50, 5, 50)]
QUICK = [(10, 5, 10)]


def compare(quick: bool) -> dict:
    """{"one": {phase: figures}, "two": {phase: figures}, "cores": n}."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-servers-"))
    redis = RedisServer().start()
    results = {"cores": os.cpu_count(), "one": {}, "two": {}}
    try:
        (workdir / "one").mkdir()
        one = Stack(workdir / "one", redis_port=redis.port, redis_db=0, **SETTINGS).start()
        try:
            play(f"{one.url}/webhooks/rest/webhook", "warm", 3, 1, 2)
            for concurrency, turns, conversations in QUICK if quick else SCENARIOS:
                phase = f"c{concurrency}t{turns}"
                results["one"][phase] = play(f"{one.url}/webhooks/rest/webhook", f"one{phase}", turns,
                                             concurrency, conversations)
                print(f"  one server  {phase}: {results['one'][phase]}", flush=True)
        finally:
            one.stop()
        two = Cluster(workdir / "two", redis_db=1, redis_port=redis.port, **SETTINGS).start()
        try:
            play(f"{two.url}/webhooks/rest/webhook", "warm", 3, 2, 4)
            for concurrency, turns, conversations in QUICK if quick else SCENARIOS:
                phase = f"c{concurrency}t{turns}"
                results["two"][phase] = play(f"{two.url}/webhooks/rest/webhook", f"two{phase}", turns,
                                             concurrency, conversations)
                print(f"  two servers {phase}: {results['two'][phase]}", flush=True)
        finally:
            two.stop()
    finally:
        redis.stop()
    return results
