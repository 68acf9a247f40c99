"""The chat page a merchant can trust (issue 21), in Debian's Chromium at a desktop and a phone size:
what it shows and keeps (a card number typed, the starters, yes/no buttons, times), two tabs, a
burst, the server stopped and started under an open page, a phone's keyboard, accessibility.
Screenshots go to results/tmp/web/.
"""
import datetime
import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from daozhang.resources import reply, wording
from tests.support.secrets import holds
from tests.support.stack import CHANNEL_SECRETS, Stack
from tests.support.widget_page import (
    DESKTOP,
    PHONE,
    SIZES,
    WAIT_MS,
    bot_bubbles,
    merchant_bubbles,
    open_widget,
    save_screenshot,
    say,
    send,
    session_of,
)

CARD, PIN = "6222021234567890128", "975312"  # the card passes the Luhn check
QR_MERCHANT = "898310000000002"  # sandbox: a QR payment the buyer never completed
QR_DIAGNOSIS = "顾客实际没有付款成功"
STARTER_ANSWERS = {"刷卡的钱没到账": "商户号", "二维码收款没到账": "商户号", "什么时候到账": "商户号",
                   "手续费怎么算": "0.38%"}


def stored(page):
    return page.evaluate("JSON.stringify(localStorage)")


def turn_over(page):
    """Waits until every message sent has its answer (no typing dots, nothing on its way)."""
    expect(page.locator(".Typing")).to_have_count(0, timeout=WAIT_MS)
    expect(page.locator(".Said-meta", has_text=wording("web_page")["sending"])).to_have_count(0, timeout=WAIT_MS)


@pytest.mark.parametrize("size", SIZES)
def test_a_card_number_typed_is_masked_in_the_merchants_own_bubble_and_never_kept_in_clear(browser, stack, size):
    page = open_widget(browser, stack, **SIZES[size])
    say(page, f"我的卡号是{CARD}，密码是{PIN}，昨天收的钱没到")
    mine = merchant_bubbles(page).last
    expect(mine).to_contain_text("0128")
    expect(mine).not_to_contain_text(CARD)
    expect(mine).not_to_contain_text(PIN)
    expect(bot_bubbles(page).last).to_contain_text("商户号")
    say(page, CARD)  # sent again, now that the merchant id is asked for
    expect(bot_bubbles(page).last).to_contain_text("商户号")
    expect(page.locator(".MessageList")).not_to_contain_text("4位数字")  # its visible tail is no (wrong) id
    save_screenshot(page, f"card-{size}.png")
    assert CARD not in page.content() and not holds(stored(page), CARD) and not holds(stored(page), PIN)

    page.reload()
    expect(page.locator(".Navbar-desc")).to_have_text("在线", timeout=WAIT_MS)
    expect(merchant_bubbles(page).first).to_contain_text("0128")
    assert CARD not in page.content() and not holds(stored(page), CARD)
    say(page, QR_MERCHANT)
    expect(bot_bubbles(page).last).to_contain_text(QR_DIAGNOSIS)
    assert stack.tracker(session_of(page), channel="socketio")["slots"]["merchant_id"] == QR_MERCHANT
    page.context.close()


@pytest.mark.parametrize("starter", STARTER_ANSWERS)
def test_each_starter_gets_the_answer_it_promises(browser, stack, starter):
    page = open_widget(browser, stack, **DESKTOP)
    page.locator(".QuickReply", has_text=starter).click()
    expect(merchant_bubbles(page).last).to_have_text(starter)  # the title, not its intent
    expect(bot_bubbles(page).nth(1)).to_contain_text(STARTER_ANSWERS[starter], timeout=WAIT_MS)
    expect(page.locator(".MessageList")).not_to_contain_text("哪一类问题")  # not the clarifying menu
    page.context.close()


def test_the_fee_question_typed_gets_the_fee_answer_too(browser, stack):
    page = open_widget(browser, stack, **PHONE)
    say(page, "手续费怎么算")
    expect(bot_bubbles(page).last).to_contain_text("0.38%")
    page.context.close()


@pytest.mark.parametrize("size", SIZES)
def test_a_yes_no_question_carries_its_buttons_and_they_go_when_the_talk_moves_on(browser, stack, size):
    page = open_widget(browser, stack, **SIZES[size])
    say(page, "二维码收款没到账")
    say(page, "商户号是12345")
    say(page, "商户号是678")  # the second miss: a person is offered, a yes/no question and the last word
    expect(bot_bubbles(page).last).to_contain_text(reply("offer_human"))
    expect(page.locator(".QuickReply")).to_have_text(wording("yes_no_buttons")["human"])
    say(page, "算了不用")
    expect(page.locator(".QuickReply")).to_have_count(0)  # the answer given, the buttons go
    say(page, QR_MERCHANT)
    expect(bot_bubbles(page).last).to_contain_text("问题解决了吗")
    expect(page.locator(".QuickReply")).to_have_text(wording("yes_no_buttons")["solved"])
    save_screenshot(page, f"buttons-{size}.png")
    page.context.close()


