"""How many conversations the assistant settled without a person, from the events Rasa's event
broker recorded (each event as Rasa publishes it: a dict with `event`, `timestamp`, …).

A conversation is one session of a sender (Rasa's `session_started` divides them). It is
*contained* when an explanation was given (`explanation` set), no ticket was opened
(`handoff_ticket` never set), and after the explanation the merchant said it was solved
(`solved` set) or wrote nothing more until the session expired. Conversations whose only
subject was not ours are counted apart, never as contained.
"""
from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Dict, Iterable, List, Optional, Tuple

from daozhang.clock import SHANGHAI, minutes_between
from daozhang.conversation import channel_of

OURS_NOT = ("out_of_scope", "nlu_fallback")
SOCIAL = ("greet", "goodbye", "thank", "bot_challenge", "affirm", "deny")
# Slots whose every setting counts, not only their value: an explanation given again after the
# merchant's last message makes the conversation contained (the Rasa server keeps these events).
WHEN_SET_MATTERS = ("explanation",)


@dataclass
class Conversation:
    sender_id: str
    started: float
    last_message: float = 0.0
    messages: int = 0
    intents: List[str] = field(default_factory=list)
    diagnosis: Optional[str] = None
    explained_at: Optional[float] = None
    ticket: Optional[str] = None
    handoff_reason: Optional[str] = None
    solved: bool = False
    ratings: List[Tuple[str, str]] = field(default_factory=list)  # (rating, rated case)

    @property
    def channel(self) -> str:
        return channel_of(self.sender_id)

    @property
    def day(self) -> date:
        return datetime.fromtimestamp(self.started, SHANGHAI).date()

    @property
    def out_of_scope(self) -> bool:
        """Nothing of ours was asked: only strangers' subjects and small talk, no case, no ticket."""
        return (self.diagnosis is None and self.ticket is None and any(i in OURS_NOT for i in self.intents)
                and all(i in OURS_NOT + SOCIAL for i in self.intents))

    @property
    def only_rating(self) -> bool:
        """A session that only rated an earlier one (the news of a resolution, days later)."""
        return len(self.ratings) == self.messages

    def contained(self, now: float, expiry_seconds: float) -> bool:
        if self.ticket or self.explained_at is None:
            return False
        return self.solved or (self.last_message <= self.explained_at and now - self.explained_at >= expiry_seconds)


def conversations(events: Iterable[Tuple[str, dict]]) -> List[Conversation]:
    """The conversations in (sender id, event) pairs, in the order the broker recorded them."""
    current: Dict[str, Conversation] = {}
    found: List[Conversation] = []
    last_intent: Dict[str, str] = defaultdict(str)
    for sender, event in events:
        kind, at = event.get("event"), float(event.get("timestamp") or 0)
        talk = current.get(sender)
        if talk is None or kind == "session_started":
            talk = current[sender] = Conversation(sender, at)
            found.append(talk)
        if kind == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name") or ""
            talk.messages += 1
            talk.last_message = at
            talk.intents.append(intent)
            last_intent[sender] = intent
            entities = {e.get("entity"): e.get("value") for e in (event.get("parse_data") or {}).get("entities") or []}
            if entities.get("rating"):
                talk.ratings.append((str(entities["rating"]), str(entities.get("rated_case") or "contained")))
        elif kind == "slot" and event.get("value") not in (None, ""):
            name = event.get("name")
            if name == "diagnosis":
                talk.diagnosis = str(event["value"])
            elif name == "explanation" and talk.messages:
                talk.explained_at = at
            elif name == "handoff_ticket" and talk.messages and talk.ticket != event["value"]:
                talk.ticket = str(event["value"])
                talk.handoff_reason = (f"diagnosis:{talk.diagnosis}" if talk.diagnosis
                                       else f"intent:{last_intent[sender] or 'unknown'}")
            elif name == "solved" and event["value"] is True:
                talk.solved = True
    return [talk for talk in found if talk.messages]


def _share(part: int, whole: int) -> Optional[float]:
    return round(part / whole, 3) if whole else None


