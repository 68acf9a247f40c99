"""Ratings: what counts as one, and an offer answered once or let lapse (real Redis)."""
import uuid

import pytest

from daozhang.satisfaction import CONTAINED, HANDED_OVER, RatingOffers, rating_buttons, rating_in, rating_payload
from daozhang.wiring import redis_client
from tests.support.blocking import Blocking


@pytest.mark.parametrize("text, rating", [
    ("1", "satisfied"), ("１", "satisfied"), ("满意", "satisfied"), ("非常满意！", "satisfied"), ("滿意", "satisfied"),
    ("好评", "satisfied"), ("2", "neutral"), ("一般吧", "neutral"), ("还行", "neutral"), ("3", "unsatisfied"),
    ("不满意", "unsatisfied"), ("差评。", "unsatisfied"), ("不太满意啊", "unsatisfied"),
])
def test_a_rating_in_a_tap_a_digit_or_a_word(text, rating):
    assert rating_in(text) == rating


@pytest.mark.parametrize("text", ["4", "12", "一般来说几天到账", "我对你们的处理速度很不满意", "好的", "谢谢", "",
                                  "898310000000003"])
def test_anything_else_is_no_rating(text):
    assert rating_in(text) is None


def test_the_buttons_carry_the_rating_and_the_case():
    buttons = rating_buttons(CONTAINED)
    assert [b["title"] for b in buttons] == ["满意", "一般", "不满意"]
    assert buttons[0]["payload"] == '/thank{"rating":"satisfied","rated_case":"contained"}'


@pytest.fixture
def offers(run):
    prefix = f"r{uuid.uuid4().hex[:8]}"
    store = Blocking(RatingOffers(redis_client("state", db=8), prefix), run)
    yield store
    for key in store.redis.keys(f"{prefix}:*"):
        store.redis.delete(key)


def test_an_offer_is_answered_once(offers):
    offers.offer("rest:a", HANDED_OVER)
    assert offers.answer("rest:a", "1") == rating_payload("satisfied", HANDED_OVER)
    assert offers.answer("rest:a", "1") is None  # once


def test_without_an_offer_a_digit_is_just_a_digit(offers):
    assert offers.answer("rest:b", "2") is None


def test_anything_else_lets_the_offer_lapse_never_pressed(offers):
    offers.offer("rest:c", CONTAINED)
    assert offers.answer("rest:c", "还有一笔也没到") is None
    assert offers.answer("rest:c", "满意") is None


def test_a_tapped_button_spends_the_offer(offers):
    offers.offer("rest:d", CONTAINED)
    assert offers.answer("rest:d", rating_payload("neutral", CONTAINED)) is None  # goes on as tapped
    assert offers.answer("rest:d", "3") is None
