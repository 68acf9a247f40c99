"""The dashboard's figures: conversations from Rasa's SQL event broker, tickets from the store.

The broker's table is read incrementally (rows after the last id read), off the event loop,
so the figures cost one small query per request and count every Rasa process's events.
The database is the one Rasa's broker writes (`daozhang.wiring.events_url`).
"""
from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import List, Tuple

import sqlalchemy
import yaml

from console.views import diagnosis_title, said
from daozhang.clock import now_in_shanghai
from daozhang.containment import conversations, figures
from daozhang.resources import wording
from daozhang.wiring import events_url, tickets

ROOT = Path(__file__).resolve().parent.parent
COUNTED_SLOTS = ("diagnosis", "explanation", "handoff_ticket", "solved")


@lru_cache(maxsize=1)
def session_expiry_seconds() -> float:
    """Rasa's session expiry (domain.yml, minutes): silence this long after an explanation settles it."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return float(domain["session_config"]["session_expiration_time"]) * 60


class EventFeed:
    """The broker's events read so far (only what the figures need of each)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = None
        self.last_id = 0
        self.events: List[Tuple[str, dict]] = []
        self.lock = threading.Lock()

    def read_new(self) -> List[Tuple[str, dict]]:
        with self.lock:
            if self.engine is None:
                self.engine = sqlalchemy.create_engine(self.url)
            if not sqlalchemy.inspect(self.engine).has_table("events"):
                return list(self.events)  # no conversation yet
            with self.engine.connect() as connection:
                rows = connection.execute(sqlalchemy.text(
                    "SELECT id, sender_id, data FROM events WHERE id > :last ORDER BY id"), {"last": self.last_id})
                for row_id, sender, data in rows:
                    kept = _compact(json.loads(data))
                    if kept:
                        self.events.append((sender, kept))
                    self.last_id = row_id
            return list(self.events)


def _compact(event: dict) -> dict:
    """What the figures read of an event (intents, ratings, a few slots), or {} for none of it:
    the console keeps every conversation's events in memory, not their lookups and texts."""
    kind, at = event.get("event"), event.get("timestamp")
    if kind == "session_started":
        return {"event": kind, "timestamp": at}
    if kind == "user":
        parsed = event.get("parse_data") or {}
        ratings = [e for e in parsed.get("entities") or [] if e.get("entity") in ("rating", "rated_case")]
        return {"event": kind, "timestamp": at, "parse_data": {
            "intent": {"name": (parsed.get("intent") or {}).get("name")}, "entities": ratings}}
    if kind == "slot" and event.get("name") in COUNTED_SLOTS:
        value = event.get("value")
        return {"event": kind, "timestamp": at, "name": event["name"],
                "value": bool(value) if event["name"] == "explanation" and value else value}
    return {}


@lru_cache(maxsize=1)
def feed() -> EventFeed:
    return EventFeed(events_url())


async def analytics(days: int) -> dict:
    events = await asyncio.get_running_loop().run_in_executor(None, feed().read_new)
    found = [asdict(t) for t in await tickets().list(limit=100_000)]
    result = figures(conversations(events), found, now_in_shanghai(), days, session_expiry_seconds())
    return {**result, "names": names(result)}


def names(result: dict) -> dict:
    """What the dashboard calls the codes in `result` (diagnoses, channels, handoff reasons)."""
    problems = wording("for_agents")["problems"]
    diagnoses = {code: diagnosis_title(code) for code in {**result["by_diagnosis"],
                                                          **result["satisfaction"]["by_diagnosis"]}}
    labels, reasons = said("handoff_reasons"), {}
    for reason, _ in result["handoff_reasons"]:
        kind, _, code = reason.partition(":")
        reasons[reason] = (labels["diagnosis"].format(title=diagnosis_title(code)) if kind == "diagnosis"
                           else labels.get(code) or problems.get(code) or code)
    return {"diagnosis": {**diagnoses, "none": labels["none"]},
            "channel": wording("for_agents")["input_channels"], "reason": reasons}
