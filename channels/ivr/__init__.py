"""The hotline IVR channel (credentials.yml: `channels.ivr.IvrInput`): `channel` answers a call's
turn for the ear, `call` reads the request and keeps the call's memory."""
from channels.ivr.channel import IvrInput

__all__ = ["IvrInput"]
