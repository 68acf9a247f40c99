"""Where the bot's words for one WeChat message go: the answer first, anything later after it.

The turn's messages are collected into one answer, which goes out as a
passive reply or through the customer-service API. What the bot says after
the answer was taken (a reply that came after the door's apology) waits until
the answer went out, then follows it through the API, in order.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, Iterable, List, Optional, Text

from rasa.core.channels.channel import OutputChannel

from channels.wechat.api import CustomerService
from channels.wechat.text import as_text

logger = logging.getLogger(__name__)


class WeChatOutput(OutputChannel):
    def __init__(self, api: CustomerService, openid: str) -> None:
        self.api = api
        self.openid = openid
        self.collected: List[Dict[str, Any]] = []
        self.taken = False
        self.held: List[str] = []  # said after the answer was taken, before it went out
        self.released = False
        self._last_send: Optional["asyncio.Future[None]"] = None

    @classmethod
    def name(cls) -> Text:
        return "wechat"

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        if not self.taken:
            self.collected.append(message)
        elif self.released:
            self._send_in_order([as_text([message])])
        else:
            self.held.append(as_text([message]))

    def take(self) -> str:
        """The turn's answer; from now on the bot's words follow it."""
        self.taken = True
        return as_text(self.collected)

    def release(self, first: Iterable[str] = ()) -> None:
        """The answer went out (or is going out by the API as `first`): send what followed it."""
        self.released = True
        self._send_in_order([*first, *self.held])
        self.held = []

    def _send_in_order(self, texts: List[str]) -> None:
        texts = [t for t in texts if t]
        if not texts:
            return
        previous = self._last_send

        async def send() -> None:
            if previous is not None:
                await asyncio.wait({previous})
            try:
                for text in texts:
                    await self.api.send_text(self.openid, text)
            except Exception:  # never lost silently in a task nobody awaits
                logger.exception("WeChat message to %s not sent", self.openid)

        self._last_send = asyncio.ensure_future(send())
