"""A failure an action or a channel catches is seen: logged with its stack trace, or raised on.

The merchant gets an apology or a fallback; whoever runs the servers must be
able to find out why. Only the peer's own malformed input (a bad signature,
unreadable XML or JSON, an amount that is no number) is answered without a
stack trace: that is no failure of ours.
"""
import ast
import asyncio
import logging
from pathlib import Path

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.safe_action import SafeAction
from daozhang import log_masking
from daozhang.resources import reply

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*ROOT.glob("actions/**/*.py"), *ROOT.glob("channels/**/*.py")])
# What a peer sends wrong; caught to answer it (400, 403) or to read the value as missing.
PEER_INPUT = {"InvalidSignatureException", "InvalidAppIdException", "UNREADABLE", "BadRequest", "RecursionError",
              "InvalidOperation", "UnicodeDecodeError", "ValueError"}
LOGGING = {"exception", "error", "warning", "critical", "info", "debug"}
# A deadline that passed has no stack trace worth reading: a log line says which and when.
DEADLINE = {"TimeoutError"}


def _names(node):
    if node is None:
        return {"<bare>"}
    if isinstance(node, ast.Tuple):
        return set().union(*(_names(element) for element in node.elts))
    return {node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "?")}


def _seen(handler: ast.ExceptHandler) -> bool:
    deadline = _names(handler.type) <= DEADLINE
    for node in ast.walk(handler):
        if isinstance(node, ast.Raise):
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in LOGGING:
            if deadline or node.func.attr == "exception" or any(k.arg == "exc_info" for k in node.keywords):
                return True
    return False


def _handlers():
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ExceptHandler):
                yield f"{path.relative_to(ROOT)}:{node.lineno}", node


def test_the_rule_finds_handlers():
    assert len(list(_handlers())) > 20


@pytest.mark.parametrize("where, handler", list(_handlers()), ids=[w for w, _ in _handlers()])
def test_every_caught_failure_is_logged_with_its_stack_trace(where, handler):
    if _names(handler.type) <= PEER_INPUT:
        return
    assert _seen(handler), f"{where} catches {sorted(_names(handler.type))} without a stack trace in the log"


class _Failing(SafeAction):
    def name(self):
        return "action_failing"

    async def act(self, dispatcher, tracker, domain):
        raise RuntimeError("backend said 卡号6222021234567894")


def test_a_failing_action_apologises_and_logs_why(caplog):
    log_masking.install()
    dispatcher = CollectingDispatcher()
    with caplog.at_level(logging.ERROR):
        events = asyncio.run(_Failing().run(dispatcher, None, {}))
    assert events == [] and dispatcher.messages[0]["text"] == reply("apology")
    assert "action action_failing failed" in caplog.text and "Traceback" in caplog.text
    assert "RuntimeError" in caplog.text and "6222021234567894" not in caplog.text
