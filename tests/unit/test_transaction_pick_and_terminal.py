"""Picking one of several transactions, and terminal guidance."""
from datetime import datetime
from decimal import Decimal

import pytest

from daozhang.clock import SHANGHAI
from daozhang.records import Transaction
from daozhang.terminal import code_in_answer, guidance
from daozhang.transaction_pick import describe, pick


def txn(tid, hour, amount):
    return Transaction(tid, "898310000000004", datetime(2026, 11, 22, hour, 15, tzinfo=SHANGHAI),
                       Decimal(amount), "card", "success")


CANDIDATES = [txn("A", 11, "500"), txn("B", 12, "800"), txn("C", 18, "1200")]


@pytest.mark.parametrize("reply, expected", [
    ("第二笔", "B"), ("第3个", "C"), ("2", "B"), ("八百那笔", "B"), ("1200块的", "C"),
    ("一千二百块那个", "C"), ("中午12点那笔", "B"), ("六点多那笔", "C"),
])
def test_the_merchant_can_name_a_candidate_many_ways(reply, expected):
    assert pick(CANDIDATES, reply).transaction_id == expected


def test_a_reply_naming_none_picks_none():
    assert pick(CANDIDATES, "不知道") is None


def test_candidates_are_listed_with_time_amount_and_channel():
    listing = describe(CANDIDATES)
    assert "2. 11月22日 12:15  800.00元  刷卡" in listing


def test_an_error_code_gets_its_meaning_and_advice():
    answer = guidance("a3")
    assert answer.key == "A3" and "网络" in answer.meaning and answer.advice


def test_a_symptom_without_code_gets_advice():
    assert guidance(None, "机器一直连不上网").key == "no_network"


def test_an_unknown_code_says_so():
    answer = guidance("Z9", "报错Z9")
    assert answer.meaning is None and not answer.advice


def test_the_screens_words_without_the_code_find_the_code():
    assert guidance(None, "显示余额不足").key == "51"


def test_a_code_in_a_short_answer_is_read_as_the_code():
    assert code_in_answer("屏幕上写着 Z1") == "Z1"
    assert code_in_answer("a3") == "A3" and code_in_answer("51") == "51"
    assert code_in_answer("余额不足") is None and code_in_answer("好的") is None
