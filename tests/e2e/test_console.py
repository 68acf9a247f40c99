"""The agent console's API against the shared stack and its Redis: agents log in, work tickets
that real conversations opened, and the merchant hears the outcome on their own channel."""
import re
import threading
import time
import urllib.parse
import urllib.request
import uuid

import pytest

from tests.e2e.conftest import AGENT_PASSWORD as PASSWORD
from tests.support.console import Console
from tests.support.wechat_peer import WeChatServers, follower
from tests.support.widget_peer import WidgetPeer

RETURNED_005 = "前天刷卡3000块钱没到账 商户号898310000000005"
PAID_009 = "前天刷卡1500没到账 商户号898310000000009"


@pytest.fixture(scope="module")
def li(console):
    return console.login("li", PASSWORD)


@pytest.fixture(scope="module")
def wang(console):
    return console.login("wang", PASSWORD)


def texts(replies):
    return "\n".join(r.get("text", "") for r in replies)


def ticket_in(text):
    return re.search(r"HO\d{8}-\d{4}", text).group(0)


def new_ticket(stack, sender=None):
    """A ticket as merchants open them: a returned payout (005) over REST."""
    sender = sender or f"c-{uuid.uuid4().hex[:8]}"
    return sender, ticket_in(texts(stack.say(sender, RETURNED_005)))


def test_login_gives_a_token_and_a_wrong_password_does_not(console):
    assert console.login("li", PASSWORD)
    status, answer = console.call("POST", "/api/login", {"username": "li", "password": "wrong-password"})
    assert status == 401 and "token" not in answer
    assert console.call("POST", "/api/login", {"username": "li"})[0] == 400


def test_five_wrong_passwords_lock_the_account_for_a_quarter_hour(console):
    assert console.add_agent("locked", PASSWORD).returncode == 0
    for _ in range(5):
        assert console.call("POST", "/api/login", {"username": "locked", "password": "wrong-password"})[0] == 401
    status, answer = console.call("POST", "/api/login", {"username": "locked", "password": PASSWORD})
    assert status == 423 and "15 分钟" in answer["error"]


def test_a_short_password_is_refused_on_the_command_line(console):
    made = console.add_agent("short", "123456789")
    assert made.returncode != 0 and "10" in made.stderr