@pytest.mark.parametrize("size", SIZES)
def test_every_message_has_the_servers_time_and_another_day_shows_dates(browser, stack, size):
    page = open_widget(browser, stack, **SIZES[size])
    say(page, "二维码收款没到账")
    say(page, QR_MERCHANT)
    times = page.locator(".Message time")
    said = page.locator(".Message.right, .Message.left").count() - 1  # every message but the page's welcome
    expect(times).to_have_count(said)
    when = times.evaluate_all("ts => ts.map(t => t.getAttribute('datetime'))")
    now = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8)))
    for shown, at in zip(times.all_inner_texts(), when):
        at = datetime.datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone(now.tzinfo)
        assert abs((now - at).total_seconds()) < 120 and shown == f"{at.hour:02d}:{at.minute:02d}", (shown, at)

    page.clock.set_system_time(now + datetime.timedelta(days=2))  # reopened two days later
    page.reload()
    expect(page.locator(".Navbar-desc")).to_have_text("在线", timeout=WAIT_MS)
    expect(times).to_have_count(said)
    assert times.evaluate_all("ts => ts.map(t => t.getAttribute('datetime'))") == when  # not the reload's time
    for shown, at in zip(times.all_inner_texts(), when):
        at = datetime.datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone(now.tzinfo)
        assert shown == f"{at.month}月{at.day}日 {at.hour:02d}:{at.minute:02d}"
    save_screenshot(page, f"times-{size}.png")
    page.context.close()


@pytest.mark.parametrize("size", SIZES)
def test_two_tabs_of_one_browser_show_one_conversation(browser, stack, size):
    first = open_widget(browser, stack, **SIZES[size])
    second = open_widget(browser, stack, context=first.context)
    assert session_of(first) == session_of(second)
    say(first, "二维码收款没到账")
    say(second, QR_MERCHANT)
    expect(first.locator(".MessageList")).to_contain_text(QR_DIAGNOSIS, timeout=WAIT_MS)
    turn_over(first)
    turn_over(second)
    for tab in (first, second):  # both sides, in order, in each tab
        expect(merchant_bubbles(tab)).to_have_text(["二维码收款没到账", QR_MERCHANT])
    assert first.locator(".Message").all_inner_texts() == second.locator(".Message").all_inner_texts()
    histories = [key for key in first.evaluate("Object.keys(localStorage)") if key.startswith("daozhang.history.")]
    assert histories == [f"daozhang.history.{session_of(first)}"]
    save_screenshot(second, f"tabs-{size}.png")
    first.context.close()


BURST = ["在吗", "我钱没到", "昨天刷的", "二维码收的", "368块", "商户号", QR_MERCHANT, "怎么回事", "急用钱",
         "快点", "人呢", "？？", "查一下", "到底什么时候到", "谢谢"]


@pytest.mark.parametrize("size", SIZES)
def test_a_burst_of_messages_gets_replies_a_merchant_can_follow(browser, stack, size):
    page = open_widget(browser, stack, **SIZES[size])
    typed_for = page.evaluate("""async (lines) => {  // typed and sent with Enter, 30 ms apart
        const input = document.querySelector('.Composer-input');
        const setValue = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set;
        const started = performance.now();
        for (const line of lines) {
          setValue.call(input, line);
          input.dispatchEvent(new Event('input', {bubbles: true}));
          await new Promise((done) => setTimeout(done, 15));
          input.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', keyCode: 13, bubbles: true}));
          await new Promise((done) => setTimeout(done, 15));
        }
        return performance.now() - started; }""", BURST)
    assert typed_for < 1500
    expect(merchant_bubbles(page)).to_have_count(len(BURST))
    turn_over(page)
    page.wait_for_timeout(1500)  # nothing more comes
    turn_over(page)
    expect(merchant_bubbles(page)).to_have_text(BURST)  # each once, in order
    answers = bot_bubbles(page).all_inner_texts()[1:]  # after the page's welcome
    assert answers and len(answers) == len(set(answers)), answers  # none repeated
    for fault in ("too_fast", "fault_slow", "fault_silent"):
        assert reply(fault) not in answers
    assert len(answers) <= 8, answers  # answered together, not line by line
    assert QR_DIAGNOSIS in "".join(answers)
    save_screenshot(page, f"burst-{size}.png")
    page.context.close()


