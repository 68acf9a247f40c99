"""Redis through Sentinels (REDIS_SENTINELS): the ticket store and Rasa's tracker and lock stores
follow the master through a failover in the middle of a conversation; what was acknowledged
before or during it is there after it, and no call hangs. Real servers: tests/support/sentinel_cluster.py."""
import time
import uuid

import pytest
import redis
from rasa.core.lock_store import TicketLock
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from redis.asyncio.sentinel import SentinelConnectionPool as AsyncSentinelPool
from redis.exceptions import RedisError
from redis.sentinel import SentinelConnectionPool

from daozhang import wiring
from daozhang.replicated import NotReplicated
from stores.redis_stores import EnvRedisLockStore, MaskingRedisTrackerStore
from tests.support.blocking import Blocking
from tests.support.sentinel_cluster import SERVICE, SentinelCluster

# The longest a call may take while the master is gone: the clients' retries (wiring._role) and a
# replica's confirmation (limits.yml replica_wait_ms) add up to about three seconds.
CALL_BOUND_SECONDS = 5.0


@pytest.fixture
def cluster(monkeypatch):
    cluster = SentinelCluster().start()
    try:
        monkeypatch.setenv("REDIS_SENTINELS", cluster.sentinels)
        monkeypatch.setenv("REDIS_SENTINEL_MASTER", SERVICE)
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def prefix():
    return f"s{uuid.uuid4().hex[:8]}"


def new_ticket(store, sender="s1"):
    return store.create(channel="rest", sender_id=sender, merchant_id="898310000000005",
                        intent="payment_not_arrived", slots={"amount": "2300"}, adapter_results=[],
                        diagnosis=None, explanation=None, transcript=[{"who": "merchant", "text": "钱没到"}])


def say(store, run, sender, text):
    """One merchant turn saved as Rasa saves it: the stored conversation, one event more."""
    tracker = run(store.retrieve(sender)) or DialogueStateTracker(sender, slots=[])
    tracker.update(UserUttered(text))
    run(store.save(tracker))


def said(store, run, sender):
    tracker = run(store.retrieve(sender))
    return [event.text for event in tracker.events if isinstance(event, UserUttered)] if tracker else []


def test_without_sentinels_every_client_is_the_plain_host_and_port(monkeypatch):
    monkeypatch.delenv("REDIS_SENTINELS", raising=False)
    plain = wiring.redis_settings()
    for client in (wiring.redis_client("state"), wiring.blocking_redis("state")):
        settings = client.connection_pool.connection_kwargs
        assert (settings["host"], settings["port"]) == (plain["host"], plain["port"])
        assert not isinstance(client.connection_pool, (SentinelConnectionPool, AsyncSentinelPool))
    assert wiring.replica_wait_ms() is None and wiring.ticket_store().replica_wait_ms is None
    tracker_store = MaskingRedisTrackerStore(Domain.empty())
    assert tracker_store.replica_wait_ms is None  # Rasa's own client and save
    assert tracker_store.red.connection_pool.connection_kwargs["port"] == plain["port"]


def test_every_client_and_store_goes_through_the_sentinels(cluster, run, prefix):
    assert isinstance(wiring.redis_client("state").connection_pool, AsyncSentinelPool)
    assert wiring.blocking_redis("door").connection_pool.service_name == SERVICE
    assert wiring.blocking_redis("state").ping() and run(wiring.redis_client("door").ping())
    # A name a tool gives wins over the Sentinels (the bench's own Redis).
    assert wiring.redis_client("tools", host="127.0.0.1", port=1).connection_pool.connection_kwargs["port"] == 1

    store = Blocking(wiring.ticket_store(prefix=prefix), run)
    ticket = new_ticket(store)
    key = f"{prefix}:ticket:{ticket.ticket_id}"
    replicas = [cluster.client(port) for port in cluster.redis_ports[1:]]
    assert any(replica.exists(key) for replica in replicas), "the ticket was acknowledged before a replica had it"
    assert store.get(ticket.ticket_id).merchant_id == "898310000000005"

    tracker_store = MaskingRedisTrackerStore(Domain.empty(), key_prefix=prefix)
    say(tracker_store, run, "rest:m1", "昨天刷卡两千三没到账")
    say(tracker_store, run, "rest:m1", "商户号898310000000005")
    assert said(tracker_store, run, "rest:m1") == ["昨天刷卡两千三没到账", "商户号898310000000005"]
    assert any(replica.exists(f"{prefix}:tracker:rest:m1") for replica in replicas)

    locks = EnvRedisLockStore(EndpointConfig(key_prefix=prefix))
    locks.save_lock(TicketLock("rest:m1"))
    assert locks.get_lock("rest:m1") is not None
    locks.delete_lock("rest:m1")
    assert locks.get_lock("rest:m1") is None