def _median(values: List[float]) -> Optional[float]:
    return round(statistics.median(values), 1) if values else None


def figures(talks: List[Conversation], tickets: List[dict], now: datetime, days: int,
            expiry_seconds: float) -> Dict[str, object]:
    """The dashboard's figures over the last `days` days (today included). `tickets`: each with
    created_at, claimed_at, resolved_at (ISO times)."""
    first_day = now.astimezone(SHANGHAI).date() - timedelta(days=days - 1)
    rating_too = [t for t in talks if t.day >= first_day]
    talks = [t for t in rating_too if not t.only_rating]
    created = [(t, datetime.fromisoformat(t["created_at"]).astimezone(SHANGHAI).date()) for t in tickets]
    tickets = [t for t, day in created if day >= first_day]
    ours = [t for t in talks if not t.out_of_scope]
    settled = {id(t) for t in ours if t.contained(now.timestamp(), expiry_seconds)}

    def rates(group: List[Conversation]) -> Dict[str, object]:
        contained = sum(id(t) in settled for t in group)
        return {"conversations": len(group), "contained": contained, "containment_rate": _share(contained, len(group))}

    def grouped(key) -> Dict[str, Dict[str, object]]:
        groups: Dict[str, List[Conversation]] = defaultdict(list)
        for talk in ours:
            groups[key(talk)].append(talk)
        return {name: rates(group) for name, group in sorted(groups.items())}

    by_day = grouped(lambda t: t.day.isoformat())
    tickets_by_day = Counter(day.isoformat() for _, day in created if day >= first_day)
    per_day = []
    for offset in range(days):
        day = (first_day + timedelta(days=offset)).isoformat()
        figures_of_day = by_day.get(day, {"conversations": 0, "contained": 0})
        per_day.append({"day": day, "conversations": figures_of_day["conversations"],
                        "contained": figures_of_day["contained"], "tickets": tickets_by_day[day]})

    to_claim = [minutes_between(t["created_at"], t["claimed_at"]) for t in tickets if t.get("claimed_at")]
    to_resolve = [minutes_between(t["created_at"], t["resolved_at"]) for t in tickets if t.get("resolved_at")]
    return {
        "days": days, "since": first_day.isoformat(),
        "conversations": len(talks), "out_of_scope": len(talks) - len(ours),
        "contained": len(settled), "containment_rate": _share(len(settled), len(ours)),
        "handed_over": sum(1 for t in ours if t.ticket), "tickets": len(tickets),
        "median_minutes_to_claim": _median(to_claim), "median_minutes_to_resolve": _median(to_resolve),
        "by_diagnosis": grouped(lambda t: t.diagnosis or "none"),
        "by_channel": grouped(lambda t: t.channel),
        "per_day": per_day,
        "handoff_reasons": Counter(t.handoff_reason for t in ours if t.handoff_reason).most_common(10),
        "satisfaction": satisfaction([t for t in rating_too if not t.out_of_scope]),
    }


def satisfaction(talks: List[Conversation]) -> Dict[str, object]:
    """Share of ratings that were 满意, overall, per diagnosis, and contained against handed-over cases."""
    rated = [(talk, rating, case) for talk in talks for rating, case in talk.ratings[:1]]

    def summary(items) -> Dict[str, object]:
        counts = Counter(rating for _, rating, _ in items)
        return {"rated": len(items), "satisfied": _share(counts["satisfied"], len(items)),
                "counts": {name: counts[name] for name in ("satisfied", "neutral", "unsatisfied")}}

    by_diagnosis: Dict[str, list] = defaultdict(list)
    by_case: Dict[str, list] = defaultdict(list)
    for item in rated:
        by_diagnosis[item[0].diagnosis or "none"].append(item)
        by_case[item[2]].append(item)
    return {**summary(rated),
            "by_diagnosis": {name: summary(items) for name, items in sorted(by_diagnosis.items())},
            "by_case": {name: summary(by_case.get(name, [])) for name in ("contained", "handed_over")}}
