"""The WeChat official account (公众号) channel: /webhooks/wechat/webhook, behind our door.

WeChat's servers verify the URL with a signed GET (`echostr` is echoed back)
and post each follower message as XML, in plain or AES safe mode
(`encrypt_type=aes`). The signature is checked before anything else: a bad one,
one made more than five minutes from our clock, or a nonce already seen with
another body (`channels.wechat.replay`) gets 403, unreadable XML 400, and the
bot sees nothing. Text and recognised
voice go through `channels.door.admit`; a subscribe gets the welcome; other
message types get one line on what we understand; other events just `success`.

WeChat waits 5 s for a reply and then posts the same MsgId again (three times
at most). An answer ready within WECHAT_PASSIVE_SECONDS is the passive reply;
otherwise `success` goes back at once and the answer follows through the
customer-service API. `channels.wechat.once` makes sure each message is
processed once and answered once, whatever the retries; `channels.wechat.choices`
reads a bare digit as the numbered choice it picks. What the customer-service
API could not deliver (`channels.wechat.api`) goes out first when the follower
next writes.

Configuration (environment, read here, never `${VAR}` in credentials.yml):
WECHAT_TOKEN, WECHAT_APP_ID, WECHAT_APP_SECRET (all three, or the channel is
not served), WECHAT_AES_KEY (safe mode; unset: plain only), WECHAT_API_BASE,
WECHAT_PASSIVE_SECONDS.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set, Text
from xml.parsers.expat import ExpatError

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.events import SubscribeEvent, SubscribeScanEvent
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.messages import BaseMessage, TextMessage, UnknownMessage, VoiceMessage
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from channels.body_limit import cap_request_bodies
from channels.door import admit
from channels.reminders import reach_live
from channels.wechat.api import CustomerService, KeptMessages, SharedAccessToken
from channels.wechat.choices import NumberedChoices
from channels.wechat.once import AnswerOnce
from channels.wechat.output import WeChatOutput
from channels.wechat.replay import ReplayGuard
from channels.wechat.text import split_utf8
from daozhang.resources import reply
from daozhang.wiring import shared_redis

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
REQUIRED = ("WECHAT_TOKEN", "WECHAT_APP_ID", "WECHAT_APP_SECRET")
UNREADABLE = (ExpatError, KeyError, TypeError, ValueError, AttributeError)  # not a WeChat message
_RUNNING: Set["asyncio.Future[Any]"] = set()  # background deliveries, kept from the garbage collector


@dataclass(frozen=True)
class WeChatSettings:
    token: str
    app_id: str
    app_secret: str
    aes_key: Optional[str]
    api_base: str
    passive_seconds: float

    @classmethod
    def from_env(cls) -> Optional["WeChatSettings"]:
        """The settings, or None (with one warning) when the account's secrets are not all set."""
        missing = [name for name in REQUIRED if not os.environ.get(name)]
        if missing:
            logger.warning("WeChat channel not served (/webhooks/wechat/webhook): %s not set", ", ".join(missing))
            return None
        aes_key = os.environ.get("WECHAT_AES_KEY") or None
        if aes_key and len(aes_key) != 43:
            raise ValueError("WECHAT_AES_KEY must be the account's 43-character EncodingAESKey")
        return cls(token=os.environ["WECHAT_TOKEN"], app_id=os.environ["WECHAT_APP_ID"],
                   app_secret=os.environ["WECHAT_APP_SECRET"], aes_key=aes_key,
                   api_base=(os.environ.get("WECHAT_API_BASE") or "https://api.weixin.qq.com").rstrip("/"),
                   passive_seconds=float(os.environ.get("WECHAT_PASSIVE_SECONDS") or 4))


class WeChatInput(InputChannel):
    """Follower messages of the official account, answered passively or by the customer-service API."""

    def __init__(self, settings: Optional[WeChatSettings]) -> None:
        self.settings = settings

    @classmethod
    def name(cls) -> Text:
        return "wechat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WeChatInput":
        return cls(WeChatSettings.from_env())

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        blueprint = Blueprint("wechat_webhook", __name__)
        if self.settings is None:
            return cap_request_bodies(blueprint)
        account = OfficialAccount(self.settings, on_new_message)

        @blueprint.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> response.HTTPResponse:
            if not account.signed(request):
                return response.text("bad signature", status=403)
            return response.text(request.args.get("echostr", ""))

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> response.HTTPResponse:
            return await account.receive(request)

        return cap_request_bodies(blueprint)


