"""No line of the real-world development set is in the training data, verbatim or near-verbatim.

The development set scores the NLU on text nobody here wrote; a line of it copied into `data/`
(with a word added, dropped or changed, or inside a longer message) would flatter that score
and break the set's rules. A development line counts as copied when, lower-cased and without
spaces and punctuation, in simplified characters, it is found inside a training example with
at most one character added, dropped or changed. Skipped where the set is absent (a user's clone).
"""
import re
from pathlib import Path

import pytest

from daozhang.text.normalise import to_simplified
from tools.realworld import DEV_SET, available, load

ROOT = Path(__file__).resolve().parents[2]
MIN_CHARS = 9  # shorter lines (有人在吗, 讲个笑话吧, 到现在也没到账) are what anyone writes


def plain(text: str) -> str:
    return re.sub(r"[\W_]+", "", to_simplified(text).lower())


def training_lines():
    from tools.evaluate import load_examples

    return [row["text"] for row in load_examples(ROOT / "data" / "nlu")]


def within_one_edit(needle: str, haystack: str) -> bool:
    """`needle` is in `haystack` with at most one character added, dropped or changed
    (approximate substring match: the needle's start may fall anywhere in the haystack)."""
    previous = [0] * (len(haystack) + 1)
    for i, char in enumerate(needle, 1):
        current = [i] + [0] * len(haystack)
        for j, other in enumerate(haystack, 1):
            current[j] = min(previous[j - 1] + (char != other), previous[j] + 1, current[j - 1] + 1)
        previous = current
    return min(previous) <= 1


def copied(dev_lines, training):
    """(development line, training line) pairs that are the same line."""
    plain_training = [(line, plain(line)) for line in training]
    found = []
    for dev in dev_lines:
        needle = plain(dev)
        if len(needle) < MIN_CHARS:
            continue
        halves = needle[:len(needle) // 2], needle[len(needle) // 2:]  # one edit leaves a half whole
        for line, text in plain_training:
            if (halves[0] in text or halves[1] in text) and within_one_edit(needle, text):
                found.append((dev, line))
    return found


def test_the_check_sees_a_copy_however_it_is_dressed():
    assert copied(["哪些商户刷卡有积分"], ["听说批发类商户刷卡没积分，哪些商户刷卡才有积分？"])
    assert copied(["哪些银行支持Apple Pay吗？"], ["哪些銀行支持apple pay"])
    assert not copied(["我用花呗支付，商家说没收到"], ["顾客用花呗付了钱，商家说没收到"])
    assert not copied(["有人在吗"], ["有人在吗"])  # too short to be anyone's own


@pytest.mark.skipif(not available(), reason=f"no development set at {DEV_SET}")
def test_no_development_line_is_in_the_training_data():
    in_domain, out_of_domain = load()
    found = copied([row["text"] for row in in_domain + out_of_domain], training_lines())
    assert not found, "\n".join(f"{dev}  ≈  {line}" for dev, line in found)
