"""DZ_ADAPTER=http,wechatpay,alipay through a running stack: the action server builds the backends
from its environment (the fakes' addresses, keys read from files), and the merchant hears what the
acquirer's record and the wallet said, or which wallet could not be checked, or that nothing could
be looked up. The fakes are the contract tests' (tests/support/fake_*.py), served from a thread."""
import json
import time
import uuid

import pytest
import redis

from tests.support import fake_acquirer
from tests.support.backend_settings import wallet_environment
from tests.support.fake_acquirer import FakeAcquirer, with_qr_sales
from tests.support.fake_alipay import FakeAlipay
from tests.support.fake_server import served_in_thread
from tests.support.fake_wechatpay import FakeWechatPay
from tests.support.stack import Stack

DAY_AFTER_THE_SALES = "2026-11-21"  # fake_acquirer.QR_SALES were made on 2026-11-20
REPLY_SECONDS = 12  # the wallets' and the ledger's own limits are 2 s and 2.5 s (backends.yml)


@pytest.fixture(scope="module")
def fakes():
    servers = {"http": FakeAcquirer(with_qr_sales()), "wechatpay": FakeWechatPay(), "alipay": FakeAlipay()}
    with served_in_thread(*servers.values()):
        yield servers


@pytest.fixture(scope="module")
def backed(tmp_path_factory, fakes):
    folder = tmp_path_factory.mktemp("backends")
    # DZ_LOOKUP_TIMEOUT as shipped (3 s; the other stacks' 2 s is under backends.yml's `combined` limits)
    running = Stack(folder, redis_db=6, DZ_TODAY=DAY_AFTER_THE_SALES, DZ_LOOKUP_TIMEOUT="3",
                    DZ_ADAPTER="http,wechatpay,alipay",
                    DZ_HTTP_BASE_URL=fakes["http"].url, DZ_HTTP_TOKEN=fake_acquirer.TOKEN,
                    DZ_WECHATPAY_BASE_URL=fakes["wechatpay"].url, DZ_ALIPAY_GATEWAY=fakes["alipay"].url,
                    **wallet_environment(folder)).start()
    yield running
    running.stop()


def ask(stack, merchant_id: str) -> tuple:
    """The QR problem with the merchant id and the settlement card's tail (the check), as one message:
    the reply's text, how long it took, and the conversation's slots."""
    sender = f"backends-{uuid.uuid4().hex[:6]}"
    started = time.monotonic()
    replies = stack.say(sender, f"顾客扫码付了368块我没收到 商户号{merchant_id} 结算卡尾号7720")
    seconds = time.monotonic() - started
    return "\n".join(r.get("text", "") for r in replies), seconds, stack.tracker(sender)["slots"]


def test_a_sale_the_wallet_saw_paid_is_never_called_unpaid_and_goes_to_a_person_at_once(backed, fakes):
    said, _, slots = ask(backed, "898310000000022")  # the acquirer: closed; WeChat Pay: paid
    assert "微信支付显示顾客已经付款成功" in said and "368" in said
    assert "没有完成支付" not in said
    assert slots["diagnosis"] == "pending_settlement" and slots["handoff_ticket"] in said
    kept = redis.Redis(host=backed.redis_host, port=backed.redis_port, db=backed.redis_db, decode_responses=True)
    ticket = json.loads(kept.get(f"daozhang:ticket:{slots['handoff_ticket']}"))
    assert ticket["diagnosis"] == "pending_settlement"
    assert "两边记录不一致" in json.dumps(ticket["adapter_results"], ensure_ascii=False)
    assert any(path.startswith("/v3/pay/partner/transactions/") for path in fakes["wechatpay"].hits)


def test_the_wallet_agreeing_is_said_and_a_refund_it_saw_is_a_refund(backed):
    said, _, slots = ask(backed, "898310000000024")  # Alipay: waiting for the buyer, as the acquirer says
    assert slots["diagnosis"] == "qr_not_paid" and "支付宝那边也确认" in said
    said, _, slots = ask(backed, "898310000000023")  # the acquirer: success; Alipay: refunded in full
    assert slots["diagnosis"] == "refunded" and "退款" in said


def test_a_wallet_that_does_not_answer_is_named_and_the_acquirers_record_answers_in_time(backed, fakes):
    fakes["wechatpay"].always = "slow"
    try:
        said, seconds, slots = ask(backed, "898310000000021")
    finally:
        fakes["wechatpay"].always = None
    assert seconds < REPLY_SECONDS
    assert slots["diagnosis"] == "qr_not_paid"
    assert "微信支付那边暂时查不到这笔订单，以上结论依据的是收单机构的记录。" in said


def test_the_acquirer_down_is_said_with_a_ticket_not_an_unknown_merchant(backed, fakes):
    fakes["http"].always = 503  # last in this file: the breaker stays open 30 s afterwards
    try:
        said, seconds, slots = ask(backed, fake_acquirer.MERCHANT)
    finally:
        fakes["http"].always = None
    assert seconds < REPLY_SECONDS
    assert slots["diagnosis"] == "lookup_unavailable" and slots["handoff_ticket"] in said
    assert "商户号不存在" not in said and "没有找到" not in said
