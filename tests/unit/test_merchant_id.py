"""A merchant id given whole, in groups, or in pieces over several messages."""
import pytest

from daozhang.merchant_id import attempted_id, longest_digit_run, take_digits


def test_an_id_in_groups_is_one_run_but_an_amount_beside_an_id_is_not_joined():
    assert longest_digit_run("8983 1000 0000 003") == "898310000000003"
    assert longest_digit_run("零零零零 零零零 零零七") == "0000000007"
    assert longest_digit_run("收了800 商户号898310000000003") == "898310000000003"


def test_a_caller_pausing_after_a_few_digits_is_still_giving_the_id():
    first = take_digits("89831000", "商户号八九八三 幺零零零", spoken=True)
    assert first.part == "89831000"
    assert take_digits("0000007", "零零零零 零零七", part=first.part).complete == "898310000000007"
    assert take_digits("89831000", "89831000").missed  # typed and nothing said to come: a miss
    assert take_digits("123", "幺二三", spoken=True).missed  # three digits are no first part


def test_an_amount_before_a_whole_id_is_never_glued_to_it():
    assert longest_digit_run("今天早上刷卡1250 898310000000003") == "898310000000003"
    assert take_digits("334455667788", "参考号是三三四四五五六六七七八八", spoken=True).missed


def test_what_the_door_masked_is_never_read_as_the_id():
    assert attempted_id("我的卡号是***************0128，昨天收的钱没到", asked=True) is None  # not a 4-digit miss
    assert attempted_id("卡号**** **** **** 0128 密码******", asked=True) is None
    assert attempted_id("***************0128 商户号898310000000002", asked=True) == "898310000000002"


@pytest.mark.parametrize("text", ["我昨天收了三笔 五百 八百 一千二 银行只进了一笔", "两千三", "12月31号刷的",
                                  "嗯 就是那个支付宝的九十九块", "收了500", "扣了80块"])
def test_a_sum_a_date_or_a_time_is_never_an_attempt_at_the_id(text):
    """The merchant told of the sale; the id is asked for again, no miss counted."""
    assert attempted_id(text, asked=False) is None
    assert attempted_id(text, asked=True) is None
    assert attempted_id(text, asked=True, spoken=True) is None


def test_a_number_named_as_something_else_is_no_new_id_unasked():
    assert attempted_id("参考号是123456789012", asked=False) is None  # the id given before stands
    assert attempted_id("参考号是123456789012", asked=True) == "123456789012"  # asked: a miss, and why
    assert attempted_id("收了800 商户号898310000000003", asked=False) == "898310000000003"


@pytest.mark.parametrize("said", ["八九八三一零 零零零零 零零 零一一", "商户号是八九八三要零零零零零零零零零九",
                                  "八九八三 幺零零零 零零零零 零一一"])
def test_a_callers_id_in_uneven_groups_or_misheard_is_whole(said):
    assert attempted_id(said, asked=True, spoken=True) in {"898310000000011", "898310000000009"}
