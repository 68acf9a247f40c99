"""The bot's words as WeChat text: numbered choices, and pieces WeChat accepts (2,048 bytes)."""
from channels.wechat.text import as_text, split_utf8, with_choices


def test_a_long_answer_is_cut_between_characters_within_2048_bytes():
    text = "到账" * 1000 + "😊" * 300  # 6,000 + 1,200 bytes, no line ends
    pieces = split_utf8(text)
    assert all(len(p.encode("utf-8")) <= 2048 for p in pieces)
    assert "".join(pieces) == text  # no character broken or lost
    assert len(pieces) == 4


def test_a_long_answer_is_cut_at_a_line_end_when_one_is_near():
    first, second = "第一段" * 200, "第二段" * 200  # 1,800 bytes each
    assert split_utf8(f"{first}\n{second}") == [first, second]


def test_a_short_answer_is_one_piece_and_nothing_is_no_piece():
    assert split_utf8("请告诉我您的商户号。") == ["请告诉我您的商户号。"]
    assert split_utf8("a" * 2048) == ["a" * 2048]
    assert split_utf8("") == []


def test_buttons_become_numbered_options():
    text = with_choices("您问的是哪一项？", [{"title": "手续费", "payload": "/fee_inquiry"},
                                            {"title": "退款", "payload": "/refund_issue"}])
    assert text == "您问的是哪一项？\n回复数字：1. 手续费 2. 退款"


def test_a_turns_messages_become_one_text():
    messages = [{"text": "为了您的资金安全……"}, {"text": "您问的是？", "buttons": [{"title": "退款", "payload": "/refund_issue"}]},
                {"custom": {"x": 1}}]
    assert as_text(messages) == "为了您的资金安全……\n\n您问的是？\n回复数字：1. 退款"


def test_yes_no_buttons_are_numbered_too():
    buttons = [{"title": "解决了", "payload": "/affirm"}, {"title": "还没有", "payload": "/deny"}]
    assert with_choices("问题解决了吗？", buttons) == "问题解决了吗？\n回复数字：1. 解决了 2. 还没有"
