"""One running stack for the end-to-end tests: action server + `rasa run`.

Started once per test session on free ports, with the model `make` trained
for the current fingerprint and the test session's own Redis (tests/conftest.py).
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Optional, Union

from tools.train import model_path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_json(url: str, payload: Optional[dict] = None, timeout: float = 30, headers: Optional[dict] = None) -> object:
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read().decode())


# Channel secrets the test stacks run with (nothing committed configures a real deployment).
IVR_TOKEN = "ivr-test-token"
CHANNEL_SECRETS = {"IVR_TOKEN": IVR_TOKEN}


def http_post(url: str, body: bytes, headers: Optional[dict] = None, timeout: float = 30) -> tuple:
    """(status, parsed JSON or raw text) of a POST, 4xx and 5xx included."""
    return http_call("POST", url, body, headers, timeout)


def http_call(method: str, url: str, body: Optional[bytes] = None, headers: Optional[dict] = None,
              timeout: float = 30) -> tuple:
    """(status, parsed JSON or raw text) of a request, 4xx and 5xx included."""
    request = urllib.request.Request(url, data=body, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        return status, json.loads(raw.decode())
    except ValueError:
        return status, raw.decode(errors="replace")


class Stack:
    """The servers a merchant's message really goes through."""

    def __init__(self, workdir: Path, redis_port: Optional[int] = None, redis_db: int = 9,
                 token: Optional[str] = None, debug: bool = False, model: Optional[Path] = None,
                 endpoints: Path = ROOT / "endpoints.yml", credentials: Path = ROOT / "credentials.yml",
                 actions: Union[bool, str] = True, launcher: str = "tools.rasa_quiet", **env: str) -> None:
        """`redis_port`: a Redis of this stack's own; `redis_db`: its database (flushed at start);
        `token`: RASA_TOKEN, as `make run` passes it; `debug`: both servers log at debug level;
        `model`, `endpoints`, `credentials`, `actions` (an action server of ours, of the package it
        names, or none) and `launcher`
        (the module that runs `rasa`) default to ours (the bench serves another bot);
        `env`: settings for both servers (DZ_TODAY pins the day)."""
        self.model = model or model_path()
        self.endpoints, self.credentials, self.actions, self.launcher = endpoints, credentials, actions, launcher
        if not self.model.exists():
            raise RuntimeError(f"{self.model} is missing: run `make model` first")
        self.workdir = workdir
        self.rasa_port, self.action_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.rasa_port}"
        self.redis_host = os.environ.get("REDIS_HOST", "localhost")
        self.redis_port = redis_port or int(os.environ.get("REDIS_PORT", "6379"))
        self.redis_db = redis_db
        self.env = {**env, **({"RASA_TOKEN": token} if token else {})}
        self.token = token
        self.debug = debug
        self.events_db = workdir / "events.db"  # this stack's own event broker (the console reads it)
        self.processes = []

    def start(self) -> "Stack":
        import redis

        redis.Redis(host=self.redis_host, port=self.redis_port, db=self.redis_db).flushdb()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "REDIS_HOST": self.redis_host,
               "REDIS_PORT": str(self.redis_port), "REDIS_DB": str(self.redis_db),
               "ACTION_PORT": str(self.action_port), "DZ_LOOKUP_TIMEOUT": "2",
               "DZ_EVENTS_DB": str(self.events_db), **self.env}
        logs = self.workdir
        if self.actions:
            self.processes.append(subprocess.Popen(
                [sys.executable, "-m", "tools.rasa_quiet", "run", "actions", "--port", str(self.action_port),
                 "--actions", self.actions if isinstance(self.actions, str) else "actions", *(["--debug"] if self.debug else [])],
                cwd=ROOT, env=env, stdout=open(logs / "actions.log", "w"), stderr=subprocess.STDOUT))
        self._env = env
        self.processes.append(self._rasa_server())
        self._wait_ready()
        return self

    def _rasa_server(self) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", self.launcher, "run", "--enable-api", "-i", "127.0.0.1",
             "--port", str(self.rasa_port),
             *(["--auth-token", self.token] if self.token else []), *(["--debug"] if self.debug else []),
             "--model", str(self.model), "--endpoints", str(self.endpoints),
             "--credentials", str(self.credentials)],
            cwd=ROOT, env=self._env, stdout=open(self.workdir / "rasa.log", "a"), stderr=subprocess.STDOUT)

    def stop_rasa(self) -> None:
        """The Rasa server goes away (the action server and Redis stay), as in a crash or a deploy."""
        self.processes[-1].terminate()
        self.processes[-1].wait(timeout=30)

    def start_rasa(self) -> None:
        """The Rasa server again, on the same port."""
        self.processes[-1] = self._rasa_server()
        self._wait_ready()

    def _wait_ready(self, timeout: float = 240) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in self.processes):
                break
            try:
                status = http_json(self._api("/status"), timeout=2)
                if status.get("model_file"):
                    if self.actions:
                        http_json(f"http://127.0.0.1:{self.action_port}/health", timeout=2)
                    return
            except OSError:
                pass
            time.sleep(1)
        self.stop()
        log = (self.workdir / "rasa.log").read_text()[-3000:]
        raise RuntimeError(f"the Rasa stack did not come up:\n{log}")

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()

    @property
    def action_server(self) -> subprocess.Popen:
        return self.processes[0]

    @property
    def rasa(self) -> subprocess.Popen:
        return self.processes[-1]

    def _api(self, path: str) -> str:
        """A URL of Rasa's HTTP API, with the token it was started with (a query parameter)."""
        return f"{self.url}{path}" + (f"?token={self.token}" if self.token else "")

    def parse(self, text: str) -> dict:
        return http_json(self._api("/model/parse"), {"text": text})

    def say(self, sender: str, text: str, metadata: Optional[dict] = None) -> list:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        payload = {"sender": sender, "message": text, **({"metadata": metadata} if metadata else {})}
        return http_json(f"{self.url}/webhooks/rest/webhook", payload, headers=headers)

    def ivr(self, turn: dict, token: Optional[str] = IVR_TOKEN) -> tuple:
        """(status, answer) of one hotline turn."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return http_post(f"{self.url}/webhooks/ivr/webhook", json.dumps(turn).encode(), headers)

    def tracker(self, sender: str, channel: str = "rest") -> dict:
        """The tracker of a channel's sender (conversation `<channel>:<sender>`)."""
        return http_json(self._api(f"/conversations/{channel}:{sender}/tracker"))
