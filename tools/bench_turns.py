"""Cost per turn, ours against the minimal bot (tools/bench_minimal.py), in one run, with the bare
bot (the issue's architecture, nothing of ours) on the scenarios the issue's figures come from.

The bots are served at once: ours as `make run` serves it (REST through the door, action
server, Redis tracker and lock stores on a Redis of the bench's own, the SQL event broker, the
sandbox), the minimal one with plain REST and in-memory stores, the bare one with its action
server and Rasa's own Redis stores on that Redis. No burst limit, and the door's
reply deadline far off: a slow turn is measured, not cut short by the apology. Every scenario is played on
each bot, in an order that turns round, so a machine that gets busier hits them all. Each server runs under
tools/bench_probe.py, which sums where the time of a turn goes.
"""
from __future__ import annotations

import json
import statistics
import tempfile
from pathlib import Path

from tests.support.redis_server import RedisServer
from tests.support.stack import Stack
from tools.bench_load import play
from tools.bench_minimal import minimal_bot

# (conversations at once, turns per conversation, conversations)
# The scenarios the four figures come from, in short rounds, each bot in turn within a round:
# one long run's ratio moved by a third with this machine's noise (the minimal bot's turns per
# second at 10 at once went from 58 to 118 in one run); the median over the rounds holds.
KEY = [(1, 5, 8), (1, 40, 1), (10, 5, 20)]
ROUNDS, QUICK_ROUNDS = 5, 2
# The others, once for ours and the minimal bot (the bare bot is only there to compare the four figures).
MORE = [(10, 40, 10), (50, 5, 50), (50, 40, 50)]
QUICK_MORE = [(50, 5, 50)]
PINNED_DAY = "2026-12-02"  # a Wednesday: the sandbox answers the same whatever day the bench runs
# Every bench stack: no burst limit, and the reply deadline far off (a slow turn is measured, not cut short).
SETTINGS = {"DZ_TODAY": PINNED_DAY, "DZ_RATE_LIMIT": "off", "DZ_REPLY_DEADLINE": "120"}


def _memory_mb(pid: int) -> dict:
    """Resident memory now and at its peak (VmRSS, VmHWM in /proc)."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return {"rss_mb": round(int(fields["VmRSS"].split()[0]) / 1024, 1),
            "peak_rss_mb": round(int(fields["VmHWM"].split()[0]) / 1024, 1)}


def _breakdown(probe: Path) -> dict:
    """ms per turn of each part the probe timed, and Redis commands per turn, per phase."""
    if not probe.exists():
        return {}
    figures = {}
    for phase, sums in json.loads(probe.read_text()).items():
        turns = sums.get("turn_calls") or 1
        figures[phase] = {key.replace("_ms", "_ms_per_turn") if key.endswith("_ms") else
                          key.replace("_calls", "_per_turn"): round(value / turns, 2)
                          for key, value in sorted(sums.items())}
    return figures


def _in_turn(bots: list, number: int) -> list:
    """The bots in the order of round (or scenario) `number`: each goes first in turn."""
    return bots[number % len(bots):] + bots[:number % len(bots)]


def _record(results: dict, name: str, phase: str, figures: dict) -> None:
    rounds = results[name]["rounds"].setdefault(phase, [])
    rounds.append(figures)
    print(f"  {name:>8} {phase:>7} ({len(rounds)}): {figures}", flush=True)


def _median(rounds: list) -> dict:
    """Each figure's median over the rounds (turns and failures: all of them)."""
    summed = ("turns", "silent_or_failed")
    return {key: (sum(r[key] for r in rounds) if key in summed else round(statistics.median(r[key] for r in rounds), 2))
            for key in rounds[0]} | {"rounds": len(rounds)}


def compare(model: Path, quick: bool) -> dict:
    """{"minimal": …, "bare": …, "ours": …}: per scenario the latency figures (`rounds`: each round's,
    `scenarios`: their medians), plus memory, model and breakdown."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-turns-"))
    minimal, bare = minimal_bot(), minimal_bot(bare=True)
    redis = RedisServer().start()
    stacks = {}
    try:
        for name, options in (
                ("minimal", {"model": minimal["model"], "endpoints": minimal["endpoints"],
                             "credentials": minimal["credentials"], "actions": False}),
                ("bare", {"model": bare["model"], "endpoints": bare["endpoints"],
                          "credentials": bare["credentials"], "actions": "tools.bench_bare_actions"}),
                ("ours", {"model": model})):
            (workdir / name).mkdir()
            stacks[name] = Stack(workdir / name, redis_port=redis.port, redis_db=len(stacks),
                                 launcher="tools.bench_probe", DZ_BENCH_PROBE=str(workdir / f"{name}.json"),
                                 **SETTINGS, **options).start()
        results = {name: {"scenarios": {}, "rounds": {}} for name in stacks}
        for name, stack in stacks.items():
            play(f"{stack.url}/webhooks/rest/webhook", "warm", 3, 1, 2)
        bots = list(stacks)
        for number in range(QUICK_ROUNDS if quick else ROUNDS):
            for concurrency, turns, conversations in KEY:
                phase = f"c{concurrency}t{turns}"
                for name in _in_turn(bots, number):
                    _record(results, name, phase, play(f"{stacks[name].url}/webhooks/rest/webhook", phase,
                                                       turns, concurrency, conversations, tag=f"r{number}k"))
        for number, (concurrency, turns, conversations) in enumerate(QUICK_MORE if quick else MORE):
            phase = f"c{concurrency}t{turns}"
            for name in _in_turn(["minimal", "ours"], number):
                _record(results, name, phase, play(f"{stacks[name].url}/webhooks/rest/webhook", phase,
                                                   turns, concurrency, conversations))
        for bot in results.values():
            bot["scenarios"] = {phase: _median(rounds) for phase, rounds in bot["rounds"].items()}
        for name, stack in stacks.items():
            results[name]["memory"] = {"rasa": _memory_mb(stack.rasa.pid)}
            if stack.actions:
                results[name]["memory"]["action_server"] = _memory_mb(stack.action_server.pid)
                results[name]["memory"]["redis"] = _memory_mb(redis.process.pid)
            results[name]["breakdown"] = _breakdown(workdir / f"{name}.json")
        for name, bot in (("minimal", minimal), ("bare", bare)):
            results[name]["model"] = {k: bot[k] for k in ("training_seconds", "model_mb")}
        results["ours"]["events_db"] = stacks["ours"].events_db
    finally:
        for stack in stacks.values():
            stack.stop()
        redis.stop()
    return results
