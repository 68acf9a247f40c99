"""Rasa's REST channel, with secrets masked at the door.

A card number, password or SMS code a merchant sends is masked before Rasa
sees the message, so it reaches no tracker, log, ticket or model; the merchant
is warned in the same reply. Same URL as Rasa's REST channel:
POST /webhooks/rest/webhook {"sender": "...", "message": "..."}.
"""
from __future__ import annotations

from typing import Awaitable, Callable, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint

from daozhang.masking import WARNING, mask


class MaskingRestInput(RestInput):
    """REST input that masks card numbers, passwords and codes and warns about them."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        async def masked(message: UserMessage) -> None:
            result = mask(message.text or "")
            if result.kinds:
                message.text = result.text
                await message.output_channel.send_text_message(message.sender_id, WARNING)
            await on_new_message(message)

        return super().blueprint(masked)
