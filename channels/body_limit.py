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
closed: what nginx calls a lingering close. A larger one is cut off. A client
that does wait gets the 413 instead of `100 Continue`, and keeps its body.

Sanic 21.12 (the version Rasa pins) reads Content-Length with a bare `int()`:
`abc` became a 500, and `-5` sent the server into a loop at 100 % CPU that
answered nobody again. The header is checked as soon as it is parsed: 400.
"""
from __future__ import annotations

import logging
import os
from typing import Any

from sanic import Blueprint, Sanic, response
from sanic.exceptions import InvalidUsage, PayloadTooLarge
from sanic.http import Http
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
    _check_content_length_as_parsed()
    logger.info("request bodies are capped at %d bytes", app.ctx.body_cap)


def _check_content_length_as_parsed() -> None:
    """Wrap sanic's header parsing: a Content-Length that is no count is a 400, and a body
    announced over the cap is refused there, before `100 Continue` is sent."""
    parse = Http.http1_request_header
    if getattr(parse, "checks_content_length", False):
        return

    async def http1_request_header(http: Http) -> None:
        try:
            await parse(http)
        except ValueError as error:  # int("abc")
            http.keep_alive = False
            raise InvalidUsage("Bad Request: Content-Length is not a number") from error
        if http.request_body is not True:  # no body, or chunked (counted as it comes)
            return
        if http.request_bytes_left < 0:
            http.keep_alive, http.request_body = False, None
            raise InvalidUsage("Bad Request: negative Content-Length")
        if http.request_bytes > http.protocol.request_max_size:
            if http.expecting_continue:  # the client waits: it keeps its body, nothing to drain
                http.expecting_continue, http.request_body, http.keep_alive = False, None, False
            raise PayloadTooLarge("Request body exceeds the size limit")

    http1_request_header.checks_content_length = True  # type: ignore[attr-defined]
    Http.http1_request_header = http1_request_header  # type: ignore[method-assign]


def _too_large(request: Request, exception: Exception) -> response.HTTPResponse:
    if "header" in str(exception).lower():  # sanic says PayloadTooLarge for oversized headers too
        return response.json({"error": "request headers too large"}, status=431, headers={"Connection": "close"})
    limit = getattr(request.app.ctx, "body_cap", None)
    logger.warning("%s %s: body of %s bytes refused (limit %s)", request.method, request.path,
                   request.headers.get("content-length", "unknown"), limit)
    _drain_after_answer(request)
    return response.json({"error": f"request body too large: at most {limit} bytes", "max_bytes": limit},
                         status=413, headers={"Connection": "close"})


def _drain_after_answer(request: Request) -> None:
    """Let sanic (21.12) read and drop up to DRAIN_BYTES more of this body after the answer, then close."""
    stream = request.stream
    if stream is None:
        return
    stream.keep_alive = False
    stream.request_max_size = stream.protocol.request_max_size = DRAIN_BYTES  # this connection only
