"""A request body that must be a JSON object: read it, or say plainly why it cannot be (a 400)."""
from __future__ import annotations

import json
from typing import Any, Dict


class BadRequest(ValueError):
    """What the peer sent cannot be answered; the message says why, for the 400."""


def json_object(body: bytes) -> Dict[str, Any]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:  # RecursionError: [[[[… nested deep
        raise BadRequest("the body must be JSON in UTF-8") from error
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object")
    return data
