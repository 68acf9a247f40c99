"""A Redis master, its replicas and three Sentinels of a test's own, on free ports of 127.0.0.1.

Debian's `redis-sentinel` is not installed; `redis-server <conf> --sentinel` is the same program.
Sentinels judge a master down after 1 s, so a failover is over in a few seconds. Everything
is waited for by polling, and `stop` kills every process and removes the folder, whatever
state a failed test left the cluster in.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

import redis

from tests.support.redis_server import _free_port

SERVICE = "mymaster"
HOST = "127.0.0.1"


def _until(what: str, check: Callable[[], bool], seconds: float = 20.0) -> None:
    """Polls `check` until it holds; a test that waited `seconds` in vain fails saying for what."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except redis.RedisError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"the Sentinel cluster: {what} not within {seconds} s")


def _id(port: int) -> str:
    """A Sentinel's run id (40 hex digits), made from its port."""
    return f"{port:040x}"


class SentinelCluster:
    """A master, `replicas` replicas and three Sentinels with a quorum of two."""

    def __init__(self, replicas: int = 1) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="daozhang-test-sentinel-"))
        self.redis_ports = [_free_port() for _ in range(1 + replicas)]
        self.sentinel_ports = [_free_port() for _ in range(3)]
        self.processes: Dict[int, subprocess.Popen] = {}

    @property
    def sentinels(self) -> str:
        """The value of REDIS_SENTINELS."""
        return ",".join(f"{HOST}:{port}" for port in self.sentinel_ports)

    def _spawn(self, port: int, *args: str) -> None:
        log = self.folder / f"{port}.log"
        self.processes[port] = subprocess.Popen([shutil.which("redis-server"), *args, "--logfile", str(log)],
                                                stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)

    def _redis(self, port: int, replica_of: Optional[int]) -> None:
        """A data node; a replica is sent its copy at once (not after the default 5 s wait)."""
        home = self.folder / str(port)
        home.mkdir(exist_ok=True)
        follow = ["--replicaof", HOST, str(replica_of)] if replica_of else []
        self._spawn(port, "--port", str(port), "--bind", HOST, "--dir", str(home),
                    "--save", "", "--appendonly", "no", "--repl-diskless-sync-delay", "0", *follow)

    def _sentinel(self, port: int) -> None:
        """Told its own id, the other Sentinels and the replicas up front: found by themselves
        (hello messages every 2 s, INFO every 10 s) they take seconds to know each other."""
        conf = self.folder / f"sentinel-{port}.conf"  # Sentinel rewrites it: a file of its own
        known = [f"sentinel known-sentinel {SERVICE} {HOST} {other} {_id(other)}"
                 for other in self.sentinel_ports if other != port]
        known += [f"sentinel known-replica {SERVICE} {HOST} {replica}" for replica in self.redis_ports[1:]]
        conf.write_text("\n".join([
            f"port {port}", f"bind {HOST}", f"dir {self.folder}", f"sentinel myid {_id(port)}",
            f"sentinel monitor {SERVICE} {HOST} {self.redis_ports[0]} 2",
            f"sentinel down-after-milliseconds {SERVICE} 1000",
            f"sentinel failover-timeout {SERVICE} 3000",
            f"sentinel parallel-syncs {SERVICE} 1", *known]) + "\n")
        self._spawn(port, str(conf), "--sentinel")

    def start(self) -> "SentinelCluster":
        if shutil.which("redis-server") is None:
            raise RuntimeError("redis-server is not installed (make test installs it: scripts/ensure_redis.sh)")
        try:
            master, *replicas = self.redis_ports
            self._redis(master, None)
            for port in replicas:
                self._redis(port, master)
            self.wait_for_replicas(master, len(replicas))
            for port in self.sentinel_ports:
                self._sentinel(port)
            for port in self.sentinel_ports:
                _until(f"Sentinel {port} knowing the others and the replicas",
                       lambda port=port: self._knows_all(port, len(replicas)))
        except BaseException:
            self.stop()
            raise
        return self

    def _knows_all(self, port: int, replicas: int) -> bool:
        state = self.client(port).sentinel_master(SERVICE)
        return state["num-other-sentinels"] == 2 and state["num-slaves"] == replicas

    def client(self, port: int) -> redis.Redis:
        return redis.Redis(host=HOST, port=port, socket_timeout=1, socket_connect_timeout=1, decode_responses=True)

    def master(self) -> Tuple[str, int]:
        """The master as the first Sentinel that answers names it in `SENTINEL MASTERS`, as
        redis-py asks (`get-master-addr-by-name` names the promoted replica earlier, while the
        failover is still reconfiguring replicas)."""
        for port in self.sentinel_ports:
            try:
                state = self.client(port).sentinel_master(SERVICE)
                return state["ip"], int(state["port"])
            except redis.RedisError:
                continue
        raise AssertionError("no Sentinel names a master")

    def wait_for_replicas(self, port: int, count: int, seconds: float = 20.0) -> None:
        """Until the Redis on `port` is a master with `count` replicas in sync that confirm a write
        (a replica is "online" a moment before its first acknowledgement comes back)."""
        def synced() -> bool:
            client = self.client(port)
            info = client.info("replication")
            online = [key for key in info if key.startswith("slave") and isinstance(info[key], dict)
                      and info[key].get("state") == "online"]
            if info["role"] != "master" or len(online) < count:
                return False
            client.set("sentinel-cluster:probe", "1")
            return client.execute_command("WAIT", count, 1000) >= count
        _until(f"{port} a master with {count} replicas confirming writes", synced, seconds)

    def kill(self, port: int) -> None:
        """kill -9 the Redis on `port`, and wait until it is gone."""
        process = self.processes.pop(port)
        process.kill()
        process.wait(timeout=10)

    def failed_over_from(self, old: int, seconds: float = 20.0) -> int:
        """Waits until every Sentinel names a master other than `old`, and returns its port."""
        def moved() -> bool:
            named = {self.client(port).sentinel_master(SERVICE)["port"] for port in self.sentinel_ports}
            return len(named) == 1 and int(next(iter(named))) != old
        _until(f"a master other than {old}", moved, seconds)
        return self.master()[1]

    def rejoin(self, port: int, master: int) -> None:
        """The node on `port` (restarted empty if it was killed) becomes a replica of `master`, and
        is waited for in sync. Sentinel demotes a deposed master by itself only some ten seconds
        later; an operator replaces a lost node."""
        if port in self.processes:
            self.client(port).replicaof(HOST, master)
        else:
            self._redis(port, master)
        self.wait_for_replicas(master, 1)

    def stop(self) -> None:
        running: List[subprocess.Popen] = list(self.processes.values())
        self.processes.clear()
        for process in running:
            if process.poll() is None:
                process.kill()
        for process in running:
            process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)
