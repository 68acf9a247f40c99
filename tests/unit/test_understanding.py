"""The reply that repeats the problem and the details back to the merchant."""
from daozhang.understanding import describe


def test_names_the_problem_and_every_detail():
    reply = describe("qr_payment_not_arrived", [
        {"entity": "amount", "value": "368"},
        {"entity": "payment_channel", "value": "wechat"},
        {"entity": "txn_date", "value": "2026-11-22"},
        {"entity": "merchant_id", "value": "898310000000002"},
    ])
    assert "扫码收的钱没到账" in reply
    assert "368元" in reply and "微信支付" in reply and "2026年11月22日" in reply
    assert "898310000000002" in reply


def test_never_pretends_a_diagnosis():
    assert "暂时还不能替您查" in describe("payment_not_arrived", [])


def test_details_alone_are_acknowledged():
    reply = describe("inform", [{"entity": "merchant_id", "value": "898310000000003"}])
    assert "商户号：898310000000003" in reply


def test_nothing_understood_asks_for_more():
    assert "具体" in describe("inform", [])
