"""The bot's messages as WeChat text: choices as numbers, cut to WeChat's 2,048-byte limit.

WeChat shows no buttons in a text message, so a message's choices become
numbered options the merchant answers with a digit (channels/wechat/choices.py
turns the digit into the choice's payload).
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Sequence

from daozhang.resources import reply

MAX_TEXT_BYTES = 2048  # a passive reply and a customer-service text message


def with_choices(text: str, buttons: Sequence[Dict[str, Any]]) -> str:
    """The text with its buttons as numbered options."""
    titles = [str(b.get("title") or b.get("payload") or "") for b in buttons]
    numbered = [f"{i}. {title}" for i, title in enumerate(titles, start=1)]
    if not numbered:
        return text
    return "\n".join(part for part in (text, reply("wechat_choices", choices=" ".join(numbered))) if part)


def as_text(messages: Iterable[Dict[str, Any]]) -> str:
    """The bot's messages of one turn as one text, choices numbered."""
    parts = [with_choices(m.get("text") or "", m.get("buttons") or []) for m in messages]
    return "\n\n".join(p.strip() for p in parts if p.strip())


def split_utf8(text: str, limit: int = MAX_TEXT_BYTES) -> List[str]:
    """Pieces of at most `limit` UTF-8 bytes, cut between characters (at a line end when one is near)."""
    pieces, rest = [], text
    while len(rest.encode("utf-8")) > limit:
        cut = len(rest.encode("utf-8")[:limit].decode("utf-8", "ignore"))
        line_end = rest.rfind("\n", 0, cut)
        if line_end > cut // 2:
            cut = line_end + 1
        pieces.append(rest[:cut].rstrip("\n"))
        rest = rest[cut:]
    pieces.append(rest)
    return [p for p in pieces if p.strip()]
