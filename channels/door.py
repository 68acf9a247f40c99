"""What every channel does with a merchant's message before Rasa sees it.

One piece of code for every door (REST, WeChat, IVR, web widget), so a
channel cannot forget a step:
- control characters are dropped; a message with nothing left gets a clear
  line instead of reaching the NLU;
- a message longer than `max_message_chars` (2,000) is cut, and the
  merchant is told;
- a burst from one conversation (more than `burst.messages` in
  `burst.seconds`, daozhang/data/limits.yml) gets a short "slow down" line
  instead of a bot turn, counted in Redis so every process agrees;
- card numbers, passwords and SMS codes are masked before Rasa's own code can
  store or log them, and the merchant is warned in the same reply;
- the answer to the verification question is checked and masked
  (`channels.verification_step`);
- news kept since the last message is said first; a rating answering an offer
  becomes its payload (`daozhang.satisfaction`); a case a person holds is
  named, with the message added to its ticket (`channels.held_case`);
- the sender id is prefixed by the channel (`wechat:<openid>`), so two
  channels never share a conversation;
- Rasa's answer comes within `DZ_REPLY_DEADLINE` seconds (default 6), or an
  apology does; a failure behind the door is never silence.
"""
from __future__ import annotations

import asyncio
import logging
import os
import re
import time
import unicodedata
import uuid
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import OutputChannel, UserMessage

from channels.held_case import held_case_line
from channels.reminders import kept_for
from channels.verification_step import verification_step
from daozhang.conversation import SIGNALS, conversation_id
from daozhang.masking import mask
from daozhang.resources import load_yaml, reply
from daozhang.unkept import watch_turn
from daozhang.wiring import rating_offers, redis_key, shared_redis

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff\ud800-\udfff]")


def reply_deadline() -> float:
    return float(os.environ.get("DZ_REPLY_DEADLINE", "6"))


def max_message_chars() -> int:
    return int(os.environ.get("DZ_MAX_MESSAGE_CHARS") or load_yaml("limits.yml")["max_message_chars"])


def burst_limit() -> Optional[int]:
    """Messages a conversation may send per window; None when switched off (DZ_RATE_LIMIT=off)."""
    setting = os.environ.get("DZ_RATE_LIMIT") or str(load_yaml("limits.yml")["burst"]["messages"])
    return None if setting.lower() in ("off", "0", "none") else int(setting)


async def within_burst_limit(conversation: str) -> bool:
    """Counts the message in its window; False when the conversation sent too many. Redis down: allowed."""
    limit = burst_limit()
    if limit is None:
        return True
    seconds = int(load_yaml("limits.yml")["burst"]["seconds"])
    window, now = redis_key("burst", conversation), time.time()
    try:  # a sliding window: the messages of the last `seconds`, whenever the burst starts
        pipe = shared_redis("door").pipeline(transaction=True)
        pipe.zremrangebyscore(window, 0, now - seconds)
        pipe.zadd(window, {f"{now:.6f}-{uuid.uuid4().hex[:6]}": now})
        pipe.zcard(window)
        pipe.expire(window, seconds)
        count = (await pipe.execute())[2]
    except Exception:  # Redis down: the door's deadline still protects the merchant
        logger.warning("burst limit not counted", exc_info=True)
        return True
    return count <= limit


def clean(text: Optional[str]) -> str:
    """The text without control or invisible characters (nor lone surrogates), in NFC form."""
    return unicodedata.normalize("NFC", _CONTROL.sub("", text or "")).strip()


def as_kept(text: Optional[str]) -> str:
    """What the door passes on of a message (cleaned, cut, masked): all a channel may show back or keep."""
    return mask(clean(text)[:max_message_chars()]).text


