"""The pages agents work in: login, the queue, a ticket, the dashboard (server-rendered, Jinja2
with autoescape: whatever a merchant typed is shown as text)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Blueprint, response
from sanic.request import Request

from console.auth import COOKIE, clear_cookie, set_cookie
from console.desk import MAX_NOTE_CHARS, Refused, act, log_in
from console.views import page_of, rows, said
from daozhang.resources import load_yaml, wording
from daozhang.wiring import agents, tickets

pages = Blueprint("pages")
TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
                        autoescape=select_autoescape(default=True, default_for_string=True))
# What a lookup returned, as readable JSON (Chinese as itself; escaped as HTML like any other text).
TEMPLATES.filters["readable"] = lambda value: json.dumps(value, ensure_ascii=False, indent=1)


def render(request: Request, name: str, http_status: int = 200, **context) -> response.HTTPResponse:
    session = getattr(request.ctx, "session", None)
    html = TEMPLATES.get_template(name).render(session=session, path=request.path, **context)
    return response.html(html, status=http_status)


def _safe_next(target: str) -> str:
    """Back to a page of the console only (never an address elsewhere)."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


@pages.get("/login")
async def login_page(request: Request):
    return render(request, "login.html", next=_safe_next(request.args.get("next", "/")))


@pages.post("/login")
async def login(request: Request):
    name, password = request.form.get("username", ""), request.form.get("password", "")
    target = _safe_next(request.form.get("next", "/"))
    try:
        token = await log_in(name, password)
    except Refused as refused:
        return render(request, "login.html", http_status=refused.status, error=str(refused), next=target,
                      username=name)
    answer = response.redirect(target, status=303)
    set_cookie(request, answer, token)
    return answer


@pages.post("/logout")
async def log_out(request: Request):
    await agents().log_out(request.cookies.get(COOKIE, ""))
    answer = response.redirect("/login", status=303)
    clear_cookie(answer)
    return answer


@pages.get("/")
async def queue(request: Request):
    status = request.args.get("status", "open,claimed")
    filters = {name: request.args.get(name, "") for name in ("diagnosis", "channel", "priority")}
    found = await tickets().list(status=status or None, limit=500, **filters)
    return render(request, "queue.html", tickets=rows(found), status=status, filters=filters,
                  statuses=said("statuses"), channels=wording("for_agents")["input_channels"],
                  priorities=said("priorities"),
                  diagnoses={code: item["title"] for code, item in load_yaml("explanations.yml").items()
                             if isinstance(item, dict) and "title" in item})


@pages.get("/tickets/<ticket_id>")
async def ticket_page(request: Request, ticket_id: str):
    return await _ticket_page(request, ticket_id, done=said("actions").get(request.args.get("done", "")))


async def _ticket_page(request: Request, ticket_id: str, http_status: int = 200, error: Optional[str] = None,
                       done: Optional[str] = None, typed: Optional[dict] = None) -> response.HTTPResponse:
    """The ticket, with what an action that was refused said, and what the agent had typed kept."""
    ticket = await tickets().get(ticket_id)
    if ticket is None:
        return render(request, "missing.html", http_status=404, ticket_id=ticket_id)
    supervisor = request.ctx.session.agent.supervisor
    everyone = [agent for agent in await agents().all() if not agent.disabled] if supervisor else []
    return render(request, "ticket.html", http_status=http_status, t=page_of(ticket), agents=everyone, error=error,
                  done=done, typed=typed or {}, max_chars=MAX_NOTE_CHARS)


@pages.post("/tickets/<ticket_id>/<action:claim|release|notes|resolve|reassign>")
async def change_ticket(request: Request, ticket_id: str, action: str):
    form = {name: request.form.get(name) for name in ("text", "note", "agent")}
    try:
        await act(action, ticket_id, request.ctx.session, form)
    except Refused as refused:  # shown on the ticket as it is now, the typed note still there
        return await _ticket_page(request, ticket_id, http_status=refused.status, error=str(refused), typed=form)
    return response.redirect(f"/tickets/{quote(ticket_id)}?done={action}", status=303)


@pages.get("/dashboard")
async def dashboard(request: Request):
    return render(request, "dashboard.html", days=request.args.get("days", "30"))
