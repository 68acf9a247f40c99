"""The chat page in Debian's Chromium (Playwright), as the browser tests drive it."""
import os
import shutil
from pathlib import Path

from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "results" / "tmp" / "web"
DOCS = ROOT / "docs"
PAGE = "/webhooks/socketio/chat/"
SESSION_KEY = "daozhang.session"
WAIT_MS = 20_000  # a reply comes within the door's 6 s deadline; wide margin
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 375, "height": 667}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
SIZES = {"desktop": DESKTOP, "phone": PHONE}


def open_widget(browser, stack, context=None, **context_options):
    """The chat page, connected: in a fresh browser profile, or as another tab of `context`;
    remembers every address it asks for."""
    context = context or browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **context_options)
    page = context.new_page()
    page.asked = []
    page.on("request", lambda request: page.asked.append(request.url))
    page.on("websocket", lambda socket: page.asked.append(socket.url))
    page.goto(stack.url + PAGE)
    expect(page.locator(".Navbar-desc")).to_have_text("在线", timeout=WAIT_MS)
    return page


def session_of(page):
    return page.evaluate(f"localStorage.getItem('{SESSION_KEY}')")


def bot_bubbles(page):
    return page.locator(".Message.left .Bubble.text")


def merchant_bubbles(page):
    return page.locator(".Message.right .Bubble.text")


def send(page, text):
    """Type and send, as a merchant does (Enter)."""
    page.locator(".Composer-input").fill(text)
    page.locator(".Composer-input").press("Enter")


def say(page, text):
    """Type and send; wait for the assistant's turn to be over."""
    answered = bot_bubbles(page).count()
    page.locator(".Composer-input").fill(text)
    page.locator(".Composer-sendBtn").click()
    expect(bot_bubbles(page)).not_to_have_count(answered, timeout=WAIT_MS)
    expect(page.locator(".Typing")).to_have_count(0, timeout=WAIT_MS)


def newest_in_sight(page):
    """Waits until the list is scrolled to its newest message and nothing is moving any more."""
    page.wait_for_function("""() => { const list = document.querySelector('.PullToRefresh');
        return list.scrollTop + list.clientHeight >= list.scrollHeight - 2
          && document.getAnimations().every(a => a.playState !== 'running'); }""", timeout=WAIT_MS)


def save_screenshot(page, name, docs=False):
    """Into results/tmp/web/; with DZ_WIDGET_DOCS=1 (`make screenshots`) the README's too."""
    newest_in_sight(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / name)
    if docs and os.environ.get("DZ_WIDGET_DOCS") == "1":
        DOCS.mkdir(exist_ok=True)
        shutil.copy(SHOTS / name, DOCS / name)


def only_from(page, stack):
    """Every address the page asked for that is not on the assistant's own server (no CDN)."""
    from urllib.parse import urlparse

    own = urlparse(stack.url).netloc
    return [url for url in page.asked if not url.startswith("data:") and urlparse(url).netloc != own]