class OfficialAccount:
    """One official account's webhook: checks, then the answer to each message."""

    def __init__(self, settings: WeChatSettings, on_new_message: OnNewMessage) -> None:
        self.settings = settings
        self.on_new_message = on_new_message
        self.crypto = WeChatCrypto(settings.token, settings.aes_key, settings.app_id) if settings.aes_key else None
        redis = shared_redis("wechat")
        self.once = AnswerOnce(redis)
        self.choices = NumberedChoices(redis)
        self.replays = ReplayGuard(redis)
        self.api = CustomerService(settings.api_base, SharedAccessToken(
            settings.api_base, settings.app_id, settings.app_secret, redis), KeptMessages(redis))
        reach_live(WeChatInput.name(), self._tell)

    async def _tell(self, openid: str, text: str) -> bool:
        """A reminder through the customer-service API (outside WeChat's 48 hours it is kept for the
        follower's next message)."""
        await self.api.send_text(openid, text)
        return True

    def signed(self, request: Request) -> bool:
        """Signed with the account's token, within five minutes of our clock."""
        args = [request.args.get(name) for name in ("signature", "timestamp", "nonce")]
        if not all(args) or not self.replays.fresh(request.args.get("timestamp")):
            return False
        try:
            check_signature(self.settings.token, *args)
        except InvalidSignatureException:
            return False
        return True

    async def receive(self, request: Request) -> response.HTTPResponse:
        if not self.signed(request):
            return response.text("bad or stale signature", status=403)
        encrypted = request.args.get("encrypt_type") == "aes"
        try:
            xml = self._decrypted(request) if encrypted else request.body
            message = parse_message(xml)
            if message is None:
                raise ValueError("empty body")
        except (InvalidSignatureException, InvalidAppIdException):
            return response.text("bad msg_signature", status=403)
        except UNREADABLE:
            return response.text("not a WeChat message", status=400)
        # Only a message we could read counts for its nonce: a damaged first delivery must not
        # use up the nonce of WeChat's genuine retry. The message, not its bytes, is compared.
        content = json.dumps(message._data, sort_keys=True, ensure_ascii=False, default=str).encode()
        if not await self.replays.first_use(request.args.get("nonce"), request.args.get("timestamp"), content):
            return response.text("replayed nonce", status=403)
        said = await self._answer(message)
        if not said:
            return response.text("success")
        xml = TextReply(message=message, content=said).render()
        if encrypted:
            xml = self.crypto.encrypt_message(xml, request.args.get("nonce"), request.args.get("timestamp"))
        return response.text(xml, content_type="application/xml; charset=utf-8")

    def _decrypted(self, request: Request) -> str:
        if self.crypto is None:
            raise ValueError("safe mode message, but WECHAT_AES_KEY is not set")
        return self.crypto.decrypt_message(request.body, request.args.get("msg_signature") or "",
                                           request.args.get("timestamp"), request.args.get("nonce"))

    async def _answer(self, message: BaseMessage) -> Optional[str]:
        """The passive reply's text; None for a bare `success`."""
        text = message.content if isinstance(message, TextMessage) else (
            message.recognition if isinstance(message, VoiceMessage) else None)
        if (text or "").strip() or isinstance(message, TextMessage):
            return await self._turn(message, text or "")
        if message.source:  # the follower is back: what could not reach them before goes out now
            _in_background(self.api.deliver_kept(message.source))
        if isinstance(message, VoiceMessage):
            return reply("wechat_voice_unclear")
        if isinstance(message, (SubscribeEvent, SubscribeScanEvent)):
            return reply("wechat_welcome")
        if message.type == "event" or _unknown_event(message):
            return None  # unsubscribe, menu clicks, location reports …: nothing to say
        return reply("wechat_unsupported")

    async def _turn(self, message: BaseMessage, text: str) -> Optional[str]:
        """The bot's answer if ready in the passive window, once per MsgId; else None (API later)."""
        openid = message.source
        msg_id = f"{openid}:{message.id or message.time}"
        if not await self.once.first_time(msg_id):  # WeChat's retry
            answer = await self.once.answer_within(msg_id, self.settings.passive_seconds)
            if answer is not None and await self.once.claim_answer(msg_id, "passive"):
                return self._passive(openid, answer)
            return None
        output = WeChatOutput(self.api, openid)
        turn = asyncio.ensure_future(self._run(msg_id, output, openid, text))
        try:
            done, _ = await asyncio.wait({turn}, timeout=self.settings.passive_seconds)
        except asyncio.CancelledError:  # WeChat hung up: the answer still goes out by the API
            _in_background(self._deliver_later(msg_id, output, turn))
            raise
        if not done:
            _in_background(self._deliver_later(msg_id, output, turn))
            return None
        if await self.once.claim_answer(msg_id, "passive"):
            pieces = split_utf8(turn.result())
            output.release(pieces[1:])
            return pieces[0] if pieces else None
        output.release()
        return None

    def _passive(self, openid: str, answer: str) -> Optional[str]:
        """The first 2,048 bytes for the passive reply; the rest goes by the API."""
        pieces = split_utf8(answer)
        if len(pieces) > 1:
            _in_background(self.api.send_pieces(openid, pieces[1:]))
        return pieces[0] if pieces else None

    async def _run(self, msg_id: str, output: WeChatOutput, openid: str, text: str) -> str:
        text = await self.choices.picked(openid, text) or text  # "1" after "回复数字：1. 解决了 …"
        kept = await self.api.kept.take(openid)  # what WeChat would not take before: it goes first
        try:
            await admit(UserMessage(text, output, openid, input_channel=WeChatInput.name()), self.on_new_message)
        finally:
            await self.choices.remember(openid, output.collected)
            answer = output.take()
        if kept:
            answer = "\n\n".join([reply("wechat_kept_intro"), *kept, reply("wechat_kept_outro"), answer])
        await self.once.keep_answer(msg_id, answer)  # for a retry, in any process
        return answer

    async def _deliver_later(self, msg_id: str, output: WeChatOutput, turn: "asyncio.Future[str]") -> None:
        first: List[str] = []
        try:
            answer = await turn
            if await self.once.claim_answer(msg_id, "api"):
                first = [answer]
        finally:
            output.release(first)


def _unknown_event(message: BaseMessage) -> bool:
    """An event wechatpy has no class for (it parses those as UnknownMessage)."""
    return isinstance(message, UnknownMessage) and message._data.get("MsgType") == "event"


def _in_background(work: Awaitable[Any]) -> None:
    task = asyncio.ensure_future(work)
    _RUNNING.add(task)
    task.add_done_callback(_finished)


def _finished(task: "asyncio.Future[Any]") -> None:
    _RUNNING.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logger.error("WeChat delivery failed", exc_info=task.exception())
