"""The promise kept, through running stacks: offered after a payout date, scheduled in Redis, and
told on the merchant's channel at the payout time (here, a stack pinned to a past day: its
payout time has passed, so the loop keeps the promise at once)."""
import json
import time
import uuid
from datetime import date
from decimal import Decimal

import pytest
import redis
from playwright.sync_api import expect

from daozhang.diagnosis import month_day_weekday
from daozhang.payout_calendar import t_plus
from daozhang.reminders import due_time
from tests.e2e.test_web_widget import WAIT_MS, bot_bubbles, open_widget, say
from tests.support.fake_wechat_api import FakeWeChatApi
from tests.support.stack import CHANNEL_SECRETS, Stack
from tests.support.wechat_peer import APP_ID, APP_SECRET, WeChatServers, account_settings, follower

PENDING_003 = "今天刷卡收了1250 什么时候能到账 商户号898310000000003"
PAST_DAY = "2026-11-24"


def texts(replies):
    return "\n".join(r.get("text", "") for r in replies)


@pytest.fixture(scope="module")
def past_stack(tmp_path_factory):
    api = FakeWeChatApi(APP_ID, APP_SECRET).start()
    stack = Stack(tmp_path_factory.mktemp("reminders"), redis_db=14, DZ_TODAY=PAST_DAY, DZ_REMINDER_TICK="0.5",
                  **CHANNEL_SECRETS, **account_settings(api.url, passive_seconds=4)).start()
    yield stack, api
    stack.stop()
    api.stop()


def test_a_reminder_is_offered_after_a_payout_date_and_kept_until_the_payout_time(stack):
    store = redis.Redis(host=stack.redis_host, port=stack.redis_port, db=stack.redis_db, decode_responses=True)
    sender = f"remind-{uuid.uuid4().hex[:6]}"
    offer = texts(stack.say(sender, PENDING_003))
    payout = t_plus(date.fromisoformat(stack.tracker(sender)["slots"]["txn_date"]))[0]
    assert "要我到时提醒您吗" in offer and month_day_weekday(payout) in offer
    promised = texts(stack.say(sender, "好的"))
    assert f"{month_day_weekday(payout)}18:00" in promised
    key = next(k for k in store.zrange("daozhang:reminders", 0, -1) if k.startswith(f"rest:{sender}|"))
    assert store.zscore("daozhang:reminders", key) == due_time(payout).timestamp()
    assert Decimal(json.loads(store.get(f"daozhang:reminder:{key}"))["amount"]) == 1250


def test_asked_for_in_words_after_a_what_if(stack):
    sender = f"remind-ask-{uuid.uuid4().hex[:6]}"
    stack.say(sender, PENDING_003)
    stack.say(sender, "不用了")
    what_if = texts(stack.say(sender, "要是到时候还没到呢"))
    assert "要我到时提醒您吗" in what_if
    assert "我再帮您查一次" in texts(stack.say(sender, "那到了你提醒我一声"))


def test_at_the_payout_time_a_rest_merchant_hears_it_with_the_next_message_and_a_ticket_is_open(past_stack):
    stack, _ = past_stack
    sender = f"due-{uuid.uuid4().hex[:6]}"
    stack.say(sender, PENDING_003)
    stack.say(sender, "好的")
    store = redis.Redis(host=stack.redis_host, port=stack.redis_port, db=stack.redis_db, decode_responses=True)
    deadline = time.monotonic() + 20
    while not store.exists(f"daozhang:outbox:rest:{sender}") and time.monotonic() < deadline:
        time.sleep(0.2)
    reply = texts(stack.say(sender, "在吗"))
    assert "【到账提醒】" in reply and "还没有到账" in reply and "工单号 HO" in reply
    ticket_id = store.lindex(f"daozhang:tickets:sender:rest:{sender}", 0)
    assert "到时复查仍未到账" in json.loads(store.get(f"daozhang:ticket:{ticket_id}"))["summary"]
    assert "【到账提醒】" not in texts(stack.say(sender, "好的 谢谢"))  # told once


def test_at_the_payout_time_a_wechat_follower_is_told_through_the_customer_service_api(past_stack):
    stack, api = past_stack
    wechat, openid = WeChatServers(stack, api), follower()
    wechat.say(openid, PENDING_003)
    wechat.say(openid, "好的")
    deadline = time.monotonic() + 20
    while not any("【到账提醒】" in text for text in api.texts_to(openid)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert any("【到账提醒】" in text and "工单号" in text for text in api.texts_to(openid))


def test_at_the_payout_time_an_open_chat_page_shows_it_live(past_stack, browser):
    stack, _ = past_stack
    page = open_widget(browser, stack)
    say(page, PENDING_003)
    expect(bot_bubbles(page).last).to_contain_text("要我到时提醒您吗", timeout=WAIT_MS)
    say(page, "好的")
    expect(bot_bubbles(page).last).to_contain_text("【到账提醒】", timeout=WAIT_MS)  # nothing sent: it came by itself
    expect(bot_bubbles(page).last).to_contain_text("工单号")
    page.context.close()
