"""Rasa's REST channel, with secrets masked at the door and never a silent reply.

A card number, password or SMS code a merchant sends is masked before Rasa
sees the message, so it reaches no tracker, log, ticket or model; the merchant
is warned in the same reply. Same URL as Rasa's REST channel:
POST /webhooks/rest/webhook {"sender": "...", "message": "..."}.

Whatever breaks behind it (Redis down or refusing writes, the action server
down or slow), the merchant gets a short apology and a way forward within
`DZ_REPLY_DEADLINE` seconds (default 6) instead of an empty reply. A message
that is still being worked on at the deadline goes on in the background, so
the conversation keeps it. GET /webhooks/rest/health says whether Redis takes
writes and the action server answers (503 when not), unlike Rasa's /status.
"""
from __future__ import annotations

import asyncio
import logging
import os
from typing import Any, Awaitable, Callable, Text

import aiohttp
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

from daozhang.masking import mask
from daozhang.redis_config import redis_settings
from daozhang.resources import reply

logger = logging.getLogger(__name__)


def reply_deadline() -> float:
    return float(os.environ.get("DZ_REPLY_DEADLINE", "6"))


class MaskingRestInput(RestInput):
    """REST input that masks secrets, warns about them, and always answers in time."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        async def answered(message: UserMessage) -> None:
            result = mask(message.text or "")
            if result.kinds:
                message.text = result.text
                await message.output_channel.send_text_message(message.sender_id, reply("secret_warning"))
            await answer_in_time(on_new_message, message)

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


async def answer_in_time(on_new_message: Callable[[UserMessage], Awaitable[None]],
                         message: UserMessage) -> None:
    """Run Rasa on the message; apologise when it fails, says nothing, or is not done in time."""
    collector = message.output_channel
    said_before = len(getattr(collector, "messages", []))
    work = asyncio.ensure_future(on_new_message(message))
    try:
        await asyncio.wait_for(asyncio.shield(work), timeout=reply_deadline())
    except asyncio.TimeoutError:
        logger.error("no reply within %ss for %s; still working on it", reply_deadline(), message.sender_id)
        work.add_done_callback(_log_late_failure)
        await collector.send_text_message(message.sender_id, reply("fault_slow"))
        return
    except Exception:  # Redis refusing writes, a lock that cannot be taken, …
        logger.exception("message of %s could not be handled", message.sender_id)
    if len(getattr(collector, "messages", [])) == said_before:
        await collector.send_text_message(message.sender_id, reply("fault_silent"))


def _log_late_failure(work: "asyncio.Future[Any]") -> None:
    if not work.cancelled() and work.exception() is not None:
        logger.error("a late message failed: %r", work.exception())


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
