"""No request body larger than `max_body_bytes` (daozhang/data/limits.yml) is read, on any route.

A merchant's message is capped at 2,000 characters at the door; a body of
megabytes is no message, and reading it would tie up the server. Sanic's own
limit (100 MB by default) is lowered for the whole server, the channels' routes
and Rasa's HTTP API alike, and a body announced larger than the limit is
refused from its Content-Length, before any of it is read: 413 with a JSON
error that says the limit. Every channel's blueprint installs this; once is
enough.

A client that sends its body without waiting (no `Expect: 100-continue`)
would see its connection reset instead of the 413 if the server closed the
socket with the body still arriving. So after the answer, the rest of a body up
to `DRAIN_BYTES` is read and dropped (nothing is kept), then the connection is
closed: what nginx calls a lingering close. A larger one is cut off.
"""
from __future__ import annotations

import logging
import os
from typing import Any

from sanic import Blueprint, Sanic, response
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request

from daozhang.resources import load_yaml

logger = logging.getLogger(__name__)

DRAIN_BYTES = 64 * 1024 * 1024


def max_body_bytes() -> int:
    return int(os.environ.get("DZ_MAX_BODY_BYTES") or load_yaml("limits.yml")["max_body_bytes"])


def cap_request_bodies(blueprint: Blueprint) -> Blueprint:
    """Install the cap on the server this blueprint is served by."""
    blueprint.listener("before_server_start")(_install)
    return blueprint


async def _install(app: Sanic, _loop: Any) -> None:
    if getattr(app.ctx, "body_cap", None) is not None:
        return
    app.ctx.body_cap = max_body_bytes()
    app.config.REQUEST_MAX_SIZE = app.ctx.body_cap
    app.error_handler.add(PayloadTooLarge, _too_large)
    logger.info("request bodies are capped at %d bytes", app.ctx.body_cap)


def _too_large(request: Request, exception: Exception) -> response.HTTPResponse:
    limit = getattr(request.app.ctx, "body_cap", None)
    logger.warning("%s %s: body of %s bytes refused (limit %s)", request.method, request.path,
                   request.headers.get("content-length", "unknown"), limit)
    _drain_after_answer(request)
    return response.json({"error": f"request body too large: at most {limit} bytes", "max_bytes": limit},
                         status=413, headers={"Connection": "close"})


def _drain_after_answer(request: Request) -> None:
    """Let sanic (21.12) read and drop the rest of this connection's body after the answer, then close."""
    stream = request.stream
    try:
        announced = int(request.headers.get("content-length", ""))
    except ValueError:
        return
    if stream is None or announced > DRAIN_BYTES:
        return
    stream.keep_alive = False
    stream.request_max_size = stream.protocol.request_max_size = float("inf")  # this connection only
