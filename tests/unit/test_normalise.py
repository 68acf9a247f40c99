"""Normalisation: what the classifier and the entity rules see."""
import pytest

from daozhang.text.normalise import normalise, normalise_text


@pytest.mark.parametrize("said, expected", [
    ("商户号八九八三一零零零零零零零零零三", "商户号898310000000003"),
    ("商户号八九八三幺零零零零零零零零零三", "商户号898310000000003"),
    ("八九八三 幺零零零 零零零零 零零三", "898310000000003"),
    ("八九八三一零 零零零零 零零 零一一", "898310 0000 00 011"),  # a two-digit group of an id
    ("八九八三要零零零零零零零零零九", "898310000000009"),  # 幺 heard as 要
    ("两 三天", "两 三天"),
    ("刷了两千三百块", "刷了2300块"),
    ("收了两千三", "收了2300"),
    ("刷了一万二", "刷了12000"),
    ("一万二", "12000"),
    ("顾客扫码付了三百六十八", "顾客扫码付了368"),
    ("九十九块九", "99.9块"),
    ("¥1,999.50", "¥1999.50"),
    ("￥１，９９９．５０", "¥1999.50"),
    ("2k", "2000"),
    ("收了3K块", "收了3000块"),
    ("1.5万", "15000"),
    ("十一月二十号", "11月20号"),
    ("下午三点半", "下午3点半"),
    ("２０２６年１１月２０日", "2026年11月20日"),
    ("尾号六七八九", "尾号6789"),
])
def test_spoken_and_written_numbers_become_digits(said, expected):
    assert normalise_text(said) == expected


@pytest.mark.parametrize("word", [
    "一些", "一样", "第一笔", "一下子", "三天了还没到", "十分感谢", "快一点", "万一不到呢",
    "千万别", "两三天", "一直没到", "刷了两笔", "等了十天", "第二次", "一会儿",
])
def test_words_with_numerals_stay_as_they_are(word):
    assert normalise_text(word) == word


def test_traditional_characters_become_simplified():
    assert normalise_text("商戶號刷卡後錢沒到賬，請幫我查詢") == "商户号刷卡后钱没到账,请帮我查询"


def test_full_width_letters_and_digits_become_half_width():
    assert normalise_text("终端号ＡＢ１２３４５６") == "终端号AB123456"


def test_fillers_and_emoji_pass_through_harmlessly():
    assert normalise_text("嗯 那个 就是 钱没到😭") == "嗯 那个 就是 钱没到😭"


def test_spans_map_back_to_the_original_text():
    result = normalise("商户号八九八三幺零零零零零零零零零三，刷了两千三百块")
    start = result.text.index("898310000000003")
    span = result.original_span(start, start + 15)
    assert result.original[span[0]:span[1]] == "八九八三幺零零零零零零零零零三"
    start = result.text.index("2300")
    span = result.original_span(start, start + 4)
    assert result.original[span[0]:span[1]] == "两千三百"


def test_an_amount_beside_a_whole_merchant_id_is_not_glued_to_it():
    from daozhang.text.normalise import normalise_text

    assert normalise_text("今天早上刷卡1250 898310000000003") == "今天早上刷卡1250 898310000000003"
    assert normalise_text("商户号 8983 1000 0000 003") == "商户号 898310000000003"
