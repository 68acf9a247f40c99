"""Sums in a merchant's words: which one is a fee charged, which one a sale."""
import re

import pytest

from daozhang.money import is_fee_charged
from daozhang.text.normalise import normalise_text


def charged(text):
    plain = normalise_text(text)
    return {m.group(0) for m in re.finditer(r"\d+", plain) if is_fee_charged(plain, m.start())}


@pytest.mark.parametrize("text, fees", [
    ("我刷卡收了一万块 怎么扣了80手续费", {"80"}),
    ("手续费怎么这么高 收了一万扣了八十", {"80"}),
    ("刷了3000，手续费18块对吗", {"18"}),
    ("手续费扣了80块", {"80"}),
    ("刷了2000手续费多少", set()),  # the sale whose fee is asked
    ("那800那笔手续费多少？1200的呢", set()),
    ("收了5000 扣了30 到账4970", set()),  # no fee named: the merchant's own sums
])
def test_the_fee_charged_is_told_from_the_sale(text, fees):
    assert charged(text) == fees
