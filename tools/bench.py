"""Benchmark: model load time, parse latency, memory, normaliser speed,
sandbox investigation latency, parse time by message length (linear: a long
message must not stall the server), ticket creation against the real Redis,
a merchant's turn through a real stack (the replay conversations, median and
p90), and what durability costs a turn: the writes of one turn against a Redis that
fsyncs every write (`appendfsync always`, as `make run` starts it) and one
that fsyncs once a second, on the disk `make run` keeps its data on; and what Rasa's SQL event
broker (the agent console's feed) adds to a turn: its events per turn times its cost per event.

Figures, not assertions: `make bench` prints them and writes
results/bench.json. Parse latency is measured in-process on every held-out
message (several passes), so it excludes HTTP.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

from tools.evaluate import HELDOUT, RESULTS, load_agent, load_examples
from tools.rasa_quiet import quiet_rasa_imports


def _percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def _parse_latencies(agent, texts, passes):
    latencies = []
    for _ in range(passes):
        for text in texts:
            started = time.perf_counter()
            await agent.parse_message(text)
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def _investigation_ms(rounds: int) -> float:
    from daozhang.investigation import investigate
    from daozhang.wiring import adapter as configured

    adapter = configured()
    merchants = [f"8983100000000{n:02d}" for n in range(1, 12)]

    async def run() -> None:
        for _ in range(rounds):
            for merchant_id in merchants:
                await investigate(adapter, merchant_id)

    started = time.perf_counter()
    asyncio.run(run())
    return (time.perf_counter() - started) / (rounds * len(merchants)) * 1000


def _ticket_create_ms(count: int) -> float:
    import uuid

    from daozhang.wiring import ticket_store

    prefix = f"bench{uuid.uuid4().hex[:6]}"
    turns = [{"who": "merchant", "text": "昨天刷卡两千三没到账", "at": ""}] * 6

    async def run() -> float:
        store = ticket_store("tools", prefix=prefix, db=15)
        try:
            return await _tickets_ms(store, count, turns)
        finally:
            async for key in store.redis.scan_iter(f"{prefix}:*"):
                await store.redis.delete(key)
    return asyncio.run(run())


async def _tickets_ms(store, count: int, transcript: list) -> float:
    """ms per ticket created (with its indexes and id sequence)."""
    started = time.perf_counter()
    for n in range(count):
        await store.create(channel="rest", sender_id=f"b{n}", merchant_id="898310000000003",
                           intent="payment_not_arrived", slots={"amount": "2300"}, adapter_results=[],
                           diagnosis="pending_settlement", explanation="T+1", transcript=transcript)
    return (time.perf_counter() - started) / count * 1000


def _redis_writes_ms(fsync: str, turns: int) -> dict:
    """ms per turn (tracker saved, lock taken and freed) and per ticket, against a Redis of its own
    with append-only persistence and `appendfsync <fsync>`, its data beside make run's."""
    import os

    from daozhang.wiring import blocking_redis, ticket_store
    from tests.support.redis_server import RedisServer  # the tests' own throwaway server

    data_home = Path(os.environ.get("DZ_REDIS_DIR") or Path.home() / ".local/share/daozhang/redis").parent
    data_home.mkdir(parents=True, exist_ok=True)
    server = RedisServer(["--appendonly", "yes", "--appendfsync", fsync], parent=data_home).start()
    try:
        client = blocking_redis("tools", host="127.0.0.1", port=server.port)
        tracker = json.dumps({"events": [{"event": "user", "text": "昨天刷卡两千三没到账"}] * 120}).encode()
        started = time.perf_counter()
        for n in range(turns):
            client.set("lock:rest:bench", b"ticket", nx=True, px=30_000)
            client.set(f"tracker:rest:bench{n % 20}", tracker)
            client.delete("lock:rest:bench")
        turn_ms = (time.perf_counter() - started) / turns * 1000
        ticket_ms = asyncio.run(_tickets_ms(ticket_store("tools", prefix="bench", host="127.0.0.1",
                                                          port=server.port), turns // 4, []))
    finally:
        server.stop()
    return {"turn_ms": round(turn_ms, 3), "ticket_ms": round(ticket_ms, 3), "tracker_kb": len(tracker) // 1024}


LONG_MESSAGE = "老板你好我昨天在店里用POS机刷了两千三百块钱到现在还没到账商户号898310000000003麻烦帮我查一下，"


async def _parse_ms_by_length(agent, lengths=(500, 1000, 2000, 4000, 8000)):
    """Parse time of one long message per length: it must grow linearly (the door caps at 2,000)."""
    figures = {}
    for length in lengths:
        text = (LONG_MESSAGE * (length // len(LONG_MESSAGE) + 1))[:length]
        started = time.perf_counter()
        await agent.parse_message(text)
        figures[str(length)] = round((time.perf_counter() - started) * 1000, 1)
    return figures


def _conversation_turn_ms(rounds: int) -> dict:
    """ms per merchant turn through a real stack (REST → rasa → action server → Redis): the sandbox
    conversations of tests/replay, on a pinned weekday, against a Redis of the stack's own."""
    import tempfile

    import yaml

    from tests.support.redis_server import RedisServer
    from tests.support.stack import Stack

    scripts = yaml.safe_load((Path(__file__).resolve().parent.parent / "tests" / "replay" / "conversations.yml")
                             .read_text(encoding="utf-8"))["conversations"]
    server = RedisServer().start()
    stack = Stack(Path(tempfile.mkdtemp(prefix="bench-turns-")), redis_port=server.port, redis_db=0,
                  DZ_TODAY="2026-12-02", DZ_RATE_LIMIT="off").start()
    times = []
    try:
        for n in range(rounds):
            for name, turns in scripts.items():
                for text in turns:
                    started = time.perf_counter()
                    stack.say(f"bench{n}-{name}", text)
                    times.append((time.perf_counter() - started) * 1000)
    finally:
        stack.stop()
        server.stop()
    return {"turns": len(times), "median": round(statistics.median(times), 1), "p90": round(_percentile(times, 0.9), 1),
            "broker_events_per_turn": round(_rows(stack.events_db) / len(times), 1)}


def _rows(events_db: Path) -> int:
    import sqlite3

    with sqlite3.connect(events_db) as connection:
        return connection.execute("SELECT COUNT(*) FROM events").fetchone()[0]


def _event_broker_ms(count: int, ours: bool) -> float:
    """ms per event Rasa's SQL event broker writes to its SQLite file (a blocking commit, on the
    Rasa server's event loop), with a user event as the stack publishes it: Rasa's own class
    (a commit waits for the disk) and ours (stores/event_broker.py: WAL, synchronous=NORMAL)."""
    import os
    import tempfile

    from rasa.core.brokers.sql import SQLEventBroker

    from stores.event_broker import EnvSQLEventBroker

    path = Path(tempfile.mkdtemp(prefix="bench-broker-")) / "events.db"
    os.environ["DZ_EVENTS_DB"] = str(path)
    broker = EnvSQLEventBroker() if ours else SQLEventBroker(db=str(path))
    event = {"sender_id": "rest:bench", "event": "user", "timestamp": time.time(), "text": "昨天刷卡两千三没到账",
             "parse_data": {"intent": {"name": "payment_not_arrived", "confidence": 0.98},
                            "entities": [{"entity": "amount", "value": "2300"}]}, "input_channel": "rest"}
    started = time.perf_counter()
    for _ in range(count):
        broker.publish(event)
    return (time.perf_counter() - started) / count * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()
    quiet_rasa_imports()

    from daozhang.text.normalise import normalise

    texts = [row["text"] for row in load_examples(HELDOUT)]
    started = time.perf_counter()
    agent = load_agent(args.model)
    load_seconds = time.perf_counter() - started
    asyncio.run(agent.parse_message("预热"))
    latencies = asyncio.run(_parse_latencies(agent, texts, args.passes))

    started = time.perf_counter()
    for text in texts * 10:
        normalise(text)
    normalise_us = (time.perf_counter() - started) / (len(texts) * 10) * 1e6

    figures = {
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}",
        "model": args.model.name,
        "model_load_seconds": round(load_seconds, 2),
        "messages": len(latencies),
        "parse_ms_median": round(statistics.median(latencies), 2),
        "parse_ms_p95": round(_percentile(latencies, 0.95), 2),
        "parse_ms_max": round(max(latencies), 2),
        "normalise_us_mean": round(normalise_us, 1),
        "parse_ms_by_chars": asyncio.run(_parse_ms_by_length(agent)),
        "sandbox_investigation_ms_mean": round(_investigation_ms(20), 3),
        "ticket_create_ms_mean": round(_ticket_create_ms(200), 3),
        "redis_fsync_always": _redis_writes_ms("always", 400),
        "redis_fsync_everysec": _redis_writes_ms("everysec", 400),
        "conversation_turn_ms": _conversation_turn_ms(3),
        "event_broker_ms_per_event_rasa": round(_event_broker_ms(300, ours=False), 3),
        "event_broker_ms_per_event": round(_event_broker_ms(300, ours=True), 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    # What the SQL event broker (the console's feed) adds to a turn, blocking Rasa's event loop.
    per_turn = figures["conversation_turn_ms"]["broker_events_per_turn"]
    figures["event_broker_ms_per_turn"] = round(figures["event_broker_ms_per_event"] * per_turn, 2)
    figures["event_broker_ms_per_turn_rasa"] = round(figures["event_broker_ms_per_event_rasa"] * per_turn, 2)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench.json").write_text(json.dumps(figures, indent=1))
    for key, value in figures.items():
        print(f"{key:>20}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
