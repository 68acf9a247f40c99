"""When to ask which problem it is, and how the merchant's answer is read."""
import pytest

from daozhang.triage import NONE_OF_THESE, TriagePolicy


@pytest.fixture(scope="module")
def triage():
    return TriagePolicy.load()


def ranking(*pairs):
    return [{"name": name, "confidence": confidence} for name, confidence in pairs]


def test_out_of_scope_with_a_problem_close_behind_asks(triage):
    assert triage.should_ask(ranking(("out_of_scope", 0.45), ("fee_inquiry", 0.30), ("greet", 0.05)))


def test_a_clear_refusal_does_not_ask(triage):
    assert not triage.should_ask(ranking(("out_of_scope", 0.93), ("fee_inquiry", 0.02)))


def test_a_fallback_whose_best_guess_is_a_problem_asks(triage):
    assert triage.should_ask(ranking(("nlu_fallback", 0.4), ("payment_not_arrived", 0.31),
                                     ("out_of_scope", 0.25)))


def test_a_clear_problem_or_small_talk_is_not_questioned(triage):
    assert not triage.should_ask(ranking(("payment_not_arrived", 0.8), ("out_of_scope", 0.1)))
    assert not triage.should_ask(ranking(("greet", 0.6), ("payment_not_arrived", 0.3)))


def test_every_problem_is_a_choice_and_none_of_these_is_the_last(triage):
    titles = [title for title, _ in triage.buttons(qr=False)]
    assert titles[0] == "收款没到账" and triage.buttons(qr=False)[-1] == ("都不是", NONE_OF_THESE)


@pytest.mark.parametrize("answer,expected", [
    ("1", "payment_not_arrived"), ("选2", "settlement_delayed"), ("第三个", "fee_inquiry"),
    ("4", "refund_issue"), ("五", "terminal_error"), ("6", NONE_OF_THESE),
    ("/refund_issue", "refund_issue"), ("手续费的问题", "fee_inquiry"), ("机器坏了", "terminal_error"),
    ("就是到账太慢了", "settlement_delayed"), ("都不是", NONE_OF_THESE), ("钱没有到账", "payment_not_arrived"),
])
def test_answers_by_tap_digit_or_words(triage, answer, expected):
    assert triage.resolve(answer, qr=False) == expected


def test_money_not_arrived_after_a_qr_message_is_the_qr_problem(triage):
    assert triage.resolve("1", qr=True) == "qr_payment_not_arrived"
    assert triage.names_qr("顾客扫我的收钱码付的", None)
    assert triage.names_qr("付了钱", "alipay")
    assert not triage.names_qr("刷卡的钱", "card")


def test_an_answer_that_names_nothing_falls_back_to_what_the_classifier_heard(triage):
    assert triage.resolve("嗯嗯", qr=False, parsed_intent="refund_issue") == "refund_issue"
    assert triage.resolve("不知道", qr=False, parsed_intent="deny") is None  # asked once more
    assert triage.resolve("我想问问天气", qr=False, parsed_intent="out_of_scope") == NONE_OF_THESE
    assert triage.resolve("我是持卡人，我卡被扣了两次", qr=False, parsed_intent="fee_inquiry") == NONE_OF_THESE
    assert triage.resolve("你好呀", qr=False, parsed_intent="greet") is None


@pytest.mark.parametrize("text,where", [
    ("花呗怎么还款", "95188"), ("我的微粒贷借款还没放款", "放款"), ("信用卡账单多了一笔", "发卡银行"),
    ("微信零钱提现", "95017"),
])
def test_a_refusal_says_where_to_go_when_the_words_show_it(triage, text, where):
    assert where in triage.referral(text)


def test_no_referral_when_nothing_shows_whose_question_it_is(triage):
    assert triage.referral("帮我订一张去上海的机票") == ""


def test_a_dismissed_message_about_a_merchants_takings_is_asked_about(triage):
    dismissed = ranking(("out_of_scope", 0.9), ("greet", 0.05))
    assert triage.should_ask(dismissed, "问一下货款的事")
    assert triage.should_ask(dismissed, "妈的 你们这什么破公司 钱到现在都不给我")  # angry, never turned away
    assert not triage.should_ask(dismissed, "帮我订一张去上海的机票")


def test_takings_words_in_someone_elses_question_do_not_ask(triage):
    dismissed = ranking(("out_of_scope", 0.9), ("greet", 0.05))
    assert not triage.should_ask(dismissed, "借款怎么还没到账")
    assert not triage.should_ask(dismissed, "信用卡还款到账了吗")
