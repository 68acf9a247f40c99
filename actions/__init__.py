"""Custom actions of 到账助手 (rasa-sdk), one module per concern.

Importing them masks the action server's logs, and keeps the action server
(which has no authentication of its own) on loopback unless ACTION_HOST says
otherwise: rasa-sdk reads SANIC_HOST after it has imported this package.
"""
import os

from daozhang import log_masking

log_masking.install()
os.environ.setdefault("SANIC_HOST", os.environ.get("ACTION_HOST") or "127.0.0.1")
