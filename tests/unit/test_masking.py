"""Card numbers, passwords and SMS codes never survive masking."""
import pytest

from daozhang.masking import CARD_NUMBER, SECRET, mask


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


@pytest.mark.parametrize("text", [
    "商户号898310000000003",          # 15 digits: an id, not a card
    "参考号123456789012",
    "卡号6222021234567890",           # 16 digits but fails Luhn
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
