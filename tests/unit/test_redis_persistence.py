"""`make run`'s Redis (scripts/ensure_redis.sh): data outside the clone, nothing lost to a crash,
ticket ids never repeated, and a server that refuses writes is repaired, not trusted."""
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import redis

from daozhang.tickets import TicketStore
from tests.redis_server import _free_port

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "ensure_redis.sh"


@pytest.fixture
def server(tmp_path):
    port = _free_port()
    env = {**os.environ, "REDIS_HOST": "localhost", "REDIS_PORT": str(port),
           "DZ_REDIS_DIR": str(tmp_path / "data")}
    client = redis.Redis(host="127.0.0.1", port=port, decode_responses=True)

    def ensure():
        done = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    yield ensure, client, tmp_path / "data"
    try:
        client.shutdown(nosave=True)
    except redis.ConnectionError:
        pass


def crash(data: Path) -> None:
    os.kill(int((data / "redis.pid").read_text()), signal.SIGKILL)
    time.sleep(0.3)


def ticket(store: TicketStore):
    return store.create(channel="rest", sender_id="s", merchant_id="898310000000005", intent="payment_not_arrived",
                        slots={}, adapter_results=[], diagnosis=None, explanation=None, transcript=[])


def test_tickets_and_their_ids_survive_a_crash(server):
    ensure, client, data = server
    assert "started" in ensure()
    store = TicketStore(client, "p")
    first = ticket(store)
    crash(data)
    ensure()
    assert store.get(first.ticket_id) is not None  # the ticket the merchant was told about is still there
    second = ticket(store)
    assert second.ticket_id != first.ticket_id and second.ticket_id.endswith("-0002")


def test_a_server_whose_data_folder_is_gone_is_restarted_with_what_it_held(server, tmp_path):
    ensure, client, data = server
    gone = tmp_path / "deleted-clone"
    gone.mkdir()
    port = client.connection_pool.connection_kwargs["port"]
    subprocess.run(["redis-server", "--port", str(port), "--daemonize", "yes", "--dir", str(gone),
                    "--logfile", str(tmp_path / "old.log")], check=True)
    for _ in range(50):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.1)
    client.set("kept", "yes")
    subprocess.run(["rm", "-rf", str(gone)], check=True)
    client.bgsave()
    time.sleep(1)
    with pytest.raises(redis.ResponseError, match="MISCONF"):
        client.set("refused", "1")
    assert "refused writes" in ensure()
    assert client.get("kept") == "yes"
    assert client.set("accepted", "1")
    assert (data / "appendonlydir").is_dir()
