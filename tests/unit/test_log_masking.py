"""A secret that slips past the door is still masked in every log."""
import json
import logging

import structlog

from daozhang import log_masking


def test_log_records_of_any_logger_are_masked(caplog):
    log_masking.install()
    log_masking.install()  # twice is harmless
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("rasa.core.channels.rest").error("failed on %r", "卡号6222021234567894 密码是 1 2 3 4 5 6")
        logging.getLogger("sanic.root").debug("取款PIN 246810")
    logged = caplog.text
    assert "6222021234567894" not in logged and "1 2 3 4 5 6" not in logged and "246810" not in logged
    assert "************7894" in logged


def test_structured_events_are_masked_before_they_are_rendered():
    log_masking.install()
    rendered = structlog.processors.JSONRenderer()(
        None, "error", log_masking.mask_structlog_event(None, "error", {"text": "支付口令 654321", "n": 3}))
    assert json.loads(rendered) == {"text": "支付口令 ******", "n": 3}


def test_json_escapes_are_read_before_masking(caplog):
    log_masking.install()
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("rasa.core.processor").debug('{"text": "\\u5546\\u6237\\u53f7898310000000003 '
                                                       '\\u5bc6\\u7801\\u662f654321"}')
    assert "商户号898310000000003" in caplog.text  # not taken for a card number after the escape
    assert "654321" not in caplog.text and "密码是******" in caplog.text


def test_emoji_and_broken_escapes_never_break_the_turn_that_logs_them(caplog):
    log_masking.install()
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("rasa.core.processor").debug('{"text": "\\ud83d\\ude00 \\ud800 \\u5bc6\\u7801\\u662f654321"}')
        logging.getLogger("rasa.core.processor").debug("lone %s 密码是654321", "\ud800")
    assert "😀" in caplog.text and "654321" not in caplog.text


def test_a_stack_trace_is_logged_and_masked_too(caplog):
    log_masking.install()
    with caplog.at_level(logging.DEBUG):
        try:
            raise ValueError("cannot read 卡号6222021234567894 密码是654321")
        except ValueError:
            logging.getLogger("actions.safe_action").exception("action %s failed", "action_conclude_case")
    logged = caplog.text
    assert "Traceback (most recent call last)" in logged and "ValueError" in logged
    assert "6222021234567894" not in logged and "654321" not in logged and "************7894" in logged
