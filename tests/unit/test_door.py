"""The door's output: what the bot signals (a handover, a goodbye) reaches the channel, never the merchant."""
import contextvars

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


def answered(run, on_new_message):
    """What the merchant is shown of one turn that `on_new_message` handles, through the door."""
    from rasa.core.channels.channel import UserMessage

    from channels.door import answer_in_time

    inner = CollectingOutputChannel()
    output = CountingOutput(inner, "m1")
    run(answer_in_time(on_new_message, UserMessage("你好", output, "rest:m1"), output))
    return [m.get("text") for m in inner.messages]


def test_a_turn_the_tracker_store_could_not_keep_gets_the_apology_after_the_answer(run):
    """Rasa's FailSafeTrackerStore swallows a failed save (a turn no replica confirmed) and the
    answer goes out as if the turn were kept: the door adds the apology."""
    from daozhang.resources import reply
    from daozhang.unkept import not_kept

    async def unsaved(message):
        await message.output_channel.send_text_message(message.sender_id, "您好")
        not_kept(RuntimeError("no replica confirmed the write"))

    async def saved(message):
        await message.output_channel.send_text_message(message.sender_id, "您好")

    assert answered(run, unsaved) == ["您好", reply("fault_silent")]
    assert answered(run, saved) == ["您好"]


def test_the_tracker_store_notes_a_conversation_it_cannot_read_or_save(run):
    import pytest
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    from daozhang.unkept import watch_turn
    from stores.redis_stores import MaskingRedisTrackerStore
    from tests.support.redis_server import _free_port

    store = MaskingRedisTrackerStore(Domain.empty(), host="127.0.0.1", port=_free_port())  # nothing listens

    def one_turn():
        failures = watch_turn()
        with pytest.raises(Exception):
            run(store.retrieve("rest:m1"))
        with pytest.raises(Exception):
            run(store.save(DialogueStateTracker("rest:m1", slots=[])))
        return failures

    assert len(contextvars.copy_context().run(one_turn)) == 2  # the test's own context is left as it was
