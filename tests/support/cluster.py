"""The shape an acquirer deploys, on one machine: two Rasa servers and two action servers behind
Debian's nginx, configured by the shipped deploy/nginx/daozhang.conf.template, on one Redis.

Each server pair is a `Stack` whose Rasa server calls the action servers through nginx; both
share the Redis database and the event broker's file. nginx runs one worker, so its round robin
takes the servers strictly in turn, and its access log says which server took each request.
"""
from __future__ import annotations

import json
import string
import subprocess
import time
from pathlib import Path
from typing import Dict, List, Optional

from tests.support.processes import stop_process
from tests.support.stack import ROOT, Stack, free_port, http_json

TEMPLATE = ROOT / "deploy" / "nginx" / "daozhang.conf.template"
NGINX = "/usr/sbin/nginx"


def render(listen: str, actions_listen: str, rasa: List[str], actions: List[str]) -> str:
    """The shipped template with these servers, as envsubst would render it."""
    return string.Template(TEMPLATE.read_text()).safe_substitute(
        DZ_LISTEN=listen, DZ_ACTIONS_LISTEN=actions_listen,
        DZ_RASA_SERVERS=" ".join(f"server {a};" for a in rasa),
        DZ_ACTION_SERVERS=" ".join(f"server {a};" for a in actions))


class Nginx:
    """nginx in the foreground with a folder of its own; every request logged with its upstream."""

    def __init__(self, folder: Path, site: str) -> None:
        self.folder = folder
        (folder / "temp").mkdir(parents=True, exist_ok=True)
        (folder / "daozhang.conf").write_text(site)
        temp = folder / "temp"
        (folder / "nginx.conf").write_text(f"""
user root;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 512; }}
http {{
    log_format upstreams escape=json '{{"uri":"$request_uri","upstream":"$upstream_addr",'
                                     '"status":"$status","body":"$request_body"}}';
    access_log {folder}/access.log upstreams;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {folder}/daozhang.conf;
}}
""")
        self.process: Optional[subprocess.Popen] = None

    def start(self) -> "Nginx":
        if not Path(NGINX).exists():
            raise RuntimeError(f"{NGINX} is missing: run `make nginx-installed`")
        checked = subprocess.run([NGINX, "-t", "-p", str(self.folder), "-c", str(self.folder / "nginx.conf")],
                                 capture_output=True, text=True)
        if checked.returncode:
            raise RuntimeError(f"nginx refused the configuration:\n{checked.stderr}")
        self.process = subprocess.Popen(
            [NGINX, "-p", str(self.folder), "-c", str(self.folder / "nginx.conf"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=open(self.folder / "stderr.log", "w"))
        return self

    def log(self) -> List[dict]:
        """Every request so far: uri, upstream (host:port), status, body."""
        path = self.folder / "access.log"
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    def stop(self) -> None:
        stop_process(self.process)


class Cluster:
    """Two Rasa servers and two action servers behind nginx; `url` is nginx's."""

    def __init__(self, workdir: Path, redis_db: int, redis_port: Optional[int] = None, **env: str) -> None:
        self.port, self.actions_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        shared = {"ACTION_PORT": str(self.actions_port), "DZ_EVENTS_DB": str(workdir / "events.db"), **env}
        self.stacks = [Stack(workdir / f"server{n}", redis_port=redis_port, redis_db=redis_db, **shared)
                       for n in (1, 2)]
        for stack in self.stacks:
            stack.workdir.mkdir(parents=True, exist_ok=True)
        self.nginx = Nginx(workdir / "nginx", render(
            f"127.0.0.1:{self.port}", f"127.0.0.1:{self.actions_port}",
            [f"127.0.0.1:{s.rasa_port}" for s in self.stacks], [f"127.0.0.1:{s.action_port}" for s in self.stacks]))

    def start(self) -> "Cluster":
        self.nginx.start()  # first: a Rasa server checks its action endpoint through it
        try:
            for stack in self.stacks:
                stack.start()
            self._wait_ready()
        except Exception:
            self.stop()
            raise
        return self

    def _wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if http_json(f"{self.url}/status", timeout=2).get("model_file"):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"nginx did not pass requests on:\n{(self.nginx.folder / 'error.log').read_text()}")

    def stop(self) -> None:
        for stack in self.stacks:
            stack.stop()
        self.nginx.stop()

    def server_of(self, address: str) -> Stack:
        """The stack whose Rasa server is at `address` (host:port, as nginx logs it)."""
        return next(s for s in self.stacks if address.endswith(f":{s.rasa_port}"))

    def turns_served(self, senders: List[str] = (), turns: int = 0, seconds: float = 10) -> Dict[str, List[str]]:
        """For each REST sender, the Rasa servers (host:port) that took its turns, in order; waits
        until each of `senders` has `turns` (nginx logs a request just after its answer went out)."""
        deadline = time.monotonic() + seconds
        served = self._served()
        while any(len(served.get(s, [])) < turns for s in senders) and time.monotonic() < deadline:
            time.sleep(0.1)
            served = self._served()
        return served

    def _served(self) -> Dict[str, List[str]]:
        served: Dict[str, List[str]] = {}
        for entry in self.nginx.log():
            if entry["uri"].startswith("/webhooks/rest/webhook") and entry["body"]:
                sender = json.loads(entry["body"])["sender"]
                served.setdefault(sender, []).append(entry["upstream"])
        return served

    def say(self, sender: str, text: str) -> list:
        return http_json(f"{self.url}/webhooks/rest/webhook", {"sender": sender, "message": text}, timeout=60)

    def tracker(self, sender: str, channel: str = "rest") -> dict:
        return http_json(f"{self.url}/conversations/{channel}:{sender}/tracker")

