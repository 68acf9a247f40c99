"""One turn at a time per conversation: a burst is answered together, a payload keeps its own turn."""
import asyncio

from channels.turns import Turn, Turns, joined


def test_lines_are_joined_into_one_message_and_a_payload_stays_alone():
    waiting = [Turn("在吗", ["a"]), Turn("钱没到", ["b"]), Turn("/affirm", ["c"]), Turn("昨天。", ["d"]),
               Turn("368块", ["e"])]
    assert joined(waiting) == [Turn("在吗。钱没到", ["a", "b"]), Turn("/affirm", ["c"]), Turn("昨天。368块", ["d", "e"])]


def answered_in_turns(arrivals, turn_seconds=0.3, settle=0.2):
    """(turns, the most at once) when messages arrive at `arrivals` (seconds, text) in one conversation."""
    turns, running = [], []

    async def answer(conversation, turn):
        running.append(turn)
        turns.append((len(running), turn))
        await asyncio.sleep(turn_seconds)
        running.remove(turn)

    async def scenario():
        queue = Turns(answer, settle=settle, gather=2.0)
        start = asyncio.get_running_loop().time()
        tasks = []
        for at, text in arrivals:
            await asyncio.sleep(max(0, start + at - asyncio.get_running_loop().time()))
            tasks.append(asyncio.ensure_future(queue.submit("socketio:s", Turn(text, [text]))))
        await asyncio.gather(*tasks)
        await asyncio.sleep(settle + 0.05)
        assert queue.waiting == {} and queue.last_arrival == {}  # nothing kept once the merchant is quiet

    asyncio.run(scenario())
    return [turn for _, turn in turns], max(n for n, _ in turns)


def test_a_burst_is_answered_in_two_turns_never_two_at_once():
    burst = [(i * 0.03, f"第{i}句") for i in range(15)]
    turns, at_once = answered_in_turns(burst)
    assert at_once == 1
    assert [t.text for t in turns] == ["第0句", "。".join(f"第{i}句" for i in range(1, 15))]
    assert turns[1].refs == [f"第{i}句" for i in range(1, 15)]


def test_a_burst_after_a_turn_quicker_than_the_typing_still_waits_for_the_rest():
    burst = [(i * 0.03, f"第{i}句") for i in range(15)]
    turns, _ = answered_in_turns(burst, turn_seconds=0.005)
    assert [t.text for t in turns] == ["第0句", "。".join(f"第{i}句" for i in range(1, 15))]


def test_a_message_after_a_pause_is_answered_alone_and_at_once():
    turns, _ = answered_in_turns([(0, "你好"), (1.0, "二维码收款没到账")])
    assert [t.text for t in turns] == ["你好", "二维码收款没到账"]


def test_a_failing_turn_does_not_lose_the_next_one():
    said = []

    async def answer(conversation, turn):
        said.append(turn.text)
        await asyncio.sleep(0.05)  # the next message arrives during this turn
        if turn.text == "坏的":
            raise RuntimeError("boom")

    async def scenario():
        queue = Turns(answer, settle=0.01)
        await asyncio.gather(queue.submit("c", Turn("坏的", ["1"])), queue.submit("c", Turn("/deny", ["2"])))

    asyncio.run(scenario())
    assert said == ["坏的", "/deny"]


def test_lines_are_queued_in_the_order_they_arrived_however_long_each_takes_to_prepare():
    """Each line is prepared in a task of its own (socket.io); a slow Redis call must not let the next overtake it."""
    heard = []

    async def answer(conversation, turn):
        heard.append(turn.text)

    async def arrive(queue, text, preparing):
        async def prepare():
            await asyncio.sleep(preparing)  # the transcript's Redis calls
            return True

        await queue.submit("c", Turn(text, [text]), prepare=prepare)

    async def scenario():
        queue = Turns(answer, settle=0.01)
        lines = [(f"第{i}句", 0.05 - i * 0.01) for i in range(5)]  # the later, the quicker to prepare
        await asyncio.gather(*(arrive(queue, text, preparing) for text, preparing in lines))
        assert queue.arriving == {} and queue.waiting == {}

    asyncio.run(scenario())
    assert "".join(heard).replace("。", "") == "".join(f"第{i}句" for i in range(5))
