"""A Redis server of the test session's own: a free port, a temporary folder, stopped at the end.

`make test` never touches the developer's Redis (nor leaves a daemon behind whose
data folder is deleted with the clone): every test talks to this one.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Optional, Sequence

import redis

from tests.support.processes import stop_process


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """redis-server in the foreground as a child process; no snapshots, no append-only file unless asked."""

    def __init__(self, persistence: Sequence[str] = ("--save", "", "--appendonly", "no"),
                 parent: Optional[Path] = None) -> None:
        """`persistence`: redis-server options (none by default); `parent`: where its folder goes."""
        self.port = _free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="daozhang-test-redis-", dir=parent))
        self.persistence = list(persistence)
        self.process: subprocess.Popen = None

    def start(self) -> "RedisServer":
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (make test installs it: scripts/ensure_redis.sh)")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
             *self.persistence, "--logfile", str(self.folder / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        client = redis.Redis(host="127.0.0.1", port=self.port)
        for _ in range(100):
            try:
                if client.ping():
                    return self
            except redis.ConnectionError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"the test Redis did not answer on port {self.port}")

    def stop(self) -> None:
        stop_process(self.process)
        shutil.rmtree(self.folder, ignore_errors=True)
