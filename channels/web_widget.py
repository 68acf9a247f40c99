"""The web widget: Rasa's socketio channel behind our door, with sessions the server issues.

Rasa's own channel trusts any `session_id` the browser makes up, and with
python-socketio 5 it never awaits `enter_room`, so with `session_persistence`
the socket never joins its session's room and the widget hears no reply.
Here, with the same events (`session_request` → `session_confirm`, then
`user_uttered` with `{message, session_id}`):
- a `session_request` with no id, or one this server did not issue, gets a new
  id; an issued id is confirmed again, so a reload keeps the conversation
  (`socketio:<session id>`). Issued ids live in Redis for `session_days` after
  their last use: they outlive a restart and every process sees them, with no
  secret to configure;
- a message counts only with the id confirmed to its own socket; any other
  gets one line asking to reload, and no bot turn (without `session_persistence`
  each connection is a conversation of its own, `socketio:<socket id>`);
- every message goes through `channels.door.admit`; what the browser sends as
  metadata is dropped (a browser is no trusted integration);
- the chat page, built by `make web` into web/dist, is served at
  /webhooks/socketio/chat/ (same origin as socket.io).
"""
from __future__ import annotations

import logging
import re
import secrets
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from redis.exceptions import RedisError
from sanic import Blueprint, response
from sanic.request import Request

from channels.body_limit import cap_request_bodies
from channels.door import admit
from channels.reminders import kept_for, reach_live
from daozhang.conversation import conversation_id
from daozhang.resources import reply
from daozhang.wiring import redis_key, shared_redis

logger = logging.getLogger(__name__)

PAGE_DIR = Path(__file__).resolve().parent.parent / "web" / "dist"
_SESSION_ID = re.compile(r"[0-9a-f]{32}")
DEFAULT_SESSION_DAYS = 30


class IssuedSessions:
    """The session ids this server handed out, each kept `ttl_seconds` after its last use."""

    def __init__(self, ttl_seconds: int) -> None:
        self.ttl_seconds = ttl_seconds

    async def issue(self) -> Text:
        session_id = secrets.token_hex(16)
        await shared_redis("state").set(redis_key("widget", "session", session_id), 1, ex=self.ttl_seconds)
        return session_id

    async def renew(self, claimed: Any) -> bool:
        """Whether `claimed` was issued here (and is still kept); its time starts again."""
        if not isinstance(claimed, str) or not _SESSION_ID.fullmatch(claimed):
            return False
        return bool(await shared_redis("state").expire(redis_key("widget", "session", claimed), self.ttl_seconds))


class WebWidgetInput(SocketIOInput):
    """Rasa's socketio channel (still named `socketio`) with issued sessions and our door."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        channel = super().from_credentials(credentials)
        days = float((credentials or {}).get("session_days", DEFAULT_SESSION_DAYS))
        channel.sessions = IssuedSessions(int(days * 86400))
        return channel

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sessions = IssuedSessions(DEFAULT_SESSION_DAYS * 86400)
        self.confirmed: Dict[Text, Text] = {}  # socket id → the session confirmed to it

    async def _session_for(self, claimed: Any) -> Text:
        """The claimed session when this server issued it, else a new one."""
        try:
            return claimed if await self.sessions.renew(claimed) else await self.sessions.issue()
        except RedisError:  # the conversation still gets answers (or the door's apology)
            logger.exception("widget sessions: Redis unavailable; this session will not survive a reload")
            return secrets.token_hex(16)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # Rasa's blueprint (socket.io server, connect/JWT check, health route); its session and
        # message handlers are replaced below (python-socketio keeps one handler per event).
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        namespace = self.namespace

        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: Text, data: Any = None) -> None:
            claimed = data.get("session_id") if isinstance(data, dict) else None
            session_id = await self._session_for(claimed)
            if self.session_persistence:
                previous = self.confirmed.get(sid)
                if previous and previous != session_id:
                    await sio.leave_room(sid, previous, namespace=namespace)
                await sio.enter_room(sid, session_id, namespace=namespace)
            self.confirmed[sid] = session_id
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)
            for kept in await kept_for(conversation_id(self.name(), session_id)):  # news while the page was closed
                await sio.emit(self.bot_message_evt, {"text": kept}, room=sid, namespace=namespace)

        async def tell(session_id: Text, text: Text) -> bool:
            """A reminder to the page, live when one is open on the session."""
            if session_id not in self.confirmed.values():
                return False
            await sio.emit(self.bot_message_evt, {"text": text}, room=session_id, namespace=namespace)
            return True

        reach_live(self.name(), tell)

        @sio.on("disconnect", namespace=namespace)
        async def disconnect(sid: Text, reason: Any = None) -> None:
            self.confirmed.pop(sid, None)

        @sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: Text, data: Any = None) -> None:
            data = data if isinstance(data, dict) else {}
            session_id = self.confirmed.get(sid)
            if session_id is None or data.get("session_id") != session_id:
                await sio.emit(self.bot_message_evt, {"text": reply("widget_session_unknown")},
                               room=sid, namespace=namespace)
                return
            text = data.get("message")
            message = UserMessage(text if isinstance(text, str) else "",
                                  SocketIOOutput(sio, self.bot_message_evt),
                                  session_id if self.session_persistence else sid,
                                  input_channel=self.name())
            await admit(message, on_new_message)

        _serve_page(blueprint)
        return cap_request_bodies(blueprint)


def _serve_page(blueprint: Blueprint) -> None:
    """The built chat page at <prefix>/chat/, or a line saying how to build it."""

    @blueprint.route("/chat", methods=["GET"], strict_slashes=True)
    async def page_without_slash(request: Request) -> response.HTTPResponse:
        return response.redirect(request.path + "/")  # its assets are addressed relative to /chat/

    @blueprint.route("/chat/", methods=["GET"], strict_slashes=True)
    async def page(request: Request) -> response.HTTPResponse:
        return await _page_file("index.html")

    @blueprint.route("/chat/<name:path>", methods=["GET"])
    async def page_asset(request: Request, name: Text) -> response.HTTPResponse:
        return await _page_file(name)


async def _page_file(name: Text) -> response.HTTPResponse:
    if not (PAGE_DIR / "index.html").is_file():
        return response.text(reply("widget_not_built"), status=503)
    path = (PAGE_DIR / name).resolve()
    if not path.is_relative_to(PAGE_DIR.resolve()) or not path.is_file():
        return response.text("not found", status=404)
    cache = "no-cache" if name == "index.html" else "public, max-age=31536000, immutable"
    return await response.file(path, headers={"Cache-Control": cache})
