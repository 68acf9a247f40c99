"""Several Rasa servers on one Redis: a conversation's turns are handled one at a time, none lost.

Each "server" is a lock store of its own (its own connections) in a thread of its own, as
two `rasa run` processes would be; the session's real Redis is shared.
"""
import asyncio
import os
import threading

import pytest
import redis
from rasa.utils.endpoints import EndpointConfig

from stores.redis_stores import EnvRedisLockStore

SERVERS, TURNS = 4, 25


def _store() -> EnvRedisLockStore:
    return EnvRedisLockStore(EndpointConfig(url=os.environ["REDIS_HOST"], port=os.environ["REDIS_PORT"],
                                            db=8, key_prefix="locktest"))


@pytest.fixture
def shared():
    client = redis.Redis(host=os.environ["REDIS_HOST"], port=int(os.environ["REDIS_PORT"]), db=8)
    client.flushdb()
    yield client
    client.flushdb()


def _run_servers(work) -> list:
    """`work(store)` in SERVERS threads at once; what each raised."""
    errors, start = [], threading.Barrier(SERVERS)

    def server() -> None:
        store = _store()
        start.wait()
        try:
            work(store)
        except Exception as error:  # noqa: BLE001 (reported by the test)
            errors.append(error)

    threads = [threading.Thread(target=server) for _ in range(SERVERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_a_ticket_is_never_issued_twice(shared):
    issued = []

    def take(store):
        for _ in range(TURNS):
            issued.append(store.issue_ticket("merchant-1"))

    assert _run_servers(take) == []
    assert len(issued) == SERVERS * TURNS
    assert len(set(issued)) == len(issued), "two servers were given the same ticket"


def test_turns_of_one_conversation_on_several_servers_are_serial_and_none_is_lost(shared):
    """Each turn loads the conversation, thinks, and saves it with its turn added (as the tracker
    store does): run together, unserialised turns would overwrite each other."""
    def handle_turns(store):
        async def turns():
            for turn in range(TURNS):
                async with store.lock("merchant-2", lock_lifetime=30, wait_time_in_seconds=0.002):
                    seen = shared.get("turns") or b""
                    await asyncio.sleep(0.001)
                    shared.set("turns", seen + f"{threading.get_ident()}:{turn};".encode())
        asyncio.run(turns())

    assert _run_servers(handle_turns) == []
    saved = shared.get("turns").decode().rstrip(";").split(";")
    assert len(saved) == SERVERS * TURNS, "a turn was lost"
    assert len(set(saved)) == len(saved)
    assert not shared.keys("locktest*"), "a finished conversation's lock was left behind"
