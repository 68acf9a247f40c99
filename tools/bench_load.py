"""Merchant conversations played against a bot's REST webhook: per-turn latency and throughput.

A conversation of n turns is made of the sandbox conversations' lines (tests/replay, never the
dev set), one script after another from a starting script, so every conversation opens with a
first message and goes on as merchants do. `concurrency` conversations run at once, each turn
waiting for the answer to the one before, as a merchant does.

The script of the sandbox's merchant that never answers (`stall` in daozhang/data/sandbox.yml)
is left out: its turn is the lookup timeout by design (a fault, told apart in the README), which
the minimal bot has nothing to compare with, and one such turn in twenty made p95 and the means a
measure of the timeout instead of the cost per turn.
"""
from __future__ import annotations

import asyncio
import statistics
import time
from functools import lru_cache
from pathlib import Path

import aiohttp
import yaml

from daozhang.resources import load_yaml

SCRIPTS = Path(__file__).resolve().parent.parent / "tests" / "replay" / "conversations.yml"


@lru_cache(maxsize=1)
def played_scripts() -> tuple:
    """The scripts' lines, in file order, without those that talk about a merchant the sandbox
    never answers for (read once: `conversation` is asked for every conversation played)."""
    stalling = {merchant for merchant, entry in load_yaml("sandbox.yml")["merchants"].items() if entry.get("stall")}
    scripts = yaml.safe_load(SCRIPTS.read_text(encoding="utf-8"))["conversations"].values()
    return tuple(lines for lines in scripts if not any(m in str(line) for line in lines for m in stalling))


def conversation(start: int, turns: int) -> list:
    """`turns` merchant lines: the scripts from number `start` on, in order, round again if needed."""
    scripts = played_scripts()
    lines = []
    while len(lines) < turns:
        lines.extend(scripts[start % len(scripts)])
        start += 1
    return lines[:turns]


def percentile(values: list, share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def _play(url: str, phase: str, turns: int, concurrency: int, conversations: int, tag: str) -> dict:
    queue: asyncio.Queue = asyncio.Queue()
    for k in range(conversations):
        queue.put_nowait(k)
    latencies, silent = [], 0

    async def merchant(session: aiohttp.ClientSession) -> None:
        nonlocal silent
        while not queue.empty():
            k = queue.get_nowait()
            for text in conversation(k, turns):
                started = time.perf_counter()
                async with session.post(url, json={"sender": f"{phase}-{tag}{k}", "message": text}) as answer:
                    body = await answer.json(content_type=None)
                latencies.append((time.perf_counter() - started) * 1000)
                silent += answer.status != 200 or not body

    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=0)) as session:
        started = time.perf_counter()
        await asyncio.gather(*(merchant(session) for _ in range(concurrency)))
        wall = time.perf_counter() - started
    return {"turns": len(latencies), "silent_or_failed": silent, "wall_s": round(wall, 2),
            "p50_ms": round(statistics.median(latencies), 1), "p90_ms": round(percentile(latencies, 0.9), 1),
            "p95_ms": round(percentile(latencies, 0.95), 1),
            "p99_ms": round(percentile(latencies, 0.99), 1), "mean_ms": round(statistics.fmean(latencies), 1),
            "turns_per_s": round(len(latencies) / wall, 2)}


def play(url: str, phase: str, turns: int, concurrency: int, conversations: int, tag: str = "") -> dict:
    """Figures of `conversations` conversations of `turns` turns, `concurrency` at once; sender ids
    start with `phase` (the probe sums per phase), then `tag` (a round's own conversations)."""
    return asyncio.run(_play(url, phase, turns, concurrency, conversations, tag))