def test_without_a_session_nothing_but_login_answers(console):
    for path in ("/api/tickets", "/api/tickets/HO20261205-0001", "/api/analytics", "/api/me"):
        assert console.call("GET", path)[0] == 401, path
    assert console.call("POST", "/api/tickets/HO20261205-0001/claim")[0] == 401
    assert console.call("GET", "/api/tickets", token="made-up-token")[0] == 401
    page = urllib.request.build_opener(NoRedirect()).open
    for path in ("/", "/dashboard", "/tickets/HO20261205-0001"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            page(console.url + path)
        assert refused.value.code == 303 and refused.value.headers["Location"].startswith("/login")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_with_redis_down_the_console_says_so_and_shows_no_trace(stack):
    from tests.support.stack import free_port

    cut_off = Console(stack, REDIS_PORT=str(free_port())).start()
    try:
        status, answer = cut_off.call("POST", "/api/login", {"username": "li", "password": PASSWORD})
        assert status == 503 and "工单库暂时连不上" in answer["error"]
        status, page = cut_off.call("GET", "/", token="a-token-from-before")
        assert status == 503 and "工单库暂时连不上" in page and "Traceback" not in page
        assert cut_off.call("GET", "/login")[0] == 200
    finally:
        cut_off.stop()


def test_the_openapi_document_describes_the_contract(console, li):
    status, document = console.call("GET", "/api/openapi.json")
    assert status == 200 and document["openapi"].startswith("3.")
    for path in ("/api/login", "/api/tickets", "/api/tickets/{id}", "/api/tickets/{id}/claim",
                 "/api/tickets/{id}/release", "/api/tickets/{id}/notes", "/api/tickets/{id}/resolve",
                 "/api/analytics"):
        assert path in document["paths"], path
    required = document["components"]["schemas"]["Analytics"]["required"]
    assert console.call("GET", "/api/analytics?days=7", token=li)[1].keys() >= set(required)


def test_a_real_conversations_ticket_is_in_the_queue_with_everything_collected(stack, console, li):
    sender, ticket_id = new_ticket(stack)
    status, listed = console.call("GET", "/api/tickets?status=open&diagnosis=settlement_failed_account&channel=rest",
                                  token=li)
    assert status == 200 and ticket_id in [t["ticket_id"] for t in listed["tickets"]]
    row = next(t for t in listed["tickets"] if t["ticket_id"] == ticket_id)
    assert row["priority"] == "high" and row["waited_minutes"] is not None and row["merchant_id"] == "898310000000005"
    assert all(t["status"] == "open" for t in listed["tickets"])
    assert ticket_id not in [t["ticket_id"] for t in console.call(
        "GET", "/api/tickets?channel=wechat", token=li)[1]["tickets"]]
    ticket = console.call("GET", f"/api/tickets/{ticket_id}", token=li)[1]
    assert ticket["sender_id"] == f"rest:{sender}" and ticket["verification"] == "not_required"
    assert ticket["diagnosis"] == "settlement_failed_account" and ticket["explanation"]
    assert [turn["who"] for turn in ticket["transcript"]][:1] == ["merchant"] and ticket["adapter_results"]
    assert ticket["summary"].startswith("商户898310000000005")
    assert console.call("GET", "/api/tickets/HO20000101-9999", token=li)[0] == 404


def test_two_agents_claiming_at_once_one_wins_the_other_hears_who(stack, console, li, wang):
    for _ in range(5):
        _, ticket_id = new_ticket(stack)
        results, start = {}, threading.Barrier(2)

        def claim(name, token):
            start.wait()
            results[name] = console.call("POST", f"/api/tickets/{ticket_id}/claim", token=token)
        threads = [threading.Thread(target=claim, args=args) for args in (("li", li), ("wang", wang))]
        [thread.start() for thread in threads]
        [thread.join() for thread in threads]
        statuses = sorted(status for status, _ in results.values())
        assert statuses == [200, 409], results
        winner = next(name for name, (status, _) in results.items() if status == 200)
        loser_answer = next(answer for status, answer in results.values() if status == 409)
        assert loser_answer["holder"] == {"li": "李娜", "wang": "王芳"}[winner]
        held = console.call("GET", f"/api/tickets/{ticket_id}", token=li)[1]
        assert held["claimed_by"] == winner and held["claimed_at"]


def test_release_note_and_resolve_and_the_merchant_hears_it_with_the_next_message(stack, console, li, wang):
    assert console.add_agent("sun", PASSWORD, "--display-name", "孙悦").returncode == 0
    sun = console.login("sun", PASSWORD)
    sender, ticket_id = new_ticket(stack)
    assert console.call("POST", f"/api/tickets/{ticket_id}/claim", token=li)[0] == 200
    status, refused = console.call("POST", f"/api/tickets/{ticket_id}/release", token=sun)
    assert status == 409 and refused["holder"] == "李娜"
    assert console.call("POST", f"/api/tickets/{ticket_id}/resolve", {"note": "x"}, token=sun)[0] == 409
    assert console.call("POST", f"/api/tickets/{ticket_id}/release", token=li)[1]["status"] == "open"
    assert console.call("POST", f"/api/tickets/{ticket_id}/claim", token=sun)[0] == 200
    assert console.call("POST", f"/api/tickets/{ticket_id}/notes", {"text": " "}, token=sun)[0] == 400
    noted = console.call("POST", f"/api/tickets/{ticket_id}/notes", {"text": "已联系开户行，等回电"}, token=sun)[1]
    assert noted["notes"][-1]["note"] == "已联系开户行，等回电"
    assert "孙悦" in texts(stack.say(sender, "我的工单处理得怎么样了"))
    assert console.call("POST", f"/api/tickets/{ticket_id}/resolve", {}, token=sun)[0] == 400
    done = console.call("POST", f"/api/tickets/{ticket_id}/resolve", {"note": "已换绑新卡，款项今日重新打出"},
                        token=sun)[1]
    assert done["status"] == "resolved" and done["resolved_at"] and done["minutes_to_resolve"] is not None
    assert [step["what"] for step in done["history"]] == ["claim", "release", "claim", "note", "merchant_message",
                                                          "resolve"]
    first = texts(stack.say(sender, "在吗"))
    assert "已经处理完毕" in first and "已换绑新卡，款项今日重新打出" in first  # kept for the next message (REST)
    assert "1 满意" in first
    assert first.count("已换绑新卡") == 1 and "已换绑新卡" not in texts(stack.say(sender, "好"))  # told once
    status_reply = texts(stack.say(sender, f"{ticket_id} 处理好了吗"))
    assert "已经处理完毕" in status_reply and "孙悦" in status_reply and "已换绑新卡" in status_reply
    assert console.call("POST", f"/api/tickets/{ticket_id}/claim", token=li)[0] == 409


def test_while_a_person_holds_the_case_the_merchant_is_answered_told_who_and_heard(stack, console, li):
    sender, ticket_id = new_ticket(stack)
    console.call("POST", f"/api/tickets/{ticket_id}/claim", token=li)
    replies = stack.say(sender, "结算卡我已经换了 能快点吗")
    assert "李娜" in texts(replies) and ticket_id in texts(replies) and len(replies) >= 2  # and still answered
    ticket = console.call("GET", f"/api/tickets/{ticket_id}", token=li)[1]
    assert ticket["history"][-1]["what"] == "merchant_message" and "能快点吗" in ticket["history"][-1]["text"]


def test_a_supervisor_reassigns_and_an_agent_cannot(stack, console, li, wang):
    _, ticket_id = new_ticket(stack)
    console.call("POST", f"/api/tickets/{ticket_id}/claim", token=li)
    assert console.call("POST", f"/api/tickets/{ticket_id}/reassign", {"agent": "zhao"}, token=li)[0] == 403
    moved = console.call("POST", f"/api/tickets/{ticket_id}/reassign", {"agent": "zhao"}, token=wang)
    assert moved[0] == 200 and moved[1]["agent_name"] == "赵强"


def test_a_resolution_reaches_an_open_chat_page_live(stack, console, li):
    tab = WidgetPeer(stack.url)
    try:
        ticket_id = ticket_in("\n".join(tab.say(RETURNED_005)))
        assert console.call("POST", f"/api/tickets/{ticket_id}/resolve", {"note": "款项已重新打出，请查收"},
                            token=li)[0] == 200
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not any("款项已重新打出" in (m.get("text") or "") for m in tab.received):
            time.sleep(0.2)
        news = [m["text"] for m in tab.received if "款项已重新打出" in (m.get("text") or "")]
        assert len(news) == 1 and ticket_id in news[0]  # nothing sent: it came by itself, once
    finally:
        tab.client.disconnect()


def test_a_resolution_reaches_a_wechat_follower_through_the_customer_service_api(stack, console, wechat_api, li):
    wechat, openid = WeChatServers(stack, wechat_api), follower()
    ticket_id = ticket_in(wechat.say(openid, RETURNED_005))
    console.call("POST", f"/api/tickets/{ticket_id}/resolve", {"note": "已为您重新打款"}, token=li)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not any("已为您重新打款" in t for t in wechat_api.texts_to(openid)):
        time.sleep(0.2)
    assert [t for t in wechat_api.texts_to(openid) if "已为您重新打款" in t and ticket_id in t]


def test_a_resolution_is_told_in_the_next_call_from_the_same_number(stack, console, li):
    caller, first_call = "13800138000", f"call-{uuid.uuid4().hex[:8]}"
    status, answer = stack.ivr({"call_id": first_call, "transcript": "前天刷卡三千块没到账 商户号八九八三一零零零零零零零零零五",
                                "confidence": 0.95, "caller": caller})
    ticket_id = answer.get("transfer", {}).get("ticket") or ticket_in("".join(m["text"] for m in answer["messages"]))
    console.call("POST", f"/api/tickets/{ticket_id}/resolve", {"note": "已重新打款到新卡"}, token=li)
    time.sleep(1)
    status, answer = stack.ivr({"call_id": f"call-{uuid.uuid4().hex[:8]}", "transcript": "你好",
                                "confidence": 0.95, "caller": caller})
    assert status == 200 and "已重新打款到新卡" in "".join(m["text"] for m in answer["messages"])


def test_cookie_changes_need_the_csrf_token_and_the_consoles_own_origin(stack, console):
    _, ticket_id = new_ticket(stack)
    jar = urllib.request.HTTPCookieProcessor()
    browser = urllib.request.build_opener(jar, NoRedirect())
    form = urllib.parse.urlencode({"username": "zhao", "password": PASSWORD, "next": "/"}).encode()
    with pytest.raises(urllib.error.HTTPError) as logged_in:  # 303 to the queue
        browser.open(console.url + "/login", data=form)
    assert logged_in.value.code == 303
    cookie = next(c for c in jar.cookiejar)
    assert cookie.has_nonstandard_attr("HttpOnly") and cookie._rest.get("SameSite") == "Strict"
    me = __import__("json").loads(browser.open(console.url + "/api/me").read())

    def post(headers):
        request = urllib.request.Request(f"{console.url}/api/tickets/{ticket_id}/notes", method="POST",
                                         data=b'{"text": "note"}', headers={"Content-Type": "application/json", **headers})
        try:
            return browser.open(request).status
        except urllib.error.HTTPError as error:
            return error.code
    assert post({}) == 403  # no CSRF token
    assert post({"X-CSRF-Token": "guessed"}) == 403
    assert post({"X-CSRF-Token": me["csrf"], "Origin": "http://evil.example"}) == 403
    assert post({"X-CSRF-Token": me["csrf"], "Sec-Fetch-Site": "cross-site"}) == 403
    assert post({"X-CSRF-Token": me["csrf"], "Origin": console.url.replace("127.0.0.1", "127.0.0.1")}) == 200
    cross_login = urllib.request.Request(console.url + "/login", data=form, headers={"Origin": "http://evil.example"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        browser.open(cross_login)
    assert refused.value.code == 403


def test_markup_a_merchant_typed_is_shown_as_text(stack, console, li):
    sender = f"x-{uuid.uuid4().hex[:6]}"
    stack.say(sender, '<script>alert("x")</script><img src=x onerror=alert(1)> 转人工')
    ticket_id = console.call("GET", "/api/tickets?status=open", token=li)[1]["tickets"]
    ticket_id = next(t["ticket_id"] for t in ticket_id if console.call(
        "GET", f"/api/tickets/{t['ticket_id']}", token=li)[1]["sender_id"] == f"rest:{sender}")
    request = urllib.request.Request(f"{console.url}/tickets/{ticket_id}", headers={"Authorization": f"Bearer {li}"})
    page = urllib.request.urlopen(request).read().decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page or "&lt;img" in page
    headers = urllib.request.urlopen(request).headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]


def test_the_figures_count_the_conversations_this_test_ran(stack, console, li):
    before = console.call("GET", "/api/analytics?days=1", token=li)[1]
    contained = f"a-{uuid.uuid4().hex[:6]}"
    assert "问题解决了吗" in texts(stack.say(contained, PAID_009))
    offered = stack.say(contained, "解决了")
    assert [b["title"] for b in offered[-1]["buttons"]] == ["满意", "一般", "不满意"]
    assert "谢谢您的评价" in texts(stack.say(contained, "满意"))
    assert "谢谢您的评价" not in texts(stack.say(contained, "满意"))  # rated once
    handed, ticket_id = new_ticket(stack)
    console.call("POST", f"/api/tickets/{ticket_id}/claim", token=li)
    stranger = f"s-{uuid.uuid4().hex[:6]}"
    stack.say(stranger, "你们能帮我办张信用卡吗")
    after = console.call("GET", "/api/analytics?days=1", token=li)[1]
    assert after["conversations"] - before["conversations"] == 3
    assert after["out_of_scope"] - before["out_of_scope"] == 1
    assert after["contained"] - before["contained"] == 1
    assert after["handed_over"] - before["handed_over"] == 1
    assert after["tickets"] - before["tickets"] == 1
    assert after["by_channel"]["rest"]["conversations"] - before["by_channel"].get("rest", {}).get("conversations", 0) == 2
    paid = lambda figures: figures["by_diagnosis"].get("already_paid", {}).get("contained", 0)  # noqa: E731
    assert paid(after) - paid(before) == 1
    rated = lambda figures: figures["satisfaction"]["by_case"]["contained"]["counts"]["satisfied"]  # noqa: E731
    assert rated(after) - rated(before) == 1 and after["satisfaction"]["rated"] - before["satisfaction"]["rated"] == 1
    assert after["median_minutes_to_claim"] is not None and 0 < after["containment_rate"] <= 1
    assert console.call("GET", "/api/analytics?days=0", token=li)[0] == 400


def test_asking_again_about_a_handed_over_case_names_the_same_ticket(stack, console, li):
    sender = f"again-{uuid.uuid4().hex[:6]}"
    first = texts(stack.say(sender, "昨天微信扫码收了588块，钱没到账 商户号898310000000500"))
    ticket_id = ticket_in(first)
    again = texts(stack.say(sender, "我那588块到底查到没有？我急用钱"))
    assert ticket_id in again
    mine = [t for t in console.call("GET", "/api/tickets", token=li)[1]["tickets"]
            if console.call("GET", f"/api/tickets/{t['ticket_id']}", token=li)[1]["sender_id"] == f"rest:{sender}"]
    assert [t["ticket_id"] for t in mine] == [ticket_id]
    ticket = console.call("GET", f"/api/tickets/{ticket_id}", token=li)[1]
    assert "微信" in ticket["summary"] and "我急用钱" in ticket["history"][-1]["text"]


def test_what_the_merchant_writes_before_anyone_claims_reaches_the_ticket(stack, console, li):
    sender, ticket_id = new_ticket(stack)
    stack.say(sender, "气死了，你们到底什么时候给我打钱！！")
    ticket = console.call("GET", f"/api/tickets/{ticket_id}", token=li)[1]
    assert ticket["status"] == "open" and "气死了" in ticket["history"][-1]["text"]
    assert "商户情绪激动" in ticket["priority_reasons"] and "商户情绪激动" in ticket["summary"]


def test_a_person_asked_for_with_the_details_is_given_at_once(stack):
    replies = texts(stack.say(f"p-{uuid.uuid4().hex[:6]}", "商户号898310000000009，前天刷的1500没到，直接给我转人工"))
    assert "已经结算到账" in replies and ticket_in(replies)


def test_a_note_too_long_is_refused_whole_and_a_refused_resolution_keeps_what_was_typed(stack, console, li, wang):
    _, ticket_id = new_ticket(stack)
    status, refused = console.call("POST", f"/api/tickets/{ticket_id}/resolve", {"note": "长" * 4001}, token=li)
    assert status == 400 and "4000" in refused["error"]
    console.call("POST", f"/api/tickets/{ticket_id}/claim", token=wang)
    form = urllib.parse.urlencode({"note": "已联系开户行，款项今天重新打出"}).encode()
    request = urllib.request.Request(f"{console.url}/tickets/{ticket_id}/resolve", data=form,
                                     headers={"Authorization": f"Bearer {li}"})
    with pytest.raises(urllib.error.HTTPError) as taken:
        urllib.request.urlopen(request)
    page = taken.value.read().decode()
    assert taken.value.code == 409 and "王芳" in page and "已联系开户行，款项今天重新打出</textarea>" in page
