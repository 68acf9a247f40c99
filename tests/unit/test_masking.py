"""Card numbers, passwords and SMS codes never survive masking."""
import pytest

from daozhang import masking
from daozhang.masking import CARD_NUMBER, SECRET, mask, mask_phone, mask_text


@pytest.mark.parametrize("text, expected", [
    ("我的卡号6222021234567894", "我的卡号************7894"),
    ("卡号 6222 0212 3456 7894 查一下", "卡号 ************7894 查一下"),
    ("卡号六二二二零二一二三四五六七八九四", "卡号************7894"),
    ("４１１１１１１１１１１１１１１１", "************1111"),
])
def test_luhn_valid_card_numbers_are_masked_to_the_last_four(text, expected):
    result = mask(text)
    assert result.text == expected
    assert result.kinds == {CARD_NUMBER}


@pytest.mark.parametrize("text, expected", [
    ("卡号6222021234567890", "卡号************7890"),  # said to be a card: masked though the check digit fails
    ("我卡号是6222021234567890127 钱没到", "我卡号是***************0127 钱没到"),
    ("客人的卡号是6214\u30008300\u30001234\u30005673", "客人的卡号是************5673"),  # a full-width space
    ("卡号６２１４－８３００－１２３４－５６７３", "卡号************5673"),
    ("银行卡：6214.8300.1234.5673", "银行卡：************5673"),
    ("卡号6214_8300_1234_5673", "卡号************5673"),
])
def test_a_number_said_to_be_a_card_is_masked_whatever_its_separators_or_check_digit(text, expected):
    result = mask(text)
    assert result.text == expected and result.kinds == {CARD_NUMBER}


def test_a_tail_or_a_short_number_after_the_word_card_is_no_card():
    for text in ("卡号尾号5673", "结算卡号后四位1188", "卡号1234 5678", "金额12.50，时间2026-12-04 10:05"):
        assert mask(text).text == text


@pytest.mark.parametrize("text", [
    "商户号898310000000003",          # 15 digits: an id, not a card
    "参考号123456789012",
    "订单6222021234567890",           # 16 digits failing Luhn, not said to be a card
    "刷了2300块",
])
def test_ids_and_amounts_are_left_alone(text):
    assert mask(text).text == text and not mask(text).kinds


@pytest.mark.parametrize("text, expected", [
    ("密码是123456", "密码是******"),
    ("我的支付密码：654321你帮我看看", "我的支付密码：******你帮我看看"),
    ("验证码8848", "验证码******"),
    ("短信验证码是 五六七八", "短信验证码是 ******"),
    ("cvv 123", "cvv ******"),
])
def test_passwords_and_codes_are_masked(text, expected):
    result = mask(text)
    assert result.text == expected
    assert SECRET in result.kinds


# Phrasings a security reviewer tried as a new user would (issue 14), and more of the same kind.
@pytest.mark.parametrize("text, expected", [
    ("密码是 1 2 3 4 5 6", "密码是 ******"),
    ("取款PIN 246810", "取款PIN ******"),
    ("支付口令 654321", "支付口令 ******"),
    ("短信里的数字是834211", "短信里的数字是******"),
    ("登录密码是abc12345", "登录密码是******"),
    ("密码：１２３４５６", "密码：******"),
    ("密码是六五四三二一", "密码是******"),
    ("动态码 8 8 4 8，帮我看看", "动态码 ******，帮我看看"),
    ("我的pin是 2468", "我的pin是 ******"),
    ("我把密码改成了135790", "我把密码改成了******"),
    ("卡背面三位是 321", "卡背面三位是 ******"),
    ("我的密碼是 654321", "我的密碼是 ******"),                 # traditional characters
    ("驗證碼是 483920", "驗證碼是 ******"),
    ("簡訊驗證碼 556677", "簡訊驗證碼 ******"),
    ("支付密碼 幺二三四五六", "支付密碼 ******"),
    ("密 码 是 654321", "密 码 是 ******"),                     # the cue spaced out
    ("mima 654321", "mima ******"),                             # pinyin
    ("短信上说 739104 别告诉别人", "短信上说 ****** 别告诉别人"),
    ("口令 Zx9#kq", "口令 ******"),                              # symbols inside are part of it
])
def test_secrets_are_masked_however_they_are_written(text, expected):
    assert mask(text).text == expected and SECRET in mask(text).kinds


@pytest.mark.parametrize("text", ["密码忘了怎么办", "验证码一直收不到", "密码三次输错了", "PIN码错误",
                                  "刷了2300块 密码正确", "动态码六位数是吗", "短信通知我收到2300块",
                                  "我收到短信 显示扣款2300", "spinning123"])
def test_talk_about_secrets_without_one_is_left_alone(text):
    assert mask(text).text == text and not mask(text).kinds


def test_a_calling_number_keeps_only_its_ends():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("+86 138-1234-5678") == "138****5678"


def test_a_text_masked_again_gives_the_same_and_a_secret_is_never_remembered():
    card_line = "卡号6222021234567890128 怎么没到账"
    for _ in range(3):  # the store masks the same strings turn after turn
        assert mask_text("商户号898310000000003") == "商户号898310000000003"
        assert "6222021234567890128" not in mask_text(card_line)
    assert not any("6222021234567890128" in seen for seen in masking._SEEN_CLEAN)
