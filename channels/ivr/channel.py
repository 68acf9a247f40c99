"""The hotline IVR: the call centre sends the caller's ASR transcript, we answer for the ear.

POST /webhooks/ivr/webhook with `Authorization: Bearer $IVR_TOKEN`:
request `{call_id, transcript, confidence, nbest?, dtmf?, caller?}`, response
`{messages: [{text, ssml}], action: continue | transfer | hangup, transfer?: {queue, ticket}}`.
- `call_id` is the conversation (`ivr:<call_id>`); the calling number is only
  ever stored masked.
- A transcript the recogniser was unsure of is not guessed at: the best
  `nbest` hypothesis above the threshold is taken, else the caller is asked to
  say it again (the words never reach the NLU); after two unclear turns the
  keypad is offered.
- Keypad: digits answer what is being asked (a merchant id, the check), a
  single key picks one of the choices just offered (解决了请按1), `*` repeats
  the last answer, `0` asks for a person.
- A handover ends with `transfer`, the queue and the ticket, so the agent
  takes the call with the case attached; a goodbye (再见, 拜拜) ends with `hangup`.
"""
from __future__ import annotations

import logging
import os
import re
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from channels.auth import bearer_refusal
from channels.body_limit import cap_request_bodies
from channels.door import admit
from channels.ivr.call import CallMemory, IvrTurn
from channels.json_body import BadRequest
from channels.verification_step import news_of_earlier_calls, note_caller
from daozhang.conversation import CLOSING, HANDOFF, conversation_id
from daozhang.masking import mask_phone
from daozhang.resources import load_yaml, reply
from daozhang.speech import for_the_ear, ssml
from daozhang.wiring import shared_redis

logger = logging.getLogger(__name__)

REQUEST_HUMAN = "/request_human"


class IvrInput(InputChannel):
    """The call centre's webhook; served only when IVR_TOKEN is set."""

    @classmethod
    def name(cls) -> Text:
        return "ivr"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "IvrInput":
        settings = load_yaml("hotline.yml")
        return cls(token=os.environ.get("IVR_TOKEN") or None,
                   min_confidence=float(os.environ.get("IVR_MIN_CONFIDENCE") or settings["min_confidence"]))

    def __init__(self, token: Optional[str], min_confidence: float) -> None:
        self.token = token
        self.min_confidence = min_confidence
        self.settings = load_yaml("hotline.yml")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hotline = Blueprint("ivr_webhook", __name__)

        @hotline.route("/", methods=["GET"])
        async def health(_: Request) -> response.HTTPResponse:
            return response.json({"status": "ok" if self.token else "off: IVR_TOKEN is not set"})

        if not self.token:
            logger.warning("IVR_TOKEN is not set: the hotline channel /webhooks/ivr/webhook is not served")
            return cap_request_bodies(hotline)

        @hotline.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> response.HTTPResponse:
            refused = bearer_refusal(request, self.token, "IVR_TOKEN")
            if refused:
                return refused
            try:
                turn = IvrTurn.from_body(request.body or b"")
            except BadRequest as error:
                return response.json({"error": str(error)}, status=400)
            memory = CallMemory(shared_redis("state"), turn.call_id, int(self.settings["call_state_ttl_seconds"]))
            return response.json(await self._answer(turn, memory, on_new_message))

        return cap_request_bodies(hotline)

    async def _answer(self, turn: IvrTurn, memory: CallMemory,
                      on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Dict[str, Any]:
        keypad = self.settings["keypad"]
        keys = turn.dtmf.rstrip("#")
        if keys == keypad["repeat"]:
            return await memory.last_answer() or spoken([reply("ivr_nothing_to_repeat")])
        if keys == keypad["person"]:
            text = REQUEST_HUMAN
        elif keys:  # a key press picks a choice just offered; other digits answer what was asked
            text = (len(keys) == 1 and await memory.choice(keys)) or keys.replace("*", "")
        else:
            text = turn.heard(self.min_confidence)
        if not text:
            unclear = await memory.unclear_turn()
            lines = [reply("ivr_say_again")]
            if unclear >= int(self.settings["unclear_turns_before_keypad"]):
                lines.append(reply("ivr_keypad_offer"))
            return spoken(lines)
        await memory.clear_turn()
        answer, choices = await self._bot_turn(turn, text, on_new_message)
        await memory.remember_answer(answer, choices)
        return answer

    async def _bot_turn(self, turn: IvrTurn, text: str,
                        on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Tuple[Dict[str, Any], List[str]]:
        """The answer for the ear, and the payloads of the choices it offers on the keypad."""
        collector = CollectingOutputChannel()
        metadata = {"caller": mask_phone(turn.caller)} if turn.caller else {}
        if turn.caller:  # calling from the registered phone verifies the merchant; news of an
            # earlier call from the number (a resolved ticket) is said in this one
            await note_caller(conversation_id(self.name(), turn.call_id), turn.caller)
            await news_of_earlier_calls(conversation_id(self.name(), turn.call_id), turn.caller)
        said = await admit(UserMessage(text, collector, turn.call_id, input_channel=self.name(), metadata=metadata),
                           on_new_message)
        lines = [m["text"] for m in collector.messages if m.get("text")]
        buttons = next((m["buttons"] for m in reversed(collector.messages) if m.get("buttons")), [])
        if buttons:
            lines.append(keypad_choices(buttons))
        handoff = said.signals.get(HANDOFF)
        if handoff:
            queues = self.settings["queues"]
            answer = spoken(lines + [reply("ivr_transfer")])  # the call goes to a person now, not a callback
            answer["action"] = "transfer"
            answer["transfer"] = {"queue": queues.get(handoff.get("priority"), queues["normal"]),
                                  "ticket": handoff.get("ticket")}
        elif said.signals.get(CLOSING) or any(word in text for word in self.settings["goodbye_words"]):
            answer = spoken(closing(lines))
            answer["action"] = "hangup"
        else:
            answer = spoken(lines)
        return answer, [b.get("payload") or b.get("title") for b in buttons]


def keypad_choices(buttons: List[Dict[str, Any]]) -> str:
    """解决了请按1，还没有请按2."""
    titles = [str(b.get("title") or "") for b in buttons]
    return reply("ivr_keys", keys="，".join(f"{title}请按{n}" for n, title in enumerate(titles, start=1)))


def closing(lines: List[str]) -> List[str]:
    """The last words of a call: no question left hanging (还有别的问题吗？), then goodbye."""
    said = [re.sub(r"[^。！？!?]*[？?]\s*$", "", line).strip() for line in lines]
    return [line for line in said if line] + [reply("ivr_goodbye")]


def spoken(lines: List[str]) -> Dict[str, Any]:
    """The reply in the IVR's shape, every line made for the ear."""
    messages = []
    for line in lines:
        words = for_the_ear(line)
        if words:
            messages.append({"text": words, "ssml": ssml(words)})
    return {"messages": messages, "action": "continue"}
