"""Entities: every contract value format, whatever form the merchant used."""
from datetime import date

import pytest

from daozhang.entities.finder import EntityFinder
from daozhang.masking import is_card_number
from daozhang.text.normalise import normalise_text

TODAY = date(2026, 11, 23)  # a Monday


def found(text, today=TODAY):
    finder = EntityFinder.shared()
    return {(e.entity, e.value) for e in finder.find(normalise_text(text), today)}


@pytest.mark.parametrize("text, entity, value", [
    ("商户号八九八三一零零零零零零零零零三", "merchant_id", "898310000000003"),
    ("我的商户编号是898310000000001", "merchant_id", "898310000000001"),
    ("８９８３１００００００００１１", "merchant_id", "898310000000011"),
    ("终端号ab123456", "terminal_id", "AB123456"),
    ("终端号12345678", "terminal_id", "12345678"),
    ("两千三百块", "amount", "2300"),
    ("¥1,999.50", "amount", "1999.5"),
    ("收了2k", "amount", "2000"),
    ("刷了一万二", "amount", "12000"),
    ("付了368", "amount", "368"),
    ("九十九块九", "amount", "99.9"),
    ("昨天刷的", "txn_date", "2026-11-22"),
    ("今天下午", "txn_date", "2026-11-23"),
    ("前天", "txn_date", "2026-11-21"),
    ("大前天", "txn_date", "2026-11-20"),
    ("上周五", "txn_date", "2026-11-20"),
    ("11月20号", "txn_date", "2026-11-20"),
    ("十一月二十号", "txn_date", "2026-11-20"),
    ("11.20刷的", "txn_date", "2026-11-20"),
    ("25号那笔", "txn_date", "2026-10-25"),
    ("卡号后四位6789", "card_last4", "6789"),
    ("尾号六七八九", "card_last4", "6789"),
    ("参考号123456789012", "reference_no", "123456789012"),
    ("微信扫码", "payment_channel", "wechat"),
    ("威信收的", "payment_channel", "wechat"),
    ("支付宝", "payment_channel", "alipay"),
    ("云闪付", "payment_channel", "unionpay_qr"),
    ("插卡", "payment_channel", "card"),
    ("挥卡", "payment_channel", "card"),
    ("我是工行的卡", "bank", "工商银行"),
    ("ICBC", "bank", "工商银行"),
    ("平安的POS机", "bank", "平安银行"),
    ("報錯a3", "error_code", "A3"),
    ("应答码51", "error_code", "51"),
])
def test_contract_values(text, entity, value):
    assert (entity, value) in found(text)


def test_a_message_with_everything():
    assert found("商户号898310000000003，昨天用微信收了两千三百块，工行卡尾号6789") == {
        ("merchant_id", "898310000000003"), ("txn_date", "2026-11-22"),
        ("payment_channel", "wechat"), ("amount", "2300"), ("bank", "工商银行"),
        ("card_last4", "6789"),
    }


def test_an_ivr_transcript():
    assert found("嗯那个我的商户号是八九八三幺零零零零零零零零零一昨天刷了五百块到现在没到账") == {
        ("merchant_id", "898310000000001"), ("txn_date", "2026-11-22"), ("amount", "500"),
    }


def test_an_amount_is_never_an_id_and_an_id_never_an_amount():
    assert found("收了898310000000003块") == {("merchant_id", "898310000000003")}
    assert found("金额2300商户号898310000000003") == {
        ("amount", "2300"), ("merchant_id", "898310000000003")}


def test_a_card_number_is_never_an_id():
    assert is_card_number("6222021234567894")
    assert found("卡号6222021234567894") == set()


@pytest.mark.parametrize("text", ["三天了还没到", "第一笔", "费率0.6%", "等了两天", "一些钱"])
def test_numbers_that_are_not_entities(text):
    assert found(text) == set()


@pytest.mark.parametrize("text", ["到今天都没到账", "今天能到账吗", "今天天气怎么样"])
def test_today_as_the_day_of_speaking_is_not_a_transaction_date(text):
    assert not {e for e in found(text) if e[0] == "txn_date"}


def test_today_next_to_a_sale_is_a_transaction_date():
    assert ("txn_date", "2026-11-23") in found("今天上午刷的那笔")


def test_a_date_in_the_future_is_last_years():
    assert ("txn_date", "2025-12-30") in found("12月30号刷的", today=date(2026, 1, 2))


@pytest.mark.parametrize("text", ["明天周一能到吗", "周一能到账吗", "30号能到吗", "下周一能结算吗", "周一可以吗"])
def test_a_day_asked_about_as_a_payout_day_is_not_the_sale_day(text):
    assert "txn_date" not in {e.entity for e in EntityFinder.shared().find(normalise_text(text), date(2026, 11, 29))}


def test_the_sale_day_beside_a_payout_question_is_kept():
    found = EntityFinder.shared().find(normalise_text("周五刷的 周一能到吗"), date(2026, 11, 29))
    assert [(e.entity, e.value) for e in found if e.entity == "txn_date"] == [("txn_date", "2026-11-27")]


def test_the_digits_left_of_a_masked_card_number_are_not_an_amount():
    from daozhang.masking import mask

    masked = mask("我的卡号是6222021234567894，昨天刷卡的钱没到账").text
    found = {e.entity for e in EntityFinder.shared().find(normalise_text(masked), TODAY)}
    assert "amount" not in found and "txn_date" in found


def test_a_card_tail_in_a_dispute_is_no_amount_and_a_what_if_day_is_no_sale_day():
    from daozhang.entities.finder import EntityFinder
    from daozhang.text.normalise import normalise_text

    def found(text):
        return {e.entity: e.value for e in EntityFinder.shared().find(normalise_text(text))}

    assert "amount" not in found("我卡尾号不是6789")
    assert "amount" not in found("后四位应该是0001啊")
    assert "txn_date" not in found("要是周一还不到呢")
    assert found("周一刷的两千还没到")["amount"] == "2000"
