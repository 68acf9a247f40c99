"""An agent's afternoon in Debian's Chromium: log in, see the queue fill by itself, open the ticket
a real conversation with sandbox merchant 898310000000005 opened, claim and resolve it, and read
the dashboard's charts.

Screenshots go to results/tmp/console/; with DZ_CONSOLE_DOCS=1 (`make screenshots`) also to
docs/console-queue.png, docs/console-ticket.png and docs/console-dashboard.png (the README's).
"""
import os
import re
import shutil
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import AGENT_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
SHOTS, DOCS = ROOT / "results" / "tmp" / "console", ROOT / "docs"
WAIT_MS = 20_000


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / name, full_page=True)
    if os.environ.get("DZ_CONSOLE_DOCS") == "1":
        shutil.copy(SHOTS / name, DOCS / name)


@pytest.fixture
def agent_page(browser, console):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    dialogs, elsewhere = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: None if request.url.startswith(console.url) else elsewhere.append(request.url))
    page.goto(console.url + "/")
    expect(page).to_have_url(re.compile(r"/login"))
    page.get_by_label("用户名").fill("wang")
    page.get_by_label("密码").fill(AGENT_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="工单队列")).to_be_visible()
    yield page
    assert dialogs == [], f"script ran in the agent's browser: {dialogs}"
    assert elsewhere == [], f"the console asked another server: {elsewhere}"
    context.close()


def ticket_of(replies):
    return re.search(r"HO\d{8}-\d{4}", "\n".join(r.get("text", "") for r in replies)).group(0)


def test_an_agent_claims_and_resolves_a_real_case_and_reads_the_dashboard(stack, agent_page):
    page = agent_page
    sender = f"b-{uuid.uuid4().hex[:6]}"
    stack.say(sender, "<script>alert('x')</script><img src=x onerror=alert(1)>")
    stack.say(sender, "老板你好 前天刷卡3000块钱到现在没到账")
    ticket_id = ticket_of(stack.say(sender, "商户号898310000000005"))

    # the queue fills by itself (no reload), high priority first
    row = page.locator(f"tr[data-ticket='{ticket_id}']")
    expect(row).to_be_visible(timeout=WAIT_MS)
    expect(row).to_contain_text("高")
    expect(row).to_contain_text("结算卡有问题")
    shot(page, "console-queue.png")

    row.get_by_role("link", name=ticket_id).click()
    expect(page.get_by_role("heading", name=re.compile(ticket_id))).to_be_visible()
    expect(page.locator(".summary")).to_contain_text("商户898310000000005")
    transcript = page.locator(".transcript")
    expect(transcript).to_contain_text("<script>alert('x')</script>")  # shown as the merchant typed it, as text
    expect(transcript).to_contain_text("<img src=x onerror=alert(1)>")
    assert page.locator(".transcript script, .transcript img").count() == 0
    page.get_by_role("button", name="认领").click()
    expect(page.locator(".badge.status-claimed")).to_contain_text("王芳")
    page.get_by_label("备注（商户看不到）").fill("已联系开户行，结算卡已解冻")
    page.get_by_role("button", name="添加备注").click()
    expect(page.locator("ol.actions")).to_contain_text("已联系开户行，结算卡已解冻")
    page.get_by_label("处理结果（会发给商户）").fill("结算卡已解冻，3000元今天重新打出，请留意到账")
    page.get_by_role("button", name="解决并通知商户").click()
    expect(page.locator(".badge.status-resolved")).to_be_visible()
    shot(page, "console-ticket.png")
    told = "\n".join(r.get("text", "") for r in stack.say(sender, "好的"))
    assert "3000元今天重新打出" in told

    # a few more conversations for the dashboard: one settled and rated, one of a stranger's subject
    settled = f"b-{uuid.uuid4().hex[:6]}"
    stack.say(settled, "前天刷卡1500没到账 商户号898310000000009")
    stack.say(settled, "解决了")
    stack.say(settled, "1")
    stack.say(f"b-{uuid.uuid4().hex[:6]}", "你们能帮我办张信用卡吗")

    page.get_by_role("link", name="数据看板").click()
    for chart in ("chart-days", "chart-diagnosis", "chart-channel", "chart-reasons", "chart-satisfaction"):
        expect(page.locator(f"#{chart} canvas")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator("#figures")).to_contain_text("自助解决率")
    expect(page.locator("#figures")).to_contain_text(re.compile(r"满意率（[1-9]\d* 人评价）"))  # ours at least
    expect(page.locator("#figures")).to_contain_text("工单")
    drawn = page.locator("#chart-days canvas").screenshot()
    assert len(drawn) > 5_000  # bars drawn, not an empty canvas
    shot(page, "console-dashboard.png")
