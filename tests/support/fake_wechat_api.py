"""A local stand-in for api.weixin.qq.com: hands out access tokens and records customer-service messages.

Answers like WeChat does: /cgi-bin/stable_token (POST, JSON) gives the current
token while it is valid and a new one when it has expired or on
`force_refresh`, which retires the previous one; /cgi-bin/token is not served
(the client must not use it). /cgi-bin/message/custom/send takes the current
token only, else errcode 40001, or 42001 after `expire_token()`; it answers
45015 for a follower in `out_of_window` (last wrote more than 48 hours ago),
and -1 (busy) for the next `busy` calls.
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List
from urllib.parse import parse_qs, urlparse


class FakeWeChatApi:
    def __init__(self, app_id: str, app_secret: str) -> None:
        self.app_id, self.app_secret = app_id, app_secret
        self.token_calls = 0
        self.sent: List[Dict] = []  # every accepted customer-service message, in order
        self.out_of_window: set = set()
        self.busy = 0
        self._token = None
        self._expired = False
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> "FakeWeChatApi":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def expire_token(self) -> None:
        """The current token expires now (the next send gets 42001)."""
        self._expired = True

    def refresh_elsewhere(self) -> None:
        """Someone else forced a refresh: the token our client holds is retired (40001), and the
        next normal stable_token call hands out the new one."""
        with self._lock:
            self._token = f"{self._token}-elsewhere"

    def texts_to(self, openid: str) -> List[str]:
        with self._lock:
            return [m["text"]["content"] for m in self.sent if m["touser"] == openid]

    def wait_for_texts(self, openid: str, count: int, seconds: float = 30) -> List[str]:
        """The texts sent to `openid`, once there are at least `count` (or when `seconds` are up)."""
        deadline = time.monotonic() + seconds
        while len(self.texts_to(openid)) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.texts_to(openid)

    def _token_answer(self, request: Dict) -> Dict:
        if request.get("grant_type") != "client_credential" or request.get("appid") != self.app_id \
                or request.get("secret") != self.app_secret:
            return {"errcode": 40125, "errmsg": "invalid appsecret"}
        with self._lock:
            self.token_calls += 1
            if self._token is None or self._expired or request.get("force_refresh"):
                self._token, self._expired = f"TOKEN-{self.token_calls}", False
        return {"access_token": self._token, "expires_in": 7200}

    def _send_answer(self, query: Dict[str, str], body: bytes) -> Dict:
        if query.get("access_token") != self._token:
            return {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest"}
        if self._expired:
            return {"errcode": 42001, "errmsg": "access_token expired"}
        message = json.loads(body.decode("utf-8"))
        with self._lock:
            if message["touser"] in self.out_of_window:
                return {"errcode": 45015, "errmsg": "response out of time limit or subscription is canceled"}
            if self.busy > 0:
                self.busy -= 1
                return {"errcode": -1, "errmsg": "system error"}
            self.sent.append(message)
        return {"errcode": 0, "errmsg": "ok"}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self._answer(None)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self._path() == "/cgi-bin/message/custom/send":
                    self._answer(lambda query: fake._send_answer(query, body))
                elif self._path() == "/cgi-bin/stable_token":
                    self._answer(lambda query: fake._token_answer(json.loads(body.decode("utf-8"))))
                else:
                    self._answer(None)

            def _path(self):
                return urlparse(self.path).path

            def _answer(self, make):
                query = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
                answer = make(query) if make else {"errcode": 404, "errmsg": "unknown api"}
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        return Handler
