"""Benchmark: what a merchant's turn costs, against a minimal bot in the same run (issue 24), and
the figures around it.

The comparison (tools/bench_turns.py): per-turn latency p50/p95/p99 and throughput through the
REST webhook, sequentially and with 10 and 50 conversations at once, in conversations of 5 and
40 turns, for our stack and for the minimal bot (tools/bench_minimal.py); where a turn's time
goes (tools/bench_probe.py); training time, model size and resident memory of each server.
Top-level keys: `p50_ratio`, `p95_ratio` (ours over the minimal bot's, sequential 5-turn
conversations), `throughput10_ratio` (10 at once, 5-turn), `turn40_vs_5` (mean time per turn in
40-turn over 5-turn conversations, sequential, ours divided by the minimal bot's).

Around it, in-process: model load time, parse latency on the held-out messages and by message
length (linear: a long message must not stall the server), normaliser speed, sandbox
investigation latency, ticket creation against a real Redis, what durability costs a turn
(`appendfsync always` against `everysec`, on the disk `make run` keeps its data on), and what
Rasa's SQL event broker (the agent console's feed) adds to a turn; and the throughput of two
servers behind nginx against one (tools/bench_servers.py), 10 at once first.

Figures, not assertions: `make bench` prints them and writes results/bench.json and
results/bench.png. `--quick` plays fewer conversations (a check that the bench works).
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


def _growth(forty: dict, five: dict) -> float:
    """Time per turn in 40-turn conversations over 5-turn ones."""
    return forty["mean_ms"] / five["mean_ms"]


def _over(top: dict, bottom: dict) -> dict:
    """The issue's four figures of one bot over another: each the median over the rounds of the ratio
    within a round (the bots of a round played one after the other), with its range."""
    per_round = [{"p50_ratio": top["c1t5"][n]["p50_ms"] / bottom["c1t5"][n]["p50_ms"],
                  "p95_ratio": top["c1t5"][n]["p95_ms"] / bottom["c1t5"][n]["p95_ms"],
                  "throughput10_ratio": top["c10t5"][n]["turns_per_s"] / bottom["c10t5"][n]["turns_per_s"],
                  "turn40_vs_5": (_growth(top["c1t40"][n], top["c1t5"][n])
                                  / _growth(bottom["c1t40"][n], bottom["c1t5"][n]))}
                 for n in range(len(top["c1t5"]))]
    figures = {key: round(statistics.median(r[key] for r in per_round), 2) for key in per_round[0]}
    figures["range"] = {key: [round(min(r[key] for r in per_round), 2), round(max(r[key] for r in per_round), 2)]
                        for key in per_round[0]}
    return figures


def _ratios(turns: dict) -> dict:
    """The issue's four figures, ours over the minimal bot's; then the same of the bare bot (the
    issue's architecture with nothing of ours) over the minimal one, and of ours over the bare one;
    and each bot's own growth from 5-turn to 40-turn conversations."""
    ours, bare, minimal = (turns[name]["rounds"] for name in ("ours", "bare", "minimal"))
    growth = {name: round(_growth(bot["scenarios"]["c1t40"], bot["scenarios"]["c1t5"]), 2)
              for name, bot in turns.items()}
    return {**_over(ours, minimal), "turn40_vs_5_each": growth,
            "bare_over_minimal": _over(bare, minimal), "ours_over_bare": _over(ours, bare)}


def _machine() -> str:
    import os

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "cpu")
    return (f"{platform.machine()}, {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"load average {os.getloadavg()[0]:.1f} at the start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="fewer conversations and passes")
    args = parser.parse_args()
    quiet_rasa_imports()

    from daozhang.text.normalise import normalise
    from tools.bench_chart import chart
    from tools.bench_minimal import our_training
    from tools.bench_servers import compare as compare_servers
    from tools.bench_turns import compare

    machine = _machine()
    texts = [row["text"] for row in load_examples(HELDOUT)]
    started = time.perf_counter()
    agent = load_agent(args.model)
    load_seconds = time.perf_counter() - started
    asyncio.run(agent.parse_message("预热"))
    latencies = asyncio.run(_parse_latencies(agent, texts, 1 if args.quick else args.passes))

    started = time.perf_counter()
    for text in texts * 10:
        normalise(text)
    normalise_us = (time.perf_counter() - started) / (len(texts) * 10) * 1e6

    figures = {
        "machine": machine,
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
        "event_broker_ms_per_event_rasa": round(_event_broker_ms(300, ours=False), 3),
        "event_broker_ms_per_event": round(_event_broker_ms(300, ours=True), 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    del agent
    turns = compare(args.model, args.quick)
    ours = turns["ours"]
    ours["model"] = {k: v for k, v in our_training().items() if k != "model"}
    played = sum(s["turns"] for s in ours["scenarios"].values()) + 6  # and the warm-up's
    per_turn = round(_rows(ours.pop("events_db")) / played, 1)
    sequential = ours["scenarios"]["c1t5"]
    figures["conversation_turn_ms"] = {"turns": sequential["turns"], "median": sequential["p50_ms"],
                                       "p90": sequential["p90_ms"], "broker_events_per_turn": per_turn}
    # What the SQL event broker (the console's feed) adds to a turn, blocking Rasa's event loop.
    figures["event_broker_ms_per_turn"] = round(figures["event_broker_ms_per_event"] * per_turn, 2)
    figures["event_broker_ms_per_turn_rasa"] = round(figures["event_broker_ms_per_event_rasa"] * per_turn, 2)
    servers = compare_servers(args.quick)
    phase = next(iter(servers["two"]))
    servers["two_over_one_throughput"] = round(
        servers["two"][phase]["turns_per_s"] / servers["one"][phase]["turns_per_s"], 2)
    figures = {**_ratios(turns), "quick": args.quick, **figures, "servers": servers, "turns": turns}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench.json").write_text(json.dumps(figures, indent=1, ensure_ascii=False))
    chart(turns, figures, RESULTS / "bench.png")
    for key, value in figures.items():
        if key != "turns":
            print(f"{key:>20}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
