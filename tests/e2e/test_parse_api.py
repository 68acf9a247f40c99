"""`POST /model/parse` and the REST channel of a running `rasa run --enable-api`."""
import uuid
from datetime import timedelta

import pytest
import redis

from daozhang.clock import today_in_shanghai

TODAY = today_in_shanghai()  # the session's day (tests/conftest.py), as the server's


def entities(parsed):
    return {(e["entity"], e["value"]) for e in parsed["entities"]}


@pytest.mark.parametrize("text, intent, expected", [
    ("商户号八九八三一零零零零零零零零零三", "inform", {("merchant_id", "898310000000003")}),
    ("新机器刷的第一笔两千块到现在还没到账", "first_transaction_not_arrived", {("amount", "2000")}),
    ("顾客用微信扫码付了368，我这边没收到", "qr_payment_not_arrived",
     {("payment_channel", "wechat"), ("amount", "368")}),
    ("嗯那个我昨天刷了两千三百块银行流水里查不到", "bank_no_record",
     {("txn_date", (TODAY - timedelta(days=1)).isoformat()), ("amount", "2300")}),
    ("終端號ab123456報錯a3", "terminal_error", {("terminal_id", "AB123456"), ("error_code", "A3")}),
    ("工行卡尾号6789的结算卡，¥1,999.50 平时第二天就到这次三天了还没到", "settlement_delayed",
     {("bank", "工商银行"), ("card_last4", "6789"), ("amount", "1999.5")}),
])
def test_parse_returns_contract_intents_and_values(stack, text, intent, expected):
    parsed = stack.parse(text)
    assert parsed["intent"]["name"] == intent
    assert entities(parsed) == expected


def test_entity_spans_index_the_normalised_text(stack):
    parsed = stack.parse("商户号八九八三一零零零零零零零零零三")
    [merchant] = parsed["entities"]
    assert parsed["text"][merchant["start"]:merchant["end"]] == "898310000000003"
    assert parsed["original_text"] == "商户号八九八三一零零零零零零零零零三"


def test_no_whitespace_tokens_reach_the_features(stack):
    parsed = stack.parse("嗯 那个  就是 钱 没到账")
    tokens = [parsed["text"][start:end] for start, end in parsed["text_tokens"]]
    assert tokens and all(token.strip() for token in tokens)


def test_greeting_and_out_of_scope_are_answered(stack):
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    greeting = stack.say(sender, "你好")
    assert "到账助手" in greeting[0]["text"]
    refusal = stack.say(sender, "我信用卡的分期手续费怎么这么高")
    assert "帮不上忙" in refusal[0]["text"]
    bot = stack.say(sender, "你是机器人吗")
    assert "不是真人" in bot[0]["text"]


def test_conversations_are_kept_in_redis(stack):
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    stack.say(sender, "你好")
    store = redis.Redis(host=stack.redis_host, port=stack.redis_port, db=stack.redis_db)
    assert store.exists(f"daozhang:tracker:rest:{sender}")
    tracker = stack.tracker(sender)
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == ["你好"]
