"""A merchant id given whole, in groups, or in pieces over several messages."""
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
