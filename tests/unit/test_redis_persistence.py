"""`make run`'s Redis (scripts/ensure_redis.sh): data outside the clone, nothing acknowledged lost to a
crash, ticket ids never repeated, and a server that refuses writes is repaired, not trusted."""
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import redis

from daozhang.wiring import ticket_store
from tests.support.blocking import Blocking
from tests.support.redis_server import _free_port

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "ensure_redis.sh"
# A crash right after the first start lost the ticket about one run in thirty (appendfsync everysec
# postponed the write behind the rewrite's fsync). 60 rounds miss a 1-in-20 failure with p = 0.95^60 ≈ 5 %.
ROUNDS = 60


@pytest.fixture
def server(tmp_path):
    port = _free_port()
    env = {**os.environ, "REDIS_HOST": "localhost", "REDIS_PORT": str(port),
           "DZ_REDIS_DIR": str(tmp_path / "data")}
    client = redis.Redis(host="127.0.0.1", port=port, decode_responses=True)

    def ensure():
        done = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout + done.stderr

    yield ensure, client, tmp_path / "data"
    try:
        client.shutdown(nosave=True)
    except redis.ConnectionError:
        pass


def crash(data: Path) -> None:
    """kill -9, and wait until the process is gone or a zombie (its port and files released)."""
    pid = int((data / "redis.pid").read_text())
    os.kill(pid, signal.SIGKILL)
    for _ in range(600):
        try:
            if Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z"):
                return
        except (FileNotFoundError, IndexError):
            return
        time.sleep(0.01)
    raise AssertionError(f"redis {pid} survived kill -9 for 6 s")


def ticket(store: Blocking):
    return store.create(channel="rest", sender_id="s", merchant_id="898310000000005", intent="payment_not_arrived",
                        slots={}, adapter_results=[], diagnosis=None, explanation=None, transcript=[])


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_tickets_and_turns_survive_a_crash_right_after_the_first_start(server, round_, run):
    ensure, client, data = server
    assert "started" in ensure()
    store = Blocking(ticket_store(prefix="p", host="127.0.0.1", port=client.connection_pool.connection_kwargs["port"]), run)
    first = ticket(store)  # the id the merchant is told
    client.set("p:tracker:rest:s", "a turn acknowledged")
    crash(data)
    ensure()
    assert store.get(first.ticket_id) is not None, f"round {round_}: the ticket the merchant was told about is gone"
    assert client.get("p:tracker:rest:s") == "a turn acknowledged"
    second = ticket(store)
    assert second.ticket_id != first.ticket_id and second.ticket_id.endswith("-0002")


def test_a_server_started_by_an_older_script_is_made_durable(server):
    ensure, client, data = server
    ensure()
    client.config_set("appendfsync", "everysec")  # as the script of earlier releases started it
    assert "now every write is on disk" in ensure()
    assert client.config_get("appendfsync") == {"appendfsync": "always"}


def test_a_server_that_may_lose_writes_is_named(server, tmp_path):
    ensure, client, _ = server
    port = client.connection_pool.connection_kwargs["port"]
    subprocess.run(["redis-server", "--port", str(port), "--daemonize", "yes", "--dir", str(tmp_path),
                    "--logfile", str(tmp_path / "other.log")], check=True)
    _wait_for(client.ping)
    assert "may lose acknowledged writes" in ensure()


def _wait_for(check, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while True:
        try:
            if check():
                return
        except redis.ConnectionError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{check} never held")
        time.sleep(0.05)


def test_a_server_whose_data_folder_is_gone_is_restarted_with_what_it_held(server, tmp_path):
    ensure, client, data = server
    gone = tmp_path / "deleted-clone"
    gone.mkdir()
    port = client.connection_pool.connection_kwargs["port"]
    subprocess.run(["redis-server", "--port", str(port), "--daemonize", "yes", "--dir", str(gone),
                    "--logfile", str(tmp_path / "old.log")], check=True)
    _wait_for(client.ping)
    client.set("kept", "yes")
    subprocess.run(["rm", "-rf", str(gone)], check=True)
    client.bgsave()
    _wait_for(lambda: client.info("persistence")["rdb_last_bgsave_status"] == "err")
    with pytest.raises(redis.ResponseError, match="MISCONF"):
        client.set("refused", "1")
    assert "refused writes" in ensure()
    assert client.get("kept") == "yes"
    assert client.set("accepted", "1")
    assert (data / "appendonlydir").is_dir()
    assert client.config_get("appendfsync") == {"appendfsync": "always"}
