"""The bearer-token check every channel with a token uses (401 without, 403 wrong)."""
from __future__ import annotations

import hmac
from typing import Optional

from sanic import response
from sanic.request import Request


def bearer_refusal(request: Request, token: str, variable: str) -> Optional[response.HTTPResponse]:
    """None when the request carries `Authorization: Bearer <token>`, else the refusal to send."""
    header = request.headers.get("Authorization", "")
    if not header:
        return response.json({"error": f"Authorization: Bearer <{variable}> is required"}, status=401)
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        return response.json({"error": "wrong token"}, status=403)
    return None
