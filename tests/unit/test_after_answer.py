"""What a message after an explanation asks for, read from its words whatever the classifier says."""
from datetime import date

import pytest

from daozhang.after_answer import (
    asks_capabilities,
    asks_for_person,
    asks_general_rule,
    asks_hotline,
    day_asked,
    disputes,
    is_what_if,
    names_another_sale,
    says_buyer,
    says_goodbye,
    says_no_thanks,
    says_nothing,
    says_solved,
    says_thanks,
)

SATURDAY = date(2026, 12, 5)


@pytest.mark.parametrize("text", ["提交", "提交工单", "帮我登记一下", "那就转吧", "算了还是帮我提交吧",
                                  "can I talk to a real person", "转人工", "找个真人跟我说", "麻烦让人打电话给我",
                                  "幫我提交工單"])
def test_a_person_or_a_ticket_asked_for_in_any_words(text):
    assert asks_for_person(text)


@pytest.mark.parametrize("text", ["不用转了", "先不用提交", "我的工单怎么样了", "工单进度查一下",
                                  "好的", "明天能到吗", "不需要人工"])
def test_no_request_for_a_person(text):
    assert not asks_for_person(text)


@pytest.mark.parametrize("text", ["我卡尾号不是6789", "不是我退的", "我没收到这笔", "流水里没有啊", "你们查错了吧"])
def test_a_dispute_of_what_was_found(text):
    assert disputes(text)


def test_a_what_if_is_not_a_date_question():
    assert is_what_if("要是周一还不到呢") and is_what_if("万一到时候没到账怎么办")
    assert not is_what_if("周一能到吗")


@pytest.mark.parametrize("text, expected", [
    ("明天能到吗", date(2026, 12, 6)), ("那后天呢", date(2026, 12, 7)), ("大后天可以吗", date(2026, 12, 8)),
    ("周一几点到", date(2026, 12, 7)), ("下周二能到吗", date(2026, 12, 8)), ("8号可以吗", date(2026, 12, 8)),
    ("到今天都没到", None)])
def test_the_day_asked_about(text, expected):
    assert day_asked(text, SATURDAY) == expected


def test_general_questions_buyers_and_other_sales():
    assert asks_general_rule("周五晚上刷的卡一般什么时候到账") and asks_general_rule("我就问问规则")
    assert says_buyer("我是顾客 付了钱商家说没收到") and not says_buyer("顾客说卡里扣了 我没收到")
    assert names_another_sale("还有一笔也没到") and not names_another_sale("能加急吗")


@pytest.mark.parametrize("text", ["解决了", "钱到了 谢谢", "已经到了，没事了", "收到了。"])
def test_solved_said(text):
    assert says_solved(text)


@pytest.mark.parametrize("text", ["昨天的钱到了吗", "钱到了没", "到账了没有", "解决了？", "那钱到了呢"])
def test_solved_asked_is_a_question_not_the_end(text):
    assert not says_solved(text)


@pytest.mark.parametrize("text", ["?", "。", "？？", "……", " ~ "])
def test_a_mark_alone_says_nothing(text):
    assert says_nothing(text)


@pytest.mark.parametrize("text", ["好", "嗯", "1", "ok", "👍", "[强]", "[OK]"])
def test_a_word_a_digit_or_a_sign_of_yes_says_something(text):
    assert not says_nothing(text)


@pytest.mark.parametrize("text", ["客服电话多少", "你们热线是几号", "人工电话给我一个", "打哪个电话能找到人"])
def test_the_hotline_asked_for(text):
    assert asks_hotline(text)


@pytest.mark.parametrize("text", ["打电话给我", "让客服回电", "转人工", "我电话13800138000"])
def test_a_call_back_or_a_person_is_not_the_hotline_asked(text):
    assert not asks_hotline(text)


def test_thanks():
    assert says_thanks("哦 那是我看错卡了 谢谢") and says_thanks("好的多谢") and not says_thanks("钱没到账")


def test_no_thanks_and_goodbye():
    assert says_no_thanks("不用了") and says_no_thanks("先不提交") and not says_no_thanks("到账金额不对")
    assert says_goodbye("谢谢 再见") and says_goodbye("好的谢谢 拜拜") and not says_goodbye("谢谢")


def test_what_the_assistant_can_do_asked():
    assert asks_capabilities("你能干啥") and asks_capabilities("你能帮我做什么") and not asks_capabilities("钱没到账")
