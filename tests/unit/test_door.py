"""The door's output: what the bot signals (a handover, a goodbye) reaches the channel, never the merchant."""
from rasa.core.channels.channel import CollectingOutputChannel

from channels.door import CountingOutput
from daozhang.conversation import channel_of, conversation_id


def said_through_the_door(run, *messages):
    inner = CollectingOutputChannel()
    door = CountingOutput(inner, "o-merchant")
    for message in messages:
        run(door.send_response("wechat:o-merchant", dict(message)))
    return door, inner.messages


def test_a_handover_is_signalled_to_the_channel_and_taken_off_the_message(run):
    handoff = {"ticket": "HO20261204-0001", "priority": "high"}
    door, shown = said_through_the_door(run, {"text": "已为您提交工单", "custom": {"handoff": handoff}})
    assert door.signals == {"handoff": handoff} and door.count == 1
    assert shown == [{"recipient_id": "o-merchant", "text": "已为您提交工单"}]


def test_a_goodbye_signal_with_nothing_to_say_is_not_a_message(run):
    door, shown = said_through_the_door(run, {"text": "再见"}, {"custom": {"closing": True}})
    assert door.signals == {"closing": True} and door.count == 1
    assert [m.get("text") for m in shown] == ["再见"]


def test_a_custom_payload_that_is_no_signal_goes_on(run):
    door, shown = said_through_the_door(run, {"custom": {"card": "x"}, "text": "看这里"})
    assert door.signals == {} and {"card": "x"} in [m.get("custom") for m in shown]


def test_a_conversation_is_named_by_its_channel_once():
    assert conversation_id("wechat", "oAbc") == "wechat:oAbc" == conversation_id("wechat", "wechat:oAbc")
    assert channel_of("ivr:call-7") == "ivr"
