"""The console's feed (stores/event_broker.py): a turn's events in one commit, each row whole."""
import json
import sqlite3

from stores.event_broker import EnvSQLEventBroker


def rows(path):
    with sqlite3.connect(path) as db:
        return db.execute("SELECT sender_id, data FROM events ORDER BY id").fetchall()


def test_a_turn_is_written_whole_and_a_turn_with_nothing_new_writes_nothing(tmp_path, monkeypatch):
    path = tmp_path / "events.db"
    monkeypatch.delenv("DZ_EVENTS_URL", raising=False)
    monkeypatch.setenv("DZ_EVENTS_DB", str(path))
    broker = EnvSQLEventBroker()
    turn = [{"sender_id": "rest:m1", "event": name} for name in ("user", "action", "bot")]
    broker.publish_many(turn)
    broker.publish_many([])  # a save with no new event
    broker.publish({"sender_id": "rest:m2", "event": "user"})
    kept = rows(path)
    assert [sender for sender, _ in kept] == ["rest:m1"] * 3 + ["rest:m2"]
    assert [json.loads(data)["event"] for _, data in kept] == ["user", "action", "bot", "user"]
