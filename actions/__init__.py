"""Custom actions of 到账助手 (rasa-sdk), one module per concern.

Importing them masks the action server's logs, keeps the action server
(which has no authentication of its own) on loopback unless ACTION_HOST says
otherwise (rasa-sdk reads SANIC_HOST after it has imported this package), and
builds the backends DZ_ADAPTER names: a wrong list, a missing setting or an
unreadable key stops the action server at start with the reason, instead of
failing every merchant's lookup later.
"""
import os

from daozhang import log_masking, wiring

log_masking.install()
os.environ.setdefault("SANIC_HOST", os.environ.get("ACTION_HOST") or "127.0.0.1")
wiring.adapter()