def _bounded(call, outcomes):
    """Runs `call`: it may fail as Redis failing (the merchant gets the apology), never hang."""
    started = time.monotonic()
    try:
        outcomes.append(("ok", call()))
    except RedisError as error:
        outcomes.append(("failed", type(error).__name__))
    took = time.monotonic() - started
    assert took < CALL_BOUND_SECONDS, f"a call took {took:.1f} s during the failover"


def _after_one_refusal_at_most(write):
    """A client still connected to a deposed master (SENTINEL FAILOVER leaves it a master for
    seconds) has one write refused, then asks the Sentinels again."""
    try:
        return write()
    except NotReplicated:
        return write()


@pytest.mark.parametrize("how", ["master killed", "SENTINEL FAILOVER"])
def test_a_failover_mid_conversation_loses_nothing_acknowledged(cluster, run, prefix, how):
    store = Blocking(wiring.ticket_store(prefix=prefix), run)
    tracker_store = MaskingRedisTrackerStore(Domain.empty(), key_prefix=prefix)
    say(tracker_store, run, "rest:m1", "第一句")
    before = new_ticket(store)  # the id the merchant was told
    old = cluster.master()[1]

    if how == "master killed":
        cluster.kill(old)
    else:
        cluster.client(cluster.sentinel_ports[0]).execute_command("SENTINEL", "FAILOVER", SERVICE)
    tickets, turns = [], []
    deadline = time.monotonic() + 20
    while cluster.master()[1] == old and time.monotonic() < deadline:
        _bounded(lambda: new_ticket(store, sender="during").ticket_id, tickets)
        n = len(turns)
        _bounded(lambda: say(tracker_store, run, "rest:m1", f"故障中{n}") or f"故障中{n}", turns)
    new = cluster.failed_over_from(old)
    # The one replica was promoted: until a replica joins the new master, no write that matters
    # can be confirmed, and is refused (the merchant gets the apology) rather than put at risk.
    with pytest.raises(NotReplicated):
        new_ticket(store)
    cluster.rejoin(old, new)

    assert store.get(before.ticket_id) is not None, "a ticket the merchant was told about is gone"
    for outcome, ticket_id in tickets:
        if outcome == "ok":
            assert store.get(ticket_id) is not None, f"{ticket_id} was acknowledged during the failover and is gone"
    after = _after_one_refusal_at_most(lambda: new_ticket(store))
    assert after.ticket_id not in {before.ticket_id, *(ticket_id for outcome, ticket_id in tickets if outcome == "ok")}
    _after_one_refusal_at_most(lambda: say(tracker_store, run, "rest:m1", "故障之后"))
    kept = said(tracker_store, run, "rest:m1")
    assert kept[0] == "第一句" and kept[-1] == "故障之后"
    assert {text for outcome, text in turns if outcome == "ok"} <= set(kept)


def test_with_no_replica_left_writes_that_matter_are_refused_at_once_and_reads_go_on(cluster, run, prefix):
    store = Blocking(wiring.ticket_store(prefix=prefix), run)
    tracker_store = MaskingRedisTrackerStore(Domain.empty(), key_prefix=prefix)
    before = new_ticket(store)
    say(tracker_store, run, "rest:m1", "第一句")
    for port in cluster.redis_ports[1:]:
        cluster.kill(port)
    started = time.monotonic()
    with pytest.raises(NotReplicated):
        new_ticket(store)
    with pytest.raises(NotReplicated):
        say(tracker_store, run, "rest:m1", "没有副本")
    assert time.monotonic() - started < 2.0
    assert store.get(before.ticket_id) is not None and said(tracker_store, run, "rest:m1")[0] == "第一句"
    assert isinstance(NotReplicated(), redis.RedisError)  # what every channel already answers with an apology
