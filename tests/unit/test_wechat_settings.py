"""Without the official account's secrets the WeChat channel serves nothing, and says so once."""
import logging
import uuid

from sanic import Sanic

from channels.wechat import WeChatInput

SECRETS = ("WECHAT_TOKEN", "WECHAT_APP_ID", "WECHAT_APP_SECRET")


def served_paths(channel):
    app = Sanic(f"wechat_{uuid.uuid4().hex[:8]}")
    app.blueprint(channel.blueprint(None), url_prefix="/webhooks/wechat")
    return sorted({"/" + route.path for route in app.router.routes})


def test_a_channel_without_its_secrets_is_not_served_and_one_warning_says_so(monkeypatch, caplog):
    for name in SECRETS:
        monkeypatch.setenv(name, "set")
    monkeypatch.delenv("WECHAT_APP_SECRET")
    with caplog.at_level(logging.WARNING):
        channel = WeChatInput.from_credentials(None)
        assert served_paths(channel) == []
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "WECHAT_APP_SECRET" in warnings[0] and "not served" in warnings[0]


def test_a_channel_with_its_secrets_is_served_at_its_webhook(monkeypatch):
    for name in SECRETS:
        monkeypatch.setenv(name, "set")
    monkeypatch.delenv("WECHAT_AES_KEY", raising=False)
    assert served_paths(WeChatInput.from_credentials(None)) == ["/webhooks/wechat/webhook"]
