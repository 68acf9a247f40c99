"""The customer-service API client: one access token for every process, fetched again only when refused;
a message WeChat will not take now is retried or kept for the follower's next message, never lost.

Real Redis (the test session's own) and the local fake WeChat API; two clients
stand for two `rasa run` processes.
"""
import asyncio
import uuid

import pytest

from channels.wechat.api import CustomerService, KeptMessages, SharedAccessToken
from daozhang.wiring import redis_client
from tests.support.fake_wechat_api import FakeWeChatApi

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
                                                            redis_client("wechat")),
                            KeptMessages(redis_client("wechat")), retry_wait=0.01)
            for _ in range(2)]


def test_every_process_uses_the_one_token_fetched(fake_api):
    async def scenario():
        first, second = two_processes(fake_api)
        await asyncio.gather(first.send_text("o-1", "您好"), second.send_text("o-2", "您好"))
        await second.send_text("o-1", "再见")

    asyncio.run(scenario())
    assert fake_api.token_calls == 1
    assert fake_api.texts_to("o-1") == ["您好", "再见"] and fake_api.texts_to("o-2") == ["您好"]


@pytest.mark.parametrize("refusal", ["expire_token",  # WeChat says 42001
                                     "refresh_elsewhere"])  # another client forced a refresh: 40001
def test_a_refused_token_is_fetched_again_once_and_the_message_still_goes(fake_api, refusal):
    openid = f"o-{refusal}"

    async def scenario():
        first, second = two_processes(fake_api)
        await first.send_text(openid, "第一条")
        getattr(fake_api, refusal)()
        await second.send_text(openid, "第二条")
        await first.send_text(openid, "第三条")

    asyncio.run(scenario())
    assert fake_api.texts_to(openid) == ["第一条", "第二条", "第三条"]
    assert fake_api.token_calls == 2


def test_a_busy_api_is_tried_again(fake_api):
    fake_api.busy = 2

    async def scenario():
        first, _ = two_processes(fake_api)
        await first.send_text("o-5", "您的钱已到账")

    asyncio.run(scenario())
    assert fake_api.texts_to("o-5") == ["您的钱已到账"] and fake_api.busy == 0


@pytest.mark.parametrize("refusal", ["out_of_window", "busy"])
def test_what_wechat_will_not_take_is_kept_until_the_follower_writes(fake_api, caplog, refusal):
    openid = f"o-{uuid.uuid4().hex[:6]}"
    if refusal == "out_of_window":
        fake_api.out_of_window.add(openid)  # 45015: the follower last wrote more than 48 hours ago
    else:
        fake_api.busy = 10  # busy beyond every retry

    async def scenario():
        first, second = two_processes(fake_api)
        await first.send_pieces(openid, ["结论第一段", "结论第二段"])
        assert fake_api.texts_to(openid) == []
        fake_api.out_of_window.discard(openid)  # the follower writes again
        fake_api.busy = 0
        await second.deliver_kept(openid)  # in any process
        await first.deliver_kept(openid)  # delivered once

    asyncio.run(scenario())
    assert fake_api.texts_to(openid) == ["结论第一段", "结论第二段"]
    assert "not sent" in caplog.text and "kept" in caplog.text
