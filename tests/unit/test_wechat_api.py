"""The customer-service API client: one access token for every process, fetched again only when refused.

Real Redis (the test session's own) and the local fake WeChat API; two clients
stand for two `rasa run` processes.
"""
import asyncio
import uuid

import pytest
from redis.asyncio import Redis

from channels.wechat_api import CustomerService, SharedAccessToken
from daozhang.redis_config import redis_settings
from tests.fake_wechat_api import FakeWeChatApi

APP_ID, SECRET = "wx0123456789abcdef", "app-secret"


@pytest.fixture
def fake_api():
    fake = FakeWeChatApi(APP_ID, SECRET).start()
    yield fake
    fake.stop()


def two_processes(fake_api):
    """The clients two processes of a fresh account (no token in Redis yet) would have."""
    fake_api.app_id = f"wx{uuid.uuid4().hex[:16]}"
    return [CustomerService(fake_api.url, SharedAccessToken(fake_api.url, fake_api.app_id, SECRET,
                                                            Redis(**redis_settings())))
            for _ in range(2)]


def test_every_process_uses_the_one_token_fetched(fake_api):
    async def scenario():
        first, second = two_processes(fake_api)
        await asyncio.gather(first.send_text("o-1", "您好"), second.send_text("o-2", "您好"))
        await second.send_text("o-1", "再见")

    asyncio.run(scenario())
    assert fake_api.token_calls == 1
    assert fake_api.texts_to("o-1") == ["您好", "再见"] and fake_api.texts_to("o-2") == ["您好"]


def test_an_expired_token_is_fetched_again_and_the_message_still_goes(fake_api):
    async def scenario():
        first, second = two_processes(fake_api)
        await first.send_text("o-3", "第一条")
        fake_api.expire_token()  # WeChat says 42001
        await second.send_text("o-3", "第二条")
        await first.send_text("o-3", "第三条")

    asyncio.run(scenario())
    assert fake_api.texts_to("o-3") == ["第一条", "第二条", "第三条"]
    assert fake_api.token_calls == 2
