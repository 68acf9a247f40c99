"""Who is asking: a session from the `Authorization: Bearer` token (the API) or the HttpOnly
cookie (the pages), and the checks on every change a browser makes.

A change made with the cookie must carry the session's CSRF token (a form field `csrf` or the
`X-CSRF-Token` header) and must not come from another site (Origin, Sec-Fetch-Site). A bearer
token is never sent by a browser on its own, so API calls with one need neither.
"""
from __future__ import annotations

import os
import secrets
from typing import Optional, Tuple
from urllib.parse import urlsplit

from sanic.request import Request
from sanic.response import HTTPResponse

from daozhang.agents import SESSION_SECONDS, Session
from daozhang.wiring import agents

COOKIE = "dz_console"
OPEN_PATHS = ("/login", "/api/login", "/api/openapi.json", "/health")


def is_open(path: str) -> bool:
    """Pages and calls that need no session: logging in, the API's description, assets, health."""
    return path in OPEN_PATHS or path.startswith("/static/")


def bearer(request: Request) -> Optional[str]:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def session_of(request: Request) -> Tuple[Optional[Session], str]:
    """The session and how it came (`bearer` or `cookie`)."""
    token = bearer(request)
    if token:
        return await agents().session(token), "bearer"
    return await agents().session(request.cookies.get(COOKIE)), "cookie"


def cross_site(request: Request) -> bool:
    """The request comes from a page of another site (a form or a script there)."""
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return True
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if origin == "null":  # a sandboxed frame or a redirect from elsewhere
        return True
    return bool(origin) and urlsplit(origin).netloc != request.host


def csrf_ok(request: Request, session: Session) -> bool:
    given = request.headers.get("X-CSRF-Token")
    if given is None and request.content_type.startswith("application/x-www-form-urlencoded"):
        given = request.form.get("csrf")
    return bool(given) and secrets.compare_digest(given, session.csrf)


def secure(request: Request) -> bool:
    """Behind HTTPS (directly, or a proxy that says so): the cookie is sent over HTTPS only."""
    return (request.scheme == "https" or request.headers.get("X-Forwarded-Proto") == "https"
            or os.environ.get("CONSOLE_SECURE_COOKIE") == "1")


def set_cookie(request: Request, response: HTTPResponse, token: str) -> None:
    response.cookies[COOKIE] = token
    response.cookies[COOKIE]["httponly"] = True
    response.cookies[COOKIE]["samesite"] = "Strict"
    response.cookies[COOKIE]["path"] = "/"
    response.cookies[COOKIE]["max-age"] = SESSION_SECONDS
    if secure(request):
        response.cookies[COOKIE]["secure"] = True


def clear_cookie(response: HTTPResponse) -> None:
    response.cookies[COOKIE] = ""
    response.cookies[COOKIE]["max-age"] = 0
    response.cookies[COOKIE]["path"] = "/"
