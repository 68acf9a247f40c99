"""Containment from the events Rasa's broker records: what counts as settled without a person."""
from datetime import datetime, timedelta

from daozhang.clock import SHANGHAI
from daozhang.containment import conversations, figures

NOW = datetime(2026, 12, 5, 15, 0, tzinfo=SHANGHAI)
HOUR = 3600.0


def at(minutes_ago: float) -> float:
    return (NOW - timedelta(minutes=minutes_ago)).timestamp()


def user(minutes_ago, intent, **entities):
    return {"event": "user", "timestamp": at(minutes_ago), "parse_data": {
        "intent": {"name": intent}, "entities": [{"entity": k, "value": v} for k, v in entities.items()]}}


def slot(minutes_ago, name, value):
    return {"event": "slot", "timestamp": at(minutes_ago), "name": name, "value": value}


def start(minutes_ago):
    return {"event": "session_started", "timestamp": at(minutes_ago)}


def talk(sender, *events):
    return [(sender, event) for event in events]


EXPLAINED = lambda t, code: [slot(t, "diagnosis", code), slot(t, "explanation", "…")]  # noqa: E731

EVENTS = (
    # said solved right after the explanation, and rated it
    talk("rest:solved", start(30), user(30, "payment_not_arrived"), *EXPLAINED(29, "already_paid"),
         user(28, "affirm"), slot(28, "solved", True), user(27, "thank", rating="satisfied", rated_case="contained"))
    # silent after the explanation for longer than the session expiry (60 min)
    + talk("wechat:silent", start(200), user(200, "settlement_delayed"), *EXPLAINED(199, "pending_settlement"))
    # silent, but not long enough yet
    + talk("wechat:recent", start(20), user(20, "settlement_delayed"), *EXPLAINED(19, "pending_settlement"))
    # wrote more after the explanation and never said solved
    + talk("rest:more", start(300), user(300, "payment_not_arrived"), *EXPLAINED(299, "pending_settlement"),
           user(290, "deny"))
    # a ticket: handed over, whatever else
    + talk("ivr:call1", start(100), user(100, "payment_not_arrived"), *EXPLAINED(99, "settlement_failed_account"),
           slot(99, "handoff_ticket", "HO20261205-0001"), user(98, "affirm"), slot(98, "solved", True))
    # a bare request for a person
    + talk("socketio:s1", start(50), user(50, "request_human"), slot(50, "handoff_ticket", "HO20261205-0002"))
    # nothing of ours
    + talk("rest:stranger", start(40), user(40, "greet"), user(39, "out_of_scope"))
    # yesterday's, in its own session before today's: two conversations of one sender
    + talk("rest:twice", start(24 * 60), user(24 * 60, "payment_not_arrived"), *EXPLAINED(24 * 60 - 1, "refunded"),
           start(10), user(10, "greet"), slot(10, "diagnosis", "refunded"))
    # carried-over slots at the start of a session without a message: no conversation
    + talk("rest:idle", start(5), slot(5, "diagnosis", "refunded"))
)

TICKETS = [
    {"created_at": (NOW - timedelta(minutes=99)).isoformat(), "claimed_at": (NOW - timedelta(minutes=89)).isoformat(),
     "resolved_at": (NOW - timedelta(minutes=39)).isoformat()},
    {"created_at": (NOW - timedelta(minutes=50)).isoformat(), "claimed_at": (NOW - timedelta(minutes=20)).isoformat(),
     "resolved_at": None},
]


def test_what_is_contained():
    found = {t.sender_id: t for t in conversations(EVENTS)}
    now = NOW.timestamp()
    contained = {sender for sender, t in found.items() if t.contained(now, HOUR)}
    assert contained == {"rest:solved", "wechat:silent"}
    assert found["rest:stranger"].out_of_scope and not found["rest:more"].out_of_scope
    assert "rest:idle" not in found
    assert found["ivr:call1"].handoff_reason == "diagnosis:settlement_failed_account"
    assert found["socketio:s1"].handoff_reason == "intent:request_human"


def test_the_figures_of_a_day_and_of_a_week():
    talks = conversations(EVENTS)
    week = figures(talks, TICKETS, NOW, 7, HOUR)
    assert week["conversations"] == 9 and week["out_of_scope"] == 1
    assert week["contained"] == 3 and week["containment_rate"] == round(3 / 8, 3)  # yesterday's silent one too
    assert week["handed_over"] == 2 and week["tickets"] == 2
    assert week["median_minutes_to_claim"] == 20.0 and week["median_minutes_to_resolve"] == 60.0
    assert week["by_channel"]["wechat"] == {"conversations": 2, "contained": 1, "containment_rate": 0.5}
    assert week["by_diagnosis"]["pending_settlement"]["conversations"] == 3
    assert week["per_day"][-1] == {"day": "2026-12-05", "conversations": 7, "contained": 2, "tickets": 2}
    today = figures(talks, TICKETS, NOW, 1, HOUR)
    assert today["conversations"] == 8 and today["contained"] == 2


def test_satisfaction_counts_the_first_rating_of_a_conversation():
    events = EVENTS + talk("rest:solved", user(26, "thank", rating="unsatisfied", rated_case="contained")) + talk(
        "wechat:later", start(3), user(3, "thank", rating="neutral", rated_case="handed_over"))
    found = figures(conversations(events), [], NOW, 7, HOUR)
    assert found["conversations"] == 9  # a session that only rated an earlier one is no conversation
    rated = found["satisfaction"]
    assert rated["rated"] == 2 and rated["satisfied"] == 0.5
    assert rated["by_case"]["contained"]["counts"] == {"satisfied": 1, "neutral": 0, "unsatisfied": 0}
    assert rated["by_case"]["handed_over"]["rated"] == 1
