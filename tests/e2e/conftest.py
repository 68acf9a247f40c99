import pytest

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
