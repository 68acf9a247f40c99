"""Where Redis is: REDIS_HOST (localhost), REDIS_PORT (6379), REDIS_DB (0),
REDIS_PASSWORD (none). One reading for the Rasa stores, the tickets and the tools."""
from __future__ import annotations

import os
from typing import Any, Dict, Optional


def redis_settings(host: Optional[str] = None, port: Any = None, db: Any = None) -> Dict[str, Any]:
    """Connection settings; explicit values win over the environment."""
    return {
        "host": host or os.environ.get("REDIS_HOST", "localhost"),
        "port": int(port or os.environ.get("REDIS_PORT", "6379")),
        "db": int(db if db is not None else os.environ.get("REDIS_DB", "0")),
        "password": os.environ.get("REDIS_PASSWORD") or None,
    }
