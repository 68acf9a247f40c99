"""Replies read out on the hotline: what a caller hears must make sense without a screen."""
import pytest

from daozhang.speech import digit_by_digit, for_the_ear, money, ssml


@pytest.mark.parametrize("figure, said", [
    ("2,300.00", "两千三百元"), ("368.00", "三百六十八元"), ("368.50", "三百六十八元五角"),
    ("0.60", "六角"), ("1.05", "一元零五分"), ("2", "两元"), ("20000", "两万元"), ("12,000.00", "一万二千元"),
])
def test_amounts_are_said_the_way_people_say_them(figure, said):
    assert money(figure) == said


def test_ids_are_read_digit_by_digit_with_yao_for_one():
    assert digit_by_digit("898310000000002") == "八九八三幺零零零零零零零零零二"


@pytest.mark.parametrize("written, heard", [
    ("这笔2,300.00元预计11月30日（周一）到账。", "这笔两千三百元预计十一月三十日星期一到账。"),
    ("订单¥368.00在10:05创建", "订单三百六十八元在十点零五分创建"),
    ("商户号898310000000002", "商户号八九八三幺零零零零零零零零零二"),
    ("您的工单号是HO20261129-0007。", "您的工单号是H O 二零二六幺幺二九杠零零零七。"),
    ("结算卡尾号1234被冻结", "结算卡尾号幺二三四被冻结"),
    ("费率0.6%，手续费60.00元", "费率百分之零点六，手续费六十元"),
    ("一般T+1到账，3天内", "一般T加一到账，三天内"),
    ("2026-11-20的交易", "二零二六年十一月二十日的交易"),
    ("还可以试2次", "还可以试两次"),
    ("核对没有通过（还可以试2次）。", "核对没有通过，还可以试两次。"),
    ("在签购单顶部“商户编号”处", "在签购单顶部商户编号处"),
    ("【顾客实际没有付款成功】\n您的订单", "顾客实际没有付款成功。您的订单"),
])
def test_numbers_dates_and_ids_are_put_into_words(written, heard):
    assert for_the_ear(written) == heard


def test_links_emoji_and_markup_are_not_read_out():
    heard = for_the_ear("不好意思😅 **注意**：详见 https://example.com/help 页面")
    assert heard == "不好意思 注意：详见 页面"


def test_numbered_choices_are_read_as_a_list():
    heard = for_the_ear("您遇到的是哪一类问题？\n1. 收款没到账 2. 到账慢")
    assert heard == "您遇到的是哪一类问题？一，收款没到账 二，到账慢"
    assert not any(ch.isdigit() for ch in heard)


def test_the_ssml_says_the_same_words_and_escapes_markup():
    spoken = for_the_ear("好的<b & c。再见")
    assert ssml(spoken) == '<speak>好的&lt;b &amp; c。<break time="300ms"/>再见</speak>'


def test_words_written_for_a_screen_are_said_for_the_phone():
    assert for_the_ear("请回复结算卡后四位。") == "请说出结算卡后四位。"
    assert for_the_ear("请再发一次商户号") == "请再说一次商户号"
