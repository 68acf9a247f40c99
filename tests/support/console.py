"""The agent console as agents reach it: `python -m console` beside a running stack (same Redis,
the stack's event broker), its agents made with `python -m tools.agents`."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from typing import Optional, Tuple

from tests.support.processes import stop_process
from tests.support.stack import ROOT, Stack, free_port, http_call


class Console:
    def __init__(self, stack: Stack, **env: str) -> None:
        """`env`: settings of this console's own (another Redis, say)."""
        self.stack = stack
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), "REDIS_HOST": stack.redis_host,
                    "REDIS_PORT": str(stack.redis_port), "REDIS_DB": str(stack.redis_db),
                    "DZ_EVENTS_DB": str(stack.events_db), "CONSOLE_PORT": str(self.port), **stack.env, **env}
        self.process: Optional[subprocess.Popen] = None

    def start(self) -> "Console":
        self.process = subprocess.Popen([sys.executable, "-m", "console"], cwd=ROOT, env=self.env,
                                        stdout=open(self.stack.workdir / "console.log", "w"),
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                urllib.request.urlopen(f"{self.url}/health", timeout=2)
                return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("the console did not come up:\n" + (self.stack.workdir / "console.log").read_text()[-2000:])

    def stop(self) -> None:
        stop_process(self.process, seconds=20)

    def add_agent(self, name: str, password: str, *options: str) -> subprocess.CompletedProcess:
        """`python -m tools.agents add NAME …`, the password on standard input."""
        return subprocess.run([sys.executable, "-m", "tools.agents", "add", name, *options], cwd=ROOT,
                              env=self.env, input=password + "\n", text=True, capture_output=True, timeout=60)

    def call(self, method: str, path: str, body: Optional[dict] = None, token: Optional[str] = None,
             headers: Optional[dict] = None) -> Tuple[int, object]:
        """(status, parsed JSON or text) of an API call."""
        return http_call(method, self.url + path, json.dumps(body).encode() if body is not None else None,
                         {**({"Authorization": f"Bearer {token}"} if token else {}), **(headers or {})})

    def login(self, name: str, password: str) -> str:
        status, answer = self.call("POST", "/api/login", {"username": name, "password": password})
        assert status == 200, answer
        return answer["token"]
