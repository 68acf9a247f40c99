"""Rasa's REST channel behind our door (`channels.door`): strict, masked, capped, never silent.

Same URL as Rasa's REST channel: POST /webhooks/rest/webhook
{"sender": "...", "message": "...", "metadata"?: {...}}.
- With RASA_TOKEN set, `Authorization: Bearer $RASA_TOKEN` is required.
- The conversation is `rest:<sender>`; a missing, non-string or absurdly long
  sender or message, or a body that is not a JSON object, is a clean 400 and
  nothing is stored (no shared `default` conversation).
- The input channel is always `rest`, whatever the client claims; of the
  client's metadata only `verified_merchant_id` is kept, and only from an
  authenticated client (the acquirer's own app, which verified the merchant).
GET /webhooks/rest/health says whether Redis takes writes and the action
server answers (503 when not), unlike Rasa's /status.
"""
from __future__ import annotations

import logging
import os
from typing import Any, Awaitable, Callable, Dict, Optional, Text

import aiohttp
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from channels.auth import bearer_refusal
from channels.body_limit import cap_request_bodies
from channels.door import admit
from channels.json_body import BadRequest, json_object
from channels.reminders import run_with
from daozhang.conversation import VERIFIED_MERCHANT_ID
from daozhang.wiring import redis_key, shared_redis

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = 128


class MaskingRestInput(InputChannel):
    """REST input that checks its caller and its body, then lets the door do the rest."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "MaskingRestInput":
        return cls(token=os.environ.get("RASA_TOKEN") or None)

    def __init__(self, token: Optional[str] = None) -> None:
        self.token = token

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        blueprint = Blueprint("rest_webhook", __name__)
        run_with(blueprint)  # due reminders, in every process that serves the REST channel

        @blueprint.route("/", methods=["GET"])
        async def alive(_: Request) -> response.HTTPResponse:
            return response.json({"status": "ok"})

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> response.HTTPResponse:
            if self.token:
                refused = bearer_refusal(request, self.token, "RASA_TOKEN")
                if refused:
                    return refused
            try:
                sender, text, metadata = self._read(request.body or b"")
            except BadRequest as error:
                return response.json({"error": str(error)}, status=400)
            collector = CollectingOutputChannel()
            await admit(UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata),
                        on_new_message)
            return response.json(collector.messages)

        @blueprint.route("/health", methods=["GET"])
        async def health(request: Request) -> response.HTTPResponse:
            agent = getattr(request.app.ctx, "agent", None)
            endpoint = getattr(agent, "action_endpoint", None)
            checks = {"redis": await _redis_takes_writes(),
                      "action_server": await _answers(endpoint.url if endpoint else None)}
            healthy = all(checks.values())
            return response.json({"status": "ok" if healthy else "degraded", **checks},
                                 status=200 if healthy else 503)

        return cap_request_bodies(blueprint)

    def _read(self, body: bytes) -> "tuple[str, str, Dict[str, Any]]":
        data = json_object(body)
        sender, text = data.get("sender"), data.get("message")
        if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS \
                or not sender.isprintable():
            raise BadRequest(f"sender must be a printable string of 1 to {MAX_SENDER_CHARS} characters")
        if not isinstance(text, str):
            raise BadRequest("message must be a string")
        metadata = data.get("metadata") or {}
        if not isinstance(metadata, dict):
            raise BadRequest("metadata must be a JSON object")
        trusted = metadata.get(VERIFIED_MERCHANT_ID)
        kept = {VERIFIED_MERCHANT_ID: trusted} if self.token and isinstance(trusted, str) else {}
        return sender.strip(), text, kept


async def _redis_takes_writes() -> bool:
    try:
        return bool(await shared_redis("state").set(redis_key("health", "write"), "ok", ex=60))
    except Exception:  # down, refusing writes (MISCONF), wrong password …
        logger.warning("health: Redis does not take writes", exc_info=True)
        return False


async def _answers(webhook_url: Any) -> bool:
    if not webhook_url:
        return False
    url = str(webhook_url).rsplit("/webhook", 1)[0] + "/health"
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session:
            async with session.get(url) as answer:
                return answer.status == 200
    except Exception:  # refused, timed out
        logger.warning("health: the action server does not answer", exc_info=True)
        return False
