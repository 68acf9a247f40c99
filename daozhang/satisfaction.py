"""The merchant's rating of a settled problem: offered once, in one tap, digit or word, never pressed.

A rating is offered after a contained explanation the merchant called solved, and with the news
that an agent resolved their ticket. The offer waits in Redis; the merchant's next message, when
it is a rating (1 / 满意, 2 / 一般, 3 / 不满意), reaches Rasa as the payload the offer's buttons
carry, so the rating is an event of the conversation like any other (daozhang.containment).
"""
from __future__ import annotations

import json
import re
from typing import Dict, List, Optional

import redis.asyncio as aioredis

from daozhang.lexicon import listens_for
from daozhang.resources import wording
from daozhang.text.normalise import to_simplified

RATINGS = ("satisfied", "neutral", "unsatisfied")
CONTAINED, HANDED_OVER = "contained", "handed_over"
OFFER_SECONDS = 3 * 24 * 3600
_FILLER = re.compile(r"[\s,.!?，。！？~～、…:：;；]+|吧|啊|呀|的$|了$|哈")


def rating_in(text: str) -> Optional[str]:
    """The rating a short answer gives (1 / 满意 → satisfied), None for anything else."""
    plain = _FILLER.sub("", to_simplified(text or "")).translate(str.maketrans("１２３", "123"))
    if not plain or len(plain) > 6:
        return None
    for rating in RATINGS:
        if plain in listens_for(f"rating_{rating}"):
            return rating
    return None


def rating_payload(rating: str, case: str) -> str:
    """The message a rating reaches Rasa as (a button's payload, or a typed rating turned into it)."""
    return "/thank" + json.dumps({"rating": rating, "rated_case": case}, separators=(",", ":"))


def rating_buttons(case: str) -> List[Dict[str, str]]:
    titles = wording("rating_buttons")
    return [{"title": titles[rating], "payload": rating_payload(rating, case)} for rating in RATINGS]


def is_rating_payload(text: str) -> bool:
    return (text or "").startswith('/thank{"rating"')


class RatingOffers:
    """Ratings offered and not yet given, one per conversation (the newest offer holds)."""

    def __init__(self, client: aioredis.Redis, prefix: str = "daozhang") -> None:
        self.redis = client
        self.prefix = prefix

    def _key(self, conversation: str) -> str:
        return f"{self.prefix}:rating_offer:{conversation}"

    async def offer(self, conversation: str, case: str) -> None:
        await self.redis.set(self._key(conversation), case, ex=OFFER_SECONDS)

    async def answer(self, conversation: str, text: str) -> Optional[str]:
        """The payload a typed rating becomes when one was offered. Any message spends the offer:
        a rating (typed or tapped) answers it, anything else lets it lapse."""
        case = await self.redis.getdel(self._key(conversation))
        rating = rating_in(text) if case and not is_rating_payload(text) else None
        return rating_payload(rating, case) if rating else None
