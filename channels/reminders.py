"""Reminders that fall due, and tickets an agent resolved, told on the merchant's channel.

Every Rasa server process runs both loops (started with the REST channel); the stores give
each due reminder and each resolution to one process only. A channel that can reach a merchant between
messages registers how (WeChat's customer-service API, an open chat page); otherwise
the news waits in the outbox and the door says it before the next answer.
"""
from __future__ import annotations

import asyncio
import logging
import os
from datetime import timedelta
from typing import Awaitable, Callable, Dict, List

from sanic import Blueprint

from daozhang.clock import now_in_shanghai
from daozhang.conversation import channel_of
from daozhang.reminders import keep_promise
from daozhang.resources import reply
from daozhang.satisfaction import HANDED_OVER
from daozhang.tickets import Ticket
from daozhang.wiring import adapter, outbox, rating_offers, reminders, ticket_news, tickets

logger = logging.getLogger(__name__)
# How often due reminders are looked for (seconds); DZ_REMINDER_TICK overrides.
TICK_SECONDS = 30.0
# A reminder whose lookup failed (backend down) is tried again this much later.
RETRY_LATER = timedelta(minutes=10)
# A wait for resolved tickets gives up after this long and starts again (the `news` client's timeout is longer).
NEWS_WAIT_SECONDS = 5
# Where a rating can follow the news (a hotline caller hears it in another call, and rates nothing).
RATED_CHANNELS = ("rest", "socketio", "wechat")

Send = Callable[[str, str], Awaitable[bool]]
_LIVE: Dict[str, Send] = {}


def reach_live(channel: str, send: Send) -> None:
    """How `channel` tells a merchant something between messages: send(sender, text) → reached?"""
    _LIVE[channel] = send


async def tell(conversation: str, text: str) -> None:
    """Says `text` on the conversation's channel now if it can, else keeps it for the next message."""
    channel, sender = conversation.split(":", 1)
    send = _LIVE.get(channel_of(conversation))
    if send is not None:
        try:
            if await send(sender, text):
                return
        except Exception:
            logger.exception("reminder for %s not sent live on %s; kept for the next message", conversation, channel)
    await outbox().keep(conversation, text)


async def run_due(now=None) -> List[str]:
    """Keeps every promise due by `now`; the conversations told."""
    told = []
    for reminder in await reminders().take_due(now or now_in_shanghai()):
        try:
            text = await keep_promise(reminder, adapter(), tickets())
        except Exception:
            logger.exception("reminder for %s failed; tried again later", reminder.conversation)
            later = (now or now_in_shanghai()) + RETRY_LATER
            reminder.due_at = later.isoformat()
            await reminders().schedule(reminder)
            continue
        await tell(reminder.conversation, text)
        told.append(reminder.conversation)
    return told


async def _run_forever() -> None:
    tick = float(os.environ.get("DZ_REMINDER_TICK", TICK_SECONDS))
    while True:
        try:
            await run_due()
        except Exception:  # Redis down: the reminders wait in Redis for the next tick
            logger.exception("due reminders could not be read")
        await asyncio.sleep(tick)


async def tell_resolutions_forever() -> None:
    """Each ticket an agent resolves is told to its merchant once, as soon as it is resolved."""
    while True:
        ticket = None
        try:
            ticket = await ticket_news().next_news(NEWS_WAIT_SECONDS)
            if ticket is not None:
                await tell_resolution(ticket)
        except Exception:  # Redis down: the news waits in Redis (again) for the next try
            logger.exception("resolved tickets could not be read or told")
            if ticket is not None:
                await _news_again(ticket)
            await asyncio.sleep(NEWS_WAIT_SECONDS)


async def _news_again(ticket: Ticket) -> None:
    try:
        await ticket_news().news_again(ticket.ticket_id)
    except Exception:
        logger.exception("the resolution of %s could not be told nor kept", ticket.ticket_id)


async def tell_resolution(ticket: Ticket) -> None:
    news = reply("ticket_resolved_news", ticket_id=ticket.ticket_id, note=ticket.resolution_note or "")
    if channel_of(ticket.sender_id) in RATED_CHANNELS:  # a rating may follow, once (daozhang.satisfaction)
        news += "\n" + reply("rating_offer")
        await rating_offers().offer(ticket.sender_id, HANDED_OVER)
    await tell(ticket.sender_id, news)


def run_with(blueprint: Blueprint) -> None:
    """Starts both loops with the server that serves `blueprint`."""
    @blueprint.listener("after_server_start")
    async def start(app, _loop) -> None:
        app.add_task(_run_forever())
        app.add_task(tell_resolutions_forever())


async def kept_for(conversation: str) -> List[str]:
    """What waits for the conversation (said before the answer to its next message)."""
    try:
        return [reply("kept_intro") + text for text in await outbox().take(conversation)]
    except Exception:  # Redis down: it stays kept
        logger.exception("outbox of %s unavailable", conversation)
        return []
