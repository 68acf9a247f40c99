"""The door's part of merchant verification (the rules are in daozhang.verification).

When the bot has asked this conversation for the check, the four digits of the
answer are checked here and masked before Rasa sees the message: the tracker,
logs and tickets only ever hold `****`, and the result travels to the actions
in the message's metadata (`verification`). A check given unasked with the
merchant id (商户号… 结算卡尾号5566 …) is masked too and spares the question
when it is right. "解绑" forgets a binding.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, Optional, Tuple

from daozhang.conversation import VERIFICATION
from daozhang.merchant_id import find_in
from daozhang.resources import reply
from daozhang.verification import (
    answer_digits,
    is_unbind_request,
    mask_answer,
    offered_check,
    verification_required,
)
from daozhang.wiring import outbox, verifier

logger = logging.getLogger(__name__)



async def verification_step(conversation: str, text: str,
                            metadata: Dict[str, Any]) -> Tuple[str, Optional[str]]:
    """(the text to pass on, or a reply that answers the message at the door)."""
    try:
        if is_unbind_request(text):
            unbound = await verifier().unbind(conversation)
            return text, reply("unbound" if unbound else "nothing_bound")
        if not verification_required(verifier().adapter):
            return text, None
        offered = offered_check(text)
        if await verifier().pending(conversation):
            bare = answer_digits(text)
            if bare is None and offered is None:
                return text, None  # not an answer ("1200那笔呢"): not counted, the question comes again
            result = await verifier().answer(conversation, bare or offered[0])
            metadata[VERIFICATION] = {"result": result.result, "remaining": result.remaining}
            return (mask_answer(text) if bare else offered[1]), None
        if offered:
            merchant_id = find_in(text)
            if merchant_id:
                await verifier().offer(conversation, merchant_id, offered[0])
            return offered[1], None
    except Exception:  # Redis down: the message goes on; the actions ask again later
        logger.warning("verification step skipped", exc_info=True)
    return text, None


async def note_caller(conversation: str, number: str) -> None:
    """The hotline's calling number, kept only as a fingerprint for the check."""
    try:
        await verifier().note_caller(conversation, number)
    except Exception:  # Redis down: the caller is asked the check instead
        logger.warning("caller not noted", exc_info=True)


async def news_of_earlier_calls(conversation: str, number: str) -> None:
    """What was kept for an earlier call from this number is said in this call."""
    try:
        await outbox().follow(await verifier().fingerprint(number), conversation)
    except Exception:  # Redis down: it stays kept for a later call
        logger.warning("news of earlier calls not read", exc_info=True)