class CountingOutput(OutputChannel):
    """Forwards to the channel's own output, to the channel's own recipient, counting what is said
    and keeping the bot's signals (a handover, a goodbye) for the channel, off the messages.

    Rasa addresses replies to the (prefixed) conversation id; the channel's
    output still gets the id it knows (a socket room, an OpenID).
    """

    def __init__(self, inner: OutputChannel, recipient: Text) -> None:
        self.inner = inner
        self.recipient = recipient
        self.count = 0
        self.signals: Dict[str, Any] = {}

    def name(self) -> Text:  # type: ignore[override]
        return self.inner.name()

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        custom = message.get("custom")
        if isinstance(custom, dict) and any(signal in custom for signal in SIGNALS):
            self.signals.update({k: v for k, v in custom.items() if k in SIGNALS})
            rest = {k: v for k, v in custom.items() if k not in SIGNALS}
            message = {k: v for k, v in message.items() if k != "custom"}
            if rest:
                message["custom"] = rest
            if not any(message.get(part) for part in ("text", "buttons", "image", "custom", "attachment")):
                return  # a signal and nothing to say
        self.count += 1
        await self.inner.send_response(self.recipient, message)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text, **kwargs})


async def admit(message: UserMessage, on_new_message: OnNewMessage) -> CountingOutput:
    """Clean, cap and mask the message, then let Rasa answer it in time; what was said and signalled."""
    output = CountingOutput(message.output_channel, message.sender_id)
    message.output_channel = output
    message.sender_id = conversation_id(message.input_channel or "rest", message.sender_id)
    if not await within_burst_limit(message.sender_id):
        await output.send_text_message(message.sender_id, reply("too_fast"))
        return output
    text = clean(message.text)
    if not text:
        await output.send_text_message(message.sender_id, reply("empty_message"))
        return output
    if len(text) > max_message_chars():
        text = text[:max_message_chars()]
        await output.send_text_message(message.sender_id, reply("message_cut", limit=max_message_chars()))
    masked = mask(text)
    if masked.kinds:
        await output.send_text_message(message.sender_id, reply("secret_warning"))
    message.metadata = dict(message.metadata or {})
    message.text, answered = await verification_step(message.sender_id, masked.text, message.metadata)
    if answered:
        await output.send_text_message(message.sender_id, answered)
        return output
    kept = await kept_for(message.sender_id)
    for text in kept:  # a reminder that came due, or a ticket resolved, since the last message
        await output.send_text_message(message.sender_id, text)
    if not kept:  # 1 / 满意 after a rating was offered (news said just now is not answered yet)
        message.text = await rated(message.sender_id, message.text) or message.text
    held = await held_case_line(message.sender_id, message.text)
    if held:
        await output.send_text_message(message.sender_id, held)
    await answer_in_time(on_new_message, message, output)
    return output


async def rated(conversation: str, text: str) -> Optional[str]:
    """The rating payload a typed rating becomes when one was offered (any message spends the offer)."""
    try:
        return await rating_offers().answer(conversation, text)
    except Exception:  # Redis down: the message goes on as typed
        logger.warning("rating offer not read", exc_info=True)
        return None


async def answer_in_time(on_new_message: OnNewMessage, message: UserMessage, output: CountingOutput) -> None:
    """Run Rasa on the message; apologise when it fails, says nothing, is not done in time, or
    when the conversation could not be read or the turn not saved (daozhang/unkept.py: Rasa
    answers then as if all were well, and the merchant is asked to send the message again)."""
    said_before = output.count
    unkept = watch_turn()
    work = asyncio.ensure_future(on_new_message(message))
    try:
        await asyncio.wait_for(asyncio.shield(work), timeout=reply_deadline())
    except asyncio.TimeoutError:
        logger.error("no reply within %ss for %s; still working on it", reply_deadline(), message.sender_id)
        work.add_done_callback(_log_late_failure)
        await output.send_text_message(message.sender_id, reply("fault_slow"))
        return
    except Exception:  # Redis refusing writes, a lock that cannot be taken, …
        logger.exception("message of %s could not be handled", message.sender_id)
    if unkept:
        logger.error("the turn of %s was not kept: %s", message.sender_id, unkept[0])
    if output.count == said_before or unkept:
        await output.send_text_message(message.sender_id, reply("fault_silent"))


def _log_late_failure(work: "asyncio.Future[Any]") -> None:
    if not work.cancelled() and work.exception() is not None:
        logger.error("a late message failed", exc_info=work.exception())
