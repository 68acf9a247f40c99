"""Rasa's REST channel behind our door (`channels.door`): masked, capped, never silent.

Same URL as Rasa's REST channel: POST /webhooks/rest/webhook
{"sender": "...", "message": "..."}; the conversation is `rest:<sender>`, and
the input channel is always `rest`, whatever the client claims.
GET /webhooks/rest/health says whether Redis takes writes and the action
server answers (503 when not), unlike Rasa's /status.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Text

import aiohttp
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

from channels.door import admit
from daozhang.redis_config import redis_settings


class MaskingRestInput(RestInput):
    """REST input that masks secrets, warns about them, and always answers in time."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def _extract_input_channel(self, req: Request) -> Text:
        return self.name()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        async def answered(message: UserMessage) -> None:
            await admit(message, on_new_message)

        blueprint = super().blueprint(answered)

        @blueprint.route("/health", methods=["GET"])
        async def health(request: Request) -> response.HTTPResponse:
            agent = getattr(request.app.ctx, "agent", None)
            endpoint = getattr(agent, "action_endpoint", None)
            checks = {"redis": await _redis_takes_writes(),
                      "action_server": await _answers(endpoint.url if endpoint else None)}
            healthy = all(checks.values())
            return response.json({"status": "ok" if healthy else "degraded", **checks},
                                 status=200 if healthy else 503)

        return blueprint


async def _redis_takes_writes() -> bool:
    import redis.asyncio as aioredis

    client = aioredis.Redis(**redis_settings(), socket_timeout=2, socket_connect_timeout=2)
    try:
        return bool(await client.set("daozhang:health:write", "ok", ex=60))
    except Exception:  # down, refusing writes (MISCONF), wrong password …
        return False
    finally:
        await client.close()


async def _answers(webhook_url: Any) -> bool:
    if not webhook_url:
        return False
    url = str(webhook_url).rsplit("/webhook", 1)[0] + "/health"
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session:
            async with session.get(url) as answer:
                return answer.status == 200
    except Exception:  # refused, timed out
        return False
