"""The console's sanic app: its routes, the session every page and call but login needs, and
answers that are never a stack trace."""
from __future__ import annotations

import logging
from pathlib import Path

from redis.exceptions import RedisError
from sanic import Sanic, response
from sanic.exceptions import NotFound, SanicException
from sanic.request import Request

from console.api import api
from console.auth import cross_site, csrf_ok, is_open, session_of
from console.pages import pages, render
from console.views import said

logger = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
VENDOR = HERE / "web" / "dist"  # ECharts, from npm (make console-web)
SECURITY_HEADERS = {
    # Scripts only from the console itself; ECharts' tooltips set inline styles.
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                               "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                               "form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def _is_api(request: Request) -> bool:
    return request.path.startswith("/api/")


async def require_session(request: Request):
    """Every page and API call but login needs a session; a change made with the cookie needs
    its CSRF token and must come from the console's own pages."""
    request.ctx.session = None
    changes = request.method not in ("GET", "HEAD", "OPTIONS")
    if is_open(request.path):
        if changes and cross_site(request):
            return response.json({"error": "cross-site request refused"}, status=403)
        return None
    session, via = await session_of(request)
    if session is None:
        if _is_api(request):
            return response.json({"error": "login required"}, status=401)
        return response.redirect(f"/login?next={request.path}", status=303)
    request.ctx.session = session
    if changes and via == "cookie" and (cross_site(request) or not csrf_ok(request, session)):
        if _is_api(request):
            return response.json({"error": said("refused")["csrf"]}, status=403)
        return response.text(said("refused")["csrf"], status=403)
    return None


async def add_security_headers(request: Request, answer: response.HTTPResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        answer.headers.setdefault(name, value)
    if not request.path.startswith("/static/"):
        answer.headers.setdefault("Cache-Control", "no-store")


def create_app(name: str = "daozhang_console") -> Sanic:
    app = Sanic(name)
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.blueprint(api)
    app.blueprint(pages)
    app.static("/static/vendor", str(VENDOR), name="vendor")
    app.static("/static", str(HERE / "static"), name="static")
    app.register_middleware(require_session, "request")
    app.register_middleware(add_security_headers, "response")

    @app.get("/health")
    async def health(request: Request):
        return response.json({"ok": True})

    @app.exception(Exception)
    async def failed(request: Request, error: Exception):
        """A missing page is 404; Redis down is 503 with a line; anything else is logged, never shown."""
        if isinstance(error, NotFound):
            status, text = 404, "没有这个页面"
        elif isinstance(error, SanicException) and error.status_code < 500:
            status, text = error.status_code, str(error)
        elif isinstance(error, RedisError):
            logger.error("Redis unavailable: %s", error)
            status, text = 503, "工单库暂时连不上，请稍后刷新"
        else:
            logger.exception("console request failed: %s", request.path)
            status, text = 500, "出错了，请稍后再试"
        if _is_api(request):
            return response.json({"error": text}, status=status)
        return render(request, "error.html", http_status=status, message=text)

    return app
