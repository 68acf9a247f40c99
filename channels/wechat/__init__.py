"""The WeChat official account channel (credentials.yml: `channels.wechat.WeChatInput`).

`channel` takes the webhook and answers each message; `replay` and `once`
refuse replays and answer WeChat's retries once; `output`, `text` and
`choices` turn the bot's turn into WeChat text with numbered choices; `api`
sends what the passive reply could not carry.
"""
from channels.wechat.channel import WeChatInput

__all__ = ["WeChatInput"]
