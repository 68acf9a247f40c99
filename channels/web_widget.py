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
- the server keeps the conversation as shown (`daozhang.transcript`: masked,
  with its times) and the page shows that, never what the browser typed: after
  `session_confirm` comes `history`, each message is echoed to every tab of the
  session as `merchant_uttered` (masked; a message sent again with the same
  `id` is answered once), each bot message carries its `id` and `time`, and
  `turn_end` names the messages a turn answered;
- one turn at a time per session (`channels.turns`): a burst is answered together;
- the chat page, built by `make web` into web/dist, is served at
  /webhooks/socketio/chat/ (same origin as socket.io).
"""
from __future__ import annotations

import logging
import re
import secrets
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from redis.exceptions import RedisError
from sanic import Blueprint, response
from sanic.request import Request
from socketio import AsyncServer

from channels.body_limit import cap_request_bodies
from channels.door import admit, as_kept
from channels.reminders import kept_for, reach_live
from channels.turns import Turn, Turns
from daozhang.conversation import conversation_id
from daozhang.resources import reply
from daozhang.transcript import Transcript, entry
from daozhang.wiring import redis_key, shared_redis, transcript

logger = logging.getLogger(__name__)

PAGE_DIR = Path(__file__).resolve().parent.parent / "web" / "dist"
_SESSION_ID = re.compile(r"[0-9a-f]{32}")
_MESSAGE_REF = re.compile(r"[0-9A-Za-z_-]{1,64}")
DEFAULT_SESSION_DAYS = 30
ECHO_EVT, HISTORY_EVT, TURN_END_EVT = "merchant_uttered", "history", "turn_end"


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


class Recorded:
    """The session's record (`daozhang.transcript`); Redis down: the page still gets every message."""

    def __init__(self, transcript: Transcript) -> None:
        self.transcript = transcript

    async def add(self, conversation: Text, said: Dict[Text, Any]) -> None:
        try:
            await self.transcript.add(conversation, said)
        except RedisError:
            logger.warning("widget transcript: Redis unavailable; a reload will not show this message", exc_info=True)

    async def recent(self, conversation: Text) -> List[Dict[Text, Any]]:
        try:
            return await self.transcript.recent(conversation)
        except RedisError:
            logger.warning("widget transcript: Redis unavailable; the page keeps what it shows", exc_info=True)
            return []

    async def earlier(self, conversation: Text, ref: Text, said: Dict[Text, Any]) -> Optional[Dict[Text, Any]]:
        """What was said when `ref` came before, or None (then it counts now)."""
        try:
            return await self.transcript.first_time_seen(conversation, ref, said)
        except RedisError:
            logger.warning("widget transcript: Redis unavailable; a message sent twice counts twice", exc_info=True)
            return None


class RecordedOutput(SocketIOOutput):
    """Rasa's socketio output, each bot message recorded and sent with its `id` and server `time`."""

    def __init__(self, sio: AsyncServer, bot_message_evt: Text, record: Recorded, conversation: Text) -> None:
        super().__init__(sio, bot_message_evt)
        self.record = record
        self.conversation = conversation
        self.turn = secrets.token_hex(4)

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        choices = [{"title": b.get("title"), "payload": b.get("payload")}
                   for b in response.get("quick_replies") or response.get("buttons") or []]
        said = entry("bot", response.get("text") or "", choices=choices, turn=self.turn)
        await self.record.add(self.conversation, said)
        await super()._send_message(socket_id, {**response, "id": said["id"], "time": said["time"], "turn": self.turn})


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
        sio, namespace = self.sio, self.namespace
        record = Recorded(transcript(self.sessions.ttl_seconds))

        def output(sender: Text) -> RecordedOutput:
            return RecordedOutput(sio, self.bot_message_evt, record, conversation_id(self.name(), sender))

        async def say(sender: Text, text: Text) -> None:
            await output(sender)._send_message(sender, {"text": text})

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
            sender = session_id if self.session_persistence else sid
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)
            shown = await record.recent(conversation_id(self.name(), sender))
            await sio.emit(HISTORY_EVT, {"messages": shown}, room=sid, namespace=namespace)
            for kept in await kept_for(conversation_id(self.name(), sender)):  # news while the page was closed
                await say(sender, kept)

        async def tell(session_id: Text, text: Text) -> bool:
            """A reminder to the page, live when one is open on the session."""
            if session_id not in self.confirmed.values():
                return False
            await say(session_id, text)
            return True

        reach_live(self.name(), tell)

        @sio.on("disconnect", namespace=namespace)
        async def disconnect(sid: Text, reason: Any = None) -> None:
            self.confirmed.pop(sid, None)

        async def answer(sender: Text, turn: Turn) -> None:
            message = UserMessage(turn.text, output(sender), sender, input_channel=self.name())
            try:
                await admit(message, on_new_message)
            finally:
                await sio.emit(TURN_END_EVT, {"refs": turn.refs}, room=sender, namespace=namespace)

        turns = Turns(answer)

        @sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: Text, data: Any = None) -> None:
            data = data if isinstance(data, dict) else {}
            session_id = self.confirmed.get(sid)
            if session_id is None or data.get("session_id") != session_id:
                await sio.emit(self.bot_message_evt, {"text": reply("widget_session_unknown")},
                               room=sid, namespace=namespace)
                return
            sender = session_id if self.session_persistence else sid
            text = data.get("message") if isinstance(data.get("message"), str) else ""
            shown = data.get("shown") if text.startswith("/") and isinstance(data.get("shown"), str) else text
            ref = data.get("id")
            ref = ref if isinstance(ref, str) and _MESSAGE_REF.fullmatch(ref) else secrets.token_hex(8)
            said = entry("merchant", as_kept(shown), ref=ref)
            conversation = conversation_id(self.name(), sender)

            async def recorded_and_shown() -> bool:
                earlier = await record.earlier(conversation, ref, said)
                if earlier is not None:  # sent again after a lost connection: shown and answered once
                    await sio.emit(ECHO_EVT, earlier, room=sid, namespace=namespace)
                    await sio.emit(TURN_END_EVT, {"refs": [ref]}, room=sid, namespace=namespace)
                    return False
                await record.add(conversation, said)
                await sio.emit(ECHO_EVT, said, room=sender, namespace=namespace)
                return True

            await turns.submit(sender, Turn(text, [ref]), prepare=recorded_and_shown)

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
