"""The real-world dev set is scored in two fixed halves, and the floors read the sealed one.

A line must stay in its half for ever (a hash of its text, not of its position or of the
run), both halves must average the same intents, and a miss on the working half must not
fail `make test` while the same miss on the sealed half does.
"""
from tools import realworld


def row(text, intent, predicted, confidence=0.9, source="s"):
    ranking = [{"name": predicted, "confidence": confidence}]
    return {"text": text, "intent": intent, "predicted": predicted, "confidence": confidence,
            "ranking": ranking, "source": source}


def texts_in(half, count, prefix):
    """Synthetic lines that fall in `half`."""
    found, n = [], 0
    while len(found) < count:
        text = f"{prefix}{n}"
        if realworld.half(text) == half:
            found.append(text)
        n += 1
    return found


def test_a_line_keeps_its_half_and_the_halves_are_even():
    assert realworld.half("刷卡的钱没到账") == realworld.half("刷卡的钱没到账")
    halves = realworld.split([{"text": f"第{n}行"} for n in range(2000)])
    assert set(halves) == {"working", "sealed"}
    assert 900 < len(halves["working"]) < 1100
    assert not {r["text"] for r in halves["working"]} & {r["text"] for r in halves["sealed"]}


def test_both_halves_average_the_intents_of_the_whole_set():
    # fee_inquiry has 15 lines in the whole set but fewer in each half: both halves still average it.
    fees = [row(t, "fee_inquiry", "fee_inquiry") for t in texts_in("working", 7, "费")]
    fees += [row(t, "fee_inquiry", "out_of_scope") for t in texts_in("sealed", 8, "费")]
    others = [row(t, "out_of_scope", "out_of_scope") for t in texts_in("working", 20, "外")]
    others += [row(t, "out_of_scope", "out_of_scope") for t in texts_in("sealed", 20, "外")]
    strangers = [row(t, None, "out_of_scope") for t in texts_in("working", 5, "陌") + texts_in("sealed", 5, "陌")]
    report = realworld.score_halves(realworld.halves(fees + others, strangers))
    assert report["working"]["macro_f1_intents"] == report["sealed"]["macro_f1_intents"] \
        == ["fee_inquiry", "out_of_scope"]
    assert report["working"]["problem_kept"] == 1.0
    assert report["sealed"]["problem_kept"] == 0.0
    assert report["all"]["problem_lines"] == 15


def test_the_floors_read_the_sealed_half_only():
    kept = [row(t, "payment_not_arrived", "payment_not_arrived") for t in texts_in("sealed", 20, "款")]
    dropped = [row(t, "payment_not_arrived", "out_of_scope") for t in texts_in("working", 20, "款")]
    strangers = [row(t, None, "out_of_scope") for t in texts_in("working", 5, "陌") + texts_in("sealed", 5, "陌")]
    assert realworld.failures(realworld.score_halves(realworld.halves(kept + dropped, strangers))) == []
    flipped = [dict(r, predicted="out_of_scope") for r in kept]
    problems = realworld.failures(realworld.score_halves(realworld.halves(flipped + dropped, strangers)))
    assert any("sealed half: problem lines kept 0.0%" in p for p in problems)
