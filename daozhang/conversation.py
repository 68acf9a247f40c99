"""What the channels and the bot agree on; both sides import it, neither spells it out again.

- A conversation id is `<channel>:<sender>` (`wechat:oAbc…`, `ivr:<call id>`): two
  channels never share a conversation, and the core can tell where one happens.
- The door attaches to a merchant's message the result of the check it made
  (`VERIFICATION`), and an authenticated integration the merchant it vouches
  for (`VERIFIED_MERCHANT_ID`).
- The bot tells the channel what its answer means beyond the words, in the
  message's custom payload: the case was handed to a person (`HANDOFF`: ticket
  and priority), or the merchant said goodbye (`CLOSING`). The door takes these
  signals off the message, so a merchant never sees them.
"""
from __future__ import annotations

VERIFICATION = "verification"
VERIFIED_MERCHANT_ID = "verified_merchant_id"
HANDOFF = "handoff"
CLOSING = "closing"
SIGNALS = (HANDOFF, CLOSING)


def conversation_id(channel: str, sender: str) -> str:
    """The conversation a channel's sender talks in: `<channel>:<sender>`."""
    prefix = f"{channel}:"
    return sender if sender.startswith(prefix) else prefix + sender


def channel_of(conversation: str) -> str:
    """The channel of a conversation id (`wechat` of `wechat:oAbc…`)."""
    return conversation.split(":", 1)[0]
