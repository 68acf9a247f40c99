"""The web widget as a merchant uses it: Debian's Chromium (Playwright, no downloaded browser)
opens the page the Rasa server serves, talks through socket.io, taps a choice, reloads.

Screenshots (desktop 1280×800, phone 375×667) go to results/tmp/web/; with DZ_WIDGET_DOCS=1
(`make screenshots`) also to docs/widget-desktop.png and docs/widget-phone.png.
"""
import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import socketio
from playwright.sync_api import expect

from channels import web_widget
from daozhang.resources import reply, wording
from daozhang.triage import TriagePolicy
from tests.support.secrets import holds
from tests.support.widget_page import (
    DESKTOP,
    PHONE,
    SESSION_KEY,
    WAIT_MS,
    bot_bubbles,
    only_from,
    open_widget,
    save_screenshot,
    say,
    session_of,
)
from tests.support.widget_peer import WidgetPeer

# Vague messages with no date or amount (those would be read as details of the case just
# diagnosed): one of them gets the clarifying question with its buttons.
VAGUE = ["问一下款的事", "钱怎么少了", "我钱去哪了", "我的钱呢", "钱的事情", "那个款的问题"]


def watch_typing(page):
    """Notes in the page whether the typing indicator ever shows (it may be brief)."""
    page.evaluate("""() => { window.sawTyping = false;
        new MutationObserver(() => { if (document.querySelector('.Typing')) window.sawTyping = true; })
          .observe(document.body, {childList: true, subtree: true}); }""")


def vague_message_that_asks(stack):
    policy = TriagePolicy.load()
    for text in VAGUE:
        if policy.should_ask(stack.parse(text)["intent_ranking"], text):
            return text
    pytest.fail(f"none of {VAGUE} gets the clarifying question from this model")


def diagnose_then_ask(page, stack):
    """二维码收款没到账 → merchant id → the diagnosis (yes/no buttons); then a vague message → the choices."""
    say(page, "二维码收款没到账")
    expect(bot_bubbles(page).last).to_contain_text("商户号")
    watch_typing(page)
    say(page, "898310000000002")
    expect(bot_bubbles(page).last).to_contain_text("顾客实际没有付款成功", timeout=WAIT_MS)
    expect(bot_bubbles(page).last).to_contain_text("368.00元")
    assert page.evaluate("window.sawTyping"), "no typing indicator while the assistant was working"
    expect(page.locator(".Typing")).to_have_count(0)
    expect(page.locator(".QuickReply")).to_have_text(["解决了", "还没有"])  # 问题解决了吗？ as a yes/no tap
    say(page, vague_message_that_asks(stack))
    expect(page.locator(".QuickReply")).to_have_text(["收款没到账", "到账慢", "手续费", "退款", "POS机故障", "都不是"])
    expect(bot_bubbles(page).last).not_to_contain_text("收款没到账")  # the list shows once, as buttons


def test_a_merchant_gets_the_diagnosis_taps_a_choice_and_a_reload_keeps_the_conversation(browser, stack):
    page = open_widget(browser, stack, **DESKTOP)
    expect(page.locator(".Navbar")).to_contain_text("到账助手")
    expect(page.locator(".Composer-input")).to_have_attribute("placeholder", wording("web_page")["placeholder"])
    session_id = session_of(page)
    diagnose_then_ask(page, stack)
    save_screenshot(page, "widget-desktop.png", docs=True)

    page.locator(".QuickReply", has_text="手续费").click()
    expect(page.locator(".Message.right .Bubble").last).to_have_text("手续费")  # the title, not /fee_inquiry
    expect(bot_bubbles(page).last).to_contain_text("0.38%", timeout=WAIT_MS)
    expect(page.locator(".QuickReply")).to_have_count(0)

    page.reload()
    expect(page.locator(".Navbar-desc")).to_have_text("在线", timeout=WAIT_MS)
    assert session_of(page) == session_id
    for said in ["二维码收款没到账", "898310000000002", "顾客实际没有付款成功", "0.38%"]:
        expect(page.locator(".MessageList")).to_contain_text(said)
    say(page, "还有别的问题")  # the conversation goes on on the server too

    tracker = stack.tracker(session_id, channel="socketio")
    said = [e["text"] for e in tracker["events"] if e["event"] == "user"]
    assert said[:2] == ["二维码收款没到账", "898310000000002"] and said[-1] == "还有别的问题", said
    assert "/fee_inquiry" in said
    assert tracker["slots"]["diagnosis"] == "qr_not_paid"
    assert only_from(page, stack) == []
    page.context.close()


def test_on_a_phone_the_widget_fits_and_offers_the_choices_as_buttons(browser, stack):
    page = open_widget(browser, stack, **PHONE)
    diagnose_then_ask(page, stack)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing sticks out sideways
    expect(page.locator(".Composer-input")).to_be_in_viewport()
    expect(page.locator(".QuickReply").last).to_be_in_viewport()  # every choice in sight, none scrolled away
    save_screenshot(page, "widget-phone.png", docs=True)
    assert only_from(page, stack) == []
    page.context.close()


