"""Rasa's SQL event broker (the agent console's feed), its database from the environment.

`DZ_EVENTS_URL` (an SQLAlchemy URL: PostgreSQL in production) or else the SQLite file
`DZ_EVENTS_DB` (default .run/events.db), so `rasa run` works by hand without either set, and
the console reads the very same database. Rasa's broker commits once per event, on the server's
event loop; our tracker store hands it a turn's events at once (`publish_many`, one commit).
On SQLite, Rasa's own class opens the file anew for every event and waits for the
disk on every commit (about 5 ms an event here, `make bench`); this one keeps one connection
open, in WAL mode with `synchronous=NORMAL`: a commit is a write to the log, and the console
reads while Rasa writes. A crash of the process loses nothing committed; a power cut may lose
the last events, which only the dashboard's figures rely on.
"""
from __future__ import annotations

import json
from asyncio import AbstractEventLoop
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import sqlalchemy
import sqlalchemy.orm
from rasa.core.brokers.sql import SQLEventBroker
from rasa.utils.endpoints import EndpointConfig

from daozhang.wiring import events_url


class EnvSQLEventBroker(SQLEventBroker):
    """The SQL broker on the database `daozhang.wiring.events_url` names (whatever endpoints.yml says)."""

    def __init__(self, **_: Any) -> None:  # Rasa's __init__ builds its engine from parts: not called
        url = sqlalchemy.engine.make_url(events_url())
        if url.get_backend_name() == "sqlite":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
            # One connection kept open: SQLAlchemy 1.4 opens a file database anew for every event
            # otherwise (NullPool), and closing the last connection checkpoints the log to disk.
            self.engine = sqlalchemy.create_engine(url, poolclass=sqlalchemy.pool.SingletonThreadPool)
            sqlalchemy.event.listen(self.engine, "connect", _fast_sqlite)
        else:
            self.engine = sqlalchemy.create_engine(url, pool_pre_ping=True)
        self.Base.metadata.create_all(self.engine)
        self.sessionmaker = sqlalchemy.orm.sessionmaker(bind=self.engine)

    def publish(self, event: Dict[Text, Any]) -> None:
        """One insert, without an ORM session per event (the row Rasa's own class writes)."""
        self.publish_many([event])

    def publish_many(self, events: List[Dict[Text, Any]]) -> None:
        """A turn's events in one transaction: one commit a turn instead of one an event."""
        if not events:  # an empty list would insert one row of nothing
            return
        with self.engine.begin() as connection:
            connection.execute(self.SQLBrokerEvent.__table__.insert(),
                               [{"sender_id": event.get("sender_id"), "data": json.dumps(event)} for event in events])

    @classmethod
    async def from_endpoint_config(cls, broker_config: EndpointConfig,
                                   event_loop: Optional[AbstractEventLoop] = None) -> "EnvSQLEventBroker":
        return cls()


def _fast_sqlite(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()

