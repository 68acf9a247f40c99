"""The console's JSON API under /api (described by console/openapi.yml, served as /api/openapi.json)."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import yaml
from sanic import Blueprint, response
from sanic.request import Request

from console.analytics import analytics
from console.auth import bearer
from console.desk import Refused, act, log_in
from console.views import full, rows, said
from daozhang.wiring import agents, tickets

api = Blueprint("api", url_prefix="/api")
OPENAPI = Path(__file__).resolve().parent / "openapi.yml"
LIST_FILTERS = ("diagnosis", "channel", "priority")


@lru_cache(maxsize=1)
def openapi_document() -> str:
    return json.dumps(yaml.safe_load(OPENAPI.read_text(encoding="utf-8")), ensure_ascii=False)


def _body(request: Request) -> dict:
    try:
        body = request.json
    except Exception:  # sanic raises on a body that is not JSON
        body = None
    return body if isinstance(body, dict) else {}


@api.get("/openapi.json")
async def openapi(request: Request):
    return response.text(openapi_document(), content_type="application/json; charset=utf-8")


@api.post("/login")
async def login(request: Request):
    body = _body(request)
    name, password = body.get("username"), body.get("password")
    if not isinstance(name, str) or not isinstance(password, str):
        return response.json({"error": "username and password are required"}, status=400)
    try:
        return response.json({"token": await log_in(name, password)})
    except Refused as refused:
        return response.json(refused.body(), status=refused.status)


@api.post("/logout")
async def log_out(request: Request):
    token = bearer(request)
    if token:
        await agents().log_out(token)
    return response.json({"ok": True})


@api.get("/me")
async def me(request: Request):
    agent = request.ctx.session.agent
    return response.json({"username": agent.name, "display_name": agent.display_name,
                          "supervisor": agent.supervisor, "csrf": request.ctx.session.csrf})


@api.get("/tickets")
async def list_tickets(request: Request):
    """Unresolved first, then high priority, then the longest waiting; `status` may name several (open,claimed)."""
    found = await tickets().list(status=request.args.get("status"), limit=500,
                                 **{name: request.args.get(name) for name in LIST_FILTERS})
    return response.json({"tickets": rows(found)})


@api.get("/tickets/<ticket_id>")
async def one_ticket(request: Request, ticket_id: str):
    ticket = await tickets().get(ticket_id)
    if ticket is None:
        return response.json(Refused(404, "not_found").body(), status=404)
    return response.json(full(ticket))


@api.post("/tickets/<ticket_id>/<action:claim|release|notes|resolve|reassign>")
async def change_ticket(request: Request, ticket_id: str, action: str):
    try:
        ticket = await act(action, ticket_id, request.ctx.session, _body(request))
    except Refused as refused:
        return response.json(refused.body(), status=refused.status)
    return response.json(full(ticket))


@api.get("/analytics")
async def figures(request: Request):
    """Containment, tickets, times to claim and resolve, satisfaction, over the last `days` days (30)."""
    try:
        days = int(request.args.get("days", "30"))
    except ValueError:
        days = 0
    if not 1 <= days <= 366:
        return response.json({"error": said("refused")["days"]}, status=400)
    return response.json(await analytics(days))
