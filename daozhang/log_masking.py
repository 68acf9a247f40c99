"""Whatever reaches a log is masked too.

The channels mask a message at the door, before Rasa sees it; this is the net
under that: any log record (ours, Rasa's, sanic's, at any level) has its card
numbers, passwords and codes masked when it is created, and so do the
structured events Rasa logs through structlog before they are rendered as JSON
(where 密码 would already be an escape sequence). A stack trace is rendered and
masked with its record: the exception's message may quote what the merchant said.
"""
from __future__ import annotations

import json
import logging
import re
from typing import Any, Callable, Dict

from daozhang.masking import mask_text, mask_values

_INSTALLED = "_daozhang_masking"
_TRACEBACK = logging.Formatter()


_ESCAPED = re.compile(r"(?:\\u[0-9a-fA-F]{4})+")


def _written_out(escapes: "re.Match[str]") -> str:
    decoded = json.loads(f'"{escapes.group(0)}"')  # joins surrogate pairs
    return "".join(ch if ord(ch) >= 0x80 and not 0xD800 <= ord(ch) <= 0xDFFF else f"\\u{ord(ch):04x}"
                   for ch in decoded)  # ASCII and lone surrogates stay escaped


def _unescaped(message: str) -> str:
    """JSON's \\u escapes of non-ASCII characters written out: 密码 must be seen to be masked, and
    the digits after an escape (\\u53f7898310…) must not look like a card number."""
    return _ESCAPED.sub(_written_out, message)


def _masked_message(message: str) -> str:
    """The message masked; never an exception, which would break the turn that logs it."""
    try:
        return mask_text(_unescaped(message) if "\\u" in message else message)
    except Exception:  # a message masking cannot read: keep no digits at all rather than risk one
        return re.sub(r"\d", "*", message)


def _masking_factory(previous: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a record whose arguments do not fit its format: logging reports it
            return record
        masked = _masked_message(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:  # formatters print this cached text, not the exception
            record.exc_text = _masked_message(_TRACEBACK.formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = _masked_message(record.stack_info)
        return record

    setattr(factory, _INSTALLED, True)
    return factory


def mask_structlog_event(_logger: Any, _method: str, event: Dict[str, Any]) -> Dict[str, Any]:
    """A structlog processor: every string in the event, masked."""
    return mask_values(event)


def install() -> None:
    """Mask every log record of this process from now on (safe to call more than once)."""
    if not getattr(logging.getLogRecordFactory(), _INSTALLED, False):
        logging.setLogRecordFactory(_masking_factory(logging.getLogRecordFactory()))
    try:
        import structlog
    except ImportError:  # pragma: no cover - Rasa always brings it
        return
    processors = list(structlog.get_config().get("processors", []))
    if mask_structlog_event not in processors:
        structlog.configure(processors=[mask_structlog_event, *processors])
