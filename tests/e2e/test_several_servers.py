"""Two Rasa servers and two action servers behind nginx (the shipped configuration), one Redis:
merchants' turns land on either server and nothing is lost, answered twice or put out of order;
a widget session and WeChat's retries carry over from one server to the other."""
import threading
import time
import uuid

import pytest

from tests.support.cluster import Cluster
from tests.support.fake_wechat_api import FakeWeChatApi
from tests.support.wechat_peer import APP_ID, APP_SECRET, WeChatServers, account_settings, follower, signed
from tests.support.widget_peer import WidgetPeer

# A merchant's way through a case: greeting, the problem, the merchant id (sandbox: an unpaid QR order).
CASE = ["你好", "二维码收款没到账", "商户号898310000000002", "好的谢谢"]


@pytest.fixture(scope="module")
def wechat_api():
    fake = FakeWeChatApi(APP_ID, APP_SECRET).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, wechat_api):
    running = Cluster(tmp_path_factory.mktemp("cluster"), redis_db=3,
                      **account_settings(wechat_api.url, passive_seconds=4)).start()
    yield running
    running.stop()


def user_texts(tracker: dict) -> list:
    return [e["text"] for e in tracker["events"] if e["event"] == "user"]


def test_every_turn_of_a_conversation_alternates_between_the_servers_and_none_is_lost(cluster):
    """Five conversations, their turns taken in rotation: nginx's round robin sends each turn of
    a conversation to the other server than its last one."""
    senders = [f"alternate-{uuid.uuid4().hex[:8]}" for _ in range(5)]
    for text in CASE:
        for sender in senders:
            assert cluster.say(sender, text), f"no answer to {text!r}"
    served = cluster.turns_served(senders, len(CASE))
    for sender in senders:
        hops = served[sender]
        assert len(hops) == len(CASE)
        assert all(a != b for a, b in zip(hops, hops[1:])), f"{sender} stayed on one server: {hops}"
        tracker = cluster.tracker(sender)
        assert user_texts(tracker) == CASE
        assert tracker["slots"]["diagnosis"] == "qr_not_paid"


def test_concurrent_conversations_and_bursts_lose_nothing_and_answer_each_message_once(cluster):
    """Eight merchants at once; each also sends two lines at the same moment, which land on both
    servers and queue on the conversation's lock in Redis."""
    senders = [f"busy-{uuid.uuid4().hex[:8]}" for _ in range(8)]
    answers, failures = {}, []

    def merchant(sender: str) -> None:
        try:
            for text in CASE[:2]:
                answers.setdefault(sender, []).append(cluster.say(sender, text))
            burst = [threading.Thread(target=lambda t=t: answers[sender].append(cluster.say(sender, t)))
                     for t in ("商户号898310000000002", "是今天上午的")]
            for thread in burst:
                thread.start()
            for thread in burst:
                thread.join()
        except Exception as error:  # noqa: BLE001 (reported below)
            failures.append(f"{sender}: {error!r}")

    threads = [threading.Thread(target=merchant, args=(sender,)) for sender in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert failures == []
    served = cluster.turns_served(senders, 4)
    assert {hop for sender in senders for hop in served[sender]} == {
        f"127.0.0.1:{stack.rasa_port}" for stack in cluster.stacks}, "one server took every turn"
    for sender in senders:
        assert len(answers[sender]) == 4 and all(answers[sender]), "a message got no answer"
        said = user_texts(cluster.tracker(sender))
        assert said[:2] == CASE[:2], "the turns are out of order"
        assert sorted(said[2:]) == sorted(["商户号898310000000002", "是今天上午的"]), f"lost or doubled: {said}"


def test_a_widget_session_carries_on_on_the_other_server(cluster):
    first_server, second_server = cluster.stacks
    tab = WidgetPeer(first_server.url)
    try:
        assert tab.say("二维码收款没到账")
        session = tab.session_id
    finally:
        tab.close()
    moved = WidgetPeer(second_server.url, session_id=session)  # the first server went away
    try:
        assert moved.session_id == session, "the other server did not know the session"
        assert moved.say("商户号898310000000002")
    finally:
        moved.close()
    assert user_texts(cluster.tracker(session, channel="socketio")) == ["二维码收款没到账", "商户号898310000000002"]
    through_nginx = WidgetPeer(cluster.url, session_id=session)  # and through the balancer
    try:
        assert through_nginx.session_id == session and through_nginx.say("好的")
    finally:
        through_nginx.close()


def test_wechats_retry_on_the_other_server_is_answered_once(cluster, wechat_api):
    servers = [WeChatServers(stack, wechat_api) for stack in cluster.stacks]
    openid, query = follower(), signed()
    xml = servers[0].message(openid, "text", Content="二维码收款没到账")
    first, again = servers[0].post(xml, query=query), servers[1].post(xml, query=query)
    assert first[0] == again[0] == 200

    def answers() -> int:  # passive replies, and what came through the customer-service API
        return sum(len(s.passive_replies.get(openid, [])) for s in servers) + len(wechat_api.texts_to(openid))

    deadline = time.monotonic() + 30  # a slow turn is answered through the API after the passive window
    while answers() == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1)  # a second answer would have come by now
    assert answers() == 1, "answered twice, or not at all"
    assert servers[0].user_texts(openid) == ["二维码收款没到账"]

