from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from channels import web_widget
from tests.support.console import Console
from tests.support.fake_wechat_api import FakeWeChatApi
from tests.support.stack import CHANNEL_SECRETS, Stack
from tests.support.wechat_peer import APP_ID, APP_SECRET, account_settings


@pytest.fixture(scope="session")
def wechat_api():
    """A local stand-in for WeChat's API, for the shared stack's official account."""
    fake = FakeWeChatApi(APP_ID, APP_SECRET).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def stack(tmp_path_factory, wechat_api):
    """The shared stack: every channel served (REST, WeChat, hotline, web widget)."""
    running = Stack(tmp_path_factory.mktemp("stack"), **CHANNEL_SECRETS,
                    **account_settings(wechat_api.url, passive_seconds=4)).start()
    yield running
    running.stop()


AGENT_PASSWORD = "console-test-1"


@pytest.fixture(scope="session")
def console(stack):
    """The agent console beside the shared stack, with three agents (王芳 a supervisor)."""
    running = Console(stack).start()
    for name, options in (("li", ["--display-name", "李娜"]), ("wang", ["--display-name", "王芳", "--supervisor"]),
                          ("zhao", ["--display-name", "赵强"])):
        made = running.add_agent(name, AGENT_PASSWORD, *options)
        assert made.returncode == 0, made.stderr
    yield running
    running.stop()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright (no downloaded browser), for the chat page."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium-installed`")
    if not (web_widget.PAGE_DIR / "index.html").exists():
        pytest.fail("the chat page is not built: run `make web`")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
