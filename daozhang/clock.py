"""The merchant's day: Asia/Shanghai, pinnable for replays and evaluation."""
from __future__ import annotations

import os
from datetime import date, datetime
from typing import Optional
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def today_in_shanghai() -> date:
    """Today in Asia/Shanghai; `DZ_TODAY` (YYYY-MM-DD) pins it."""
    pinned = os.environ.get("DZ_TODAY")
    if pinned:
        return date.fromisoformat(pinned)
    return datetime.now(SHANGHAI).date()


def now_in_shanghai() -> datetime:
    return datetime.now(SHANGHAI)


def minutes_between(start: str, end: Optional[str] = None) -> float:
    """Minutes from one ISO time to another (to now when `end` is None): waits, times to claim and resolve."""
    until = datetime.fromisoformat(end) if end else now_in_shanghai()
    return (until - datetime.fromisoformat(start)).total_seconds() / 60