def test_a_session_id_the_browser_makes_up_is_replaced_by_one_the_server_issues(browser, stack):
    page = open_widget(browser, stack)
    made_up = "f" * 32
    page.evaluate(f"""() => {{ localStorage.setItem('{SESSION_KEY}', '{made_up}');
        localStorage.setItem('daozhang.history.{made_up}', JSON.stringify({{messages: [
          {{type: 'text', content: {{text: '别人的对话'}}, position: 'left'}}], choices: []}})); }}""")
    page.reload()
    expect(page.locator(".Navbar-desc")).to_have_text("在线", timeout=WAIT_MS)
    issued = session_of(page)
    assert issued != made_up and len(issued) == 32
    expect(page.locator(".MessageList")).not_to_contain_text("别人的对话")
    say(page, "二维码收款没到账")
    assert stack.tracker(issued, channel="socketio")["events"]
    page.context.close()


def in_own_loop(coroutine):
    """Runs a coroutine beside Playwright's sync API, which keeps an event loop in this thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _socket_turns(url, emits, wait=8.0):
    heard = asyncio.Queue()
    client = socketio.AsyncClient()
    client.on("session_confirm", heard.put_nowait)
    client.on("bot_uttered", heard.put_nowait)
    await client.connect(url, transports=["polling"])  # this aiohttp has no client websockets
    await client.emit("session_request", {"session_id": None})
    session_id = await asyncio.wait_for(heard.get(), wait)
    answers = []
    for event, data in emits:
        await client.emit(event, data(session_id) if callable(data) else data)
        answers.append(await asyncio.wait_for(heard.get(), wait))
        await asyncio.sleep(0.5)  # a second part of the same answer, if any
        while not heard.empty():
            heard.get_nowait()
    await client.eio.disconnect(abort=True)  # a polite close waits out the server's 25 s long poll
    return session_id, answers


def socket_turns(url, emits):
    """What a bare socket.io client hears for each of `emits` (event, data): the session first."""
    return in_own_loop(_socket_turns(url, emits))


def test_a_message_on_a_session_the_server_did_not_issue_gets_no_bot_turn(stack):
    made_up = "0" * 32
    session_id, answers = socket_turns(stack.url, [
        ("user_uttered", {"message": "二维码收款没到账", "session_id": made_up}),
        ("user_uttered", {"message": "二维码收款没到账"}),
        ("user_uttered", "not an object"),
        ("user_uttered", lambda issued: {"message": "二维码收款没到账", "session_id": issued}),
    ])
    assert [a["text"] for a in answers[:3]] == [reply("widget_session_unknown")] * 3
    assert "商户号" in answers[3]["text"]
    assert not [e for e in stack.tracker(made_up, channel="socketio")["events"] if e["event"] == "user"]


def test_bad_input_gets_a_clear_reply_and_nothing_unmasked_is_stored(stack):
    card = "6222021234567890128"  # passes the Luhn check
    session_id, answers = socket_turns(stack.url, [
        ("user_uttered", lambda issued: {"message": " \x00\x07 ", "session_id": issued}),
        ("user_uttered", lambda issued: {"message": 12345, "session_id": issued}),
        ("user_uttered", lambda issued: {"message": f"卡号{card} 密码是123456", "session_id": issued}),
        ("user_uttered", lambda issued: {"message": "<script>alert(1)</script>'; DROP TABLE x;--",
                                         "session_id": issued}),
    ])
    assert answers[0]["text"] == answers[1]["text"] == reply("empty_message")
    assert answers[2]["text"] == reply("secret_warning")
    assert answers[3]["text"]
    stored = str(stack.tracker(session_id, channel="socketio"))
    assert not holds(stored, card) and not holds(stored, "123456")


def test_the_page_says_to_build_it_when_it_was_not_built(monkeypatch, tmp_path):
    monkeypatch.setattr(web_widget, "PAGE_DIR", tmp_path)
    answer = in_own_loop(web_widget._page_file("index.html"))
    assert answer.status == 503 and "make web" in answer.body.decode()


RUSH = ["你好", "昨天扫码收的钱", "到现在没到", "368块", "商户号是", "898310000000002", "帮忙看下", "谢谢"]


def test_lines_sent_in_a_rush_are_shown_and_answered_in_the_order_they_were_sent(stack):
    """socket.io handles each event in a task of its own; the lines of one merchant must not overtake
    each other on the way to the turn (a merchant id answered before the question it answers)."""
    for _ in range(4):
        peer = WidgetPeer(stack.url)
        try:
            for line in RUSH:
                peer.send(line)
            deadline = time.monotonic() + 30
            while len(peer.echoed) < len(RUSH) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert [said["text"] for said in peer.echoed] == RUSH
            assert peer.quiet_after(0, replies=1, quiet=2, timeout=60), peer.received  # the turns run out
            events = stack.tracker(peer.session_id, channel="socketio")["events"]
            heard = "".join(e["text"] for e in events if e["event"] == "user")
            positions = [heard.find(line) for line in RUSH]
            assert -1 not in positions and positions == sorted(positions), heard
        finally:
            peer.close()
