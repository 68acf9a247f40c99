"""The web widget's side of socket.io, without a browser: session_request, then user_uttered."""
import threading
import time
from typing import List, Optional

import socketio


class WidgetPeer:
    """One browser tab talking to the widget channel (the page does the same in JavaScript)."""

    def __init__(self, url: str, session_id: Optional[str] = None) -> None:
        self.received: List[dict] = []
        self.echoed: List[dict] = []  # the merchant's own messages as the server shows them back
        self.session_id: Optional[str] = None
        self._confirmed = threading.Event()
        self.client = socketio.Client(reconnection=False)
        self.client.on("session_confirm", self._confirm)
        self.client.on("bot_uttered", self.received.append)
        self.client.on("merchant_uttered", self.echoed.append)
        self.client.connect(url, socketio_path="/socket.io", transports=["polling"], wait_timeout=10)
        self.client.emit("session_request", {"session_id": session_id})
        if not self._confirmed.wait(10):
            raise TimeoutError("no session_confirm")

    def _confirm(self, session_id: str) -> None:
        self.session_id = session_id
        self._confirmed.set()

    def send(self, text: str) -> None:
        """Sends without waiting for anything, as a merchant typing fast does."""
        self.client.emit("user_uttered", {"message": text, "session_id": self.session_id})

    def say(self, text: str, replies: int = 1, quiet: float = 1.0, timeout: float = 30) -> List[str]:
        """The texts of the bot's messages to `text`: at least `replies` of them (the door's own
        warning comes before the turn's answer, however long the turn takes), then whatever
        follows until the bot has been quiet for `quiet` seconds."""
        before = len(self.received)
        self.send(text)
        self.quiet_after(before, replies, quiet, timeout)
        return [m.get("text", "") for m in self.received[before:]]

    def quiet_after(self, before: int, replies: int, quiet: float, timeout: float) -> bool:
        """Whether the bot said at least `replies` messages after the first `before` and then
        nothing for `quiet` seconds, within `timeout`."""
        deadline, last_count, last_change = time.monotonic() + timeout, before, time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.1)
            if len(self.received) != last_count:
                last_count, last_change = len(self.received), time.monotonic()
            elif last_count >= before + replies and time.monotonic() - last_change >= quiet:
                return True
        return False

    def close(self) -> None:
        self.client.eio.disconnect(abort=True)  # a polite close waits out the server's 25 s long poll