def test_on_a_phone_the_newest_reply_stays_in_view_and_every_control_is_at_hand(browser, stack):
    page = open_widget(browser, stack, **PHONE)
    send_button = page.locator(".Composer-sendBtn")
    expect(send_button).to_be_visible()  # before anything is typed
    expect(send_button).to_be_disabled()
    page.locator(".QuickReply", has_text="二维码收款没到账").tap()
    expect(page.locator(".Composer-input")).to_be_focused()  # the keyboard stays for the next answer
    expect(bot_bubbles(page).last).to_contain_text("商户号", timeout=WAIT_MS)
    say(page, QR_MERCHANT)
    say(page, "HO20261204-0007这个工单处理得怎么样了")
    expect(page.locator(".Message.left .whole", has_text="HO20261204-0007")).to_have_count(1)
    wholes = page.locator(".whole").evaluate_all("ids => ids.map(t => t.getClientRects().length)")
    assert wholes and set(wholes) == {1}  # ticket ids never broken across lines, wherever the line ends
    assert page.locator(".whole").first.evaluate("t => getComputedStyle(t).whiteSpace") == "nowrap"

    page.locator(".Composer-input").tap()
    page.set_viewport_size({"width": 375, "height": 360})  # the keyboard takes half the screen
    expect(bot_bubbles(page).last).to_be_in_viewport(timeout=WAIT_MS)
    expect(page.locator(".Composer-input")).to_be_in_viewport()
    save_screenshot(page, "keyboard-phone.png")
    page.context.close()


def colour_pixels(png: bytes) -> int:
    """Pixels of a strong warm colour (an emoji's yellow), which text in grey or blue never has."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return sum(1 for r, g, b in image.getdata() if r > 200 and g > 130 and b < 100)


@pytest.mark.parametrize("size", SIZES)
def test_the_page_is_usable_with_a_screen_reader_zoom_and_shows_emoji_in_colour(browser, stack, size):
    page = open_widget(browser, stack, **SIZES[size])
    expect(page.get_by_label(wording("web_page")["input_label"])).to_have_class(re.compile("Composer-input"))
    viewport = page.locator("meta[name=viewport]").get_attribute("content")
    assert "maximum-scale" not in viewport and "user-scalable" not in viewport  # pinch-zoom allowed
    say(page, "你好")
    assert page.locator("[role=alert], [aria-live=assertive]").count() == 0  # no stream of alerts
    polite = page.locator("[aria-live=polite]")
    expect(polite).to_have_count(1)
    expect(polite).to_have_text(bot_bubbles(page).last.inner_text())  # the newest reply, once
    welcome = bot_bubbles(page).first  # 😊 in the greeting
    assert "😊" in welcome.inner_text()
    assert colour_pixels(welcome.screenshot()) >= 20, "the emoji did not render in colour"
    page.context.close()


@pytest.fixture(scope="module")
def lone_stack(tmp_path_factory):
    """A stack of its own: these tests stop its Rasa server."""
    running = Stack(tmp_path_factory.mktemp("outage"), redis_db=7, **CHANNEL_SECRETS).start()
    yield running
    running.stop()


def test_with_the_server_gone_a_message_is_marked_not_sent_and_sent_once_when_it_returns(browser, lone_stack):
    pages = {size: open_widget(browser, lone_stack, **options) for size, options in SIZES.items()}
    for page in pages.values():
        say(page, "二维码收款没到账")
    lone_stack.stop_rasa()
    for size, page in pages.items():
        expect(page.locator(".Navbar-desc")).to_have_text(wording("web_page")["offline"], timeout=WAIT_MS)
        send(page, f"卡号{CARD}")  # not sent: hidden in the bubble all the same
        send(page, QR_MERCHANT)
        expect(merchant_bubbles(page).nth(-2)).to_have_text(f"卡号***************{CARD[-4:]}")
        failed = page.locator(".Message.right .Said-meta.failed")
        expect(failed).to_have_text([wording("web_page")["send_failed"] + wording("web_page")["retry"]] * 2,
                                    timeout=WAIT_MS)
        expect(page.locator(".Typing")).to_have_count(0)  # no typing dots for a message not sent
        failed.last.locator(".Said-retry").click()  # still down: it stays marked
        expect(failed).to_have_count(2)
        save_screenshot(page, f"outage-{size}.png")
    lone_stack.start_rasa()
    for size, page in pages.items():
        expect(page.locator(".Navbar-desc")).to_have_text("在线", timeout=WAIT_MS)
        expect(bot_bubbles(page).last).to_contain_text(QR_DIAGNOSIS, timeout=WAIT_MS)
        turn_over(page)
        expect(merchant_bubbles(page)).to_have_text(["二维码收款没到账", f"卡号***************{CARD[-4:]}",
                                                      QR_MERCHANT])
        expect(page.locator(".Said-meta.failed")).to_have_count(0)
        assert CARD not in page.content() and not holds(stored(page), CARD)
        events = lone_stack.tracker(session_of(page), channel="socketio")["events"]
        assert sum(QR_MERCHANT in e["text"] for e in events if e["event"] == "user") == 1  # sent once
        save_screenshot(page, f"outage-back-{size}.png")
        page.context.close()
