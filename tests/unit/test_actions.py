"""The form validator and the safety net of the actions, without a Rasa server."""
import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.case import ValidateCaseForm
from actions.safe_action import SafeAction
from daozhang.resources import reply


def tracker(text="", slots=None, entities=(), events=()):
    return Tracker("t1", {"requested_slot": "merchant_id", **(slots or {})},
                   {"text": text, "intent": {"name": "inform"}, "entities": list(entities)},
                   list(events), False, None, {"name": "case_form"}, "action_listen")


def validate(value, **kwargs):
    dispatcher = CollectingDispatcher()
    result = asyncio.run(ValidateCaseForm().validate_merchant_id(value, dispatcher, tracker(**kwargs), {}))
    return result, " ".join(m["text"] for m in dispatcher.messages)


def test_a_known_15_digit_id_is_accepted():
    assert validate("898310000000003")[0] == {"merchant_id": "898310000000003"}


def test_a_short_id_gets_a_reprompt_with_an_example():
    result, said = validate("12345")
    assert result["merchant_id"] is None and result["merchant_id_tries"] == 1.0
    assert "15位数字" in said and "898310000000003" in said


def test_the_second_bad_id_offers_a_person():
    result, said = validate("678", slots={"merchant_id_tries": 1.0})
    assert result["awaiting"] == "human" and "转人工" in said


def test_digits_meant_as_an_id_do_not_stay_an_amount():
    result, _ = validate("12345", text="12345", entities=[{"entity": "amount", "value": "12345"}])
    assert result["amount"] is None


def test_the_validator_does_not_wait_for_the_backend():
    # a well-formed id is accepted at once; the lookup (and its timeout) happens once, later
    assert validate("898310000000500")[0] == {"merchant_id": "898310000000500"}


class Broken(SafeAction):
    def name(self):
        return "action_broken"

    async def act(self, dispatcher, tracker, domain):
        raise RuntimeError("backend exploded")


def test_a_failing_action_apologises_instead_of_failing():
    dispatcher = CollectingDispatcher()
    assert asyncio.run(Broken().run(dispatcher, tracker(), {})) == []
    assert dispatcher.messages[0]["text"] == reply("apology") and "转人工" in reply("apology")


def test_a_yes_no_question_gets_two_buttons_and_other_answers_none():
    from rasa_sdk.events import SlotSet

    class AsksSolved(SafeAction):
        def name(self):
            return "asks_solved"

        async def act(self, dispatcher, tracker, domain):
            dispatcher.utter_message(text="问题解决了吗？")
            return [SlotSet("awaiting", "solved")]

    class JustSays(AsksSolved):
        async def act(self, dispatcher, tracker, domain):
            dispatcher.utter_message(text="好的")
            return [SlotSet("awaiting", None)]

    asked, said = CollectingDispatcher(), CollectingDispatcher()
    asyncio.run(AsksSolved().run(asked, tracker(), {}))
    asyncio.run(JustSays().run(said, tracker(), {}))
    assert [b["payload"] for b in asked.messages[-1]["buttons"]] == ["/affirm", "/deny"]
    assert not said.messages[-1].get("buttons")


def form_turn(text, slots=None, requested="merchant_id", said=()):
    """What the case form's validation says after the merchant's `text` (Rasa's form asks nothing
    itself: the validation asks for the id when the form is to ask for it next)."""
    events = [{"event": "user", "text": text}, *({"event": "bot", "text": line} for line in said)]
    dispatcher = CollectingDispatcher()
    domain = {"forms": {"case_form": {"required_slots": ["merchant_id"]}}}
    events = asyncio.run(ValidateCaseForm().run(
        dispatcher, tracker(text, {"requested_slot": requested, **(slots or {})}, events=events), domain))
    return [m["text"] for m in dispatcher.messages], dispatcher.messages, events


def test_a_new_case_is_asked_for_its_merchant_id_once():
    said, _, _ = form_turn("昨天刷卡两千块没到账", requested=None)
    assert said == [reply("ask_merchant_id")]


def test_a_bad_id_is_explained_then_asked_again():
    said, _, _ = form_turn("12345")
    assert len(said) == 2 and "不是有效的商户号" in said[0] and said[1] == reply("ask_merchant_id_again")


def test_a_good_id_is_not_asked_for():
    said, _, events = form_turn("898310000000003")
    assert said == [] and {"event": "slot", "name": "merchant_id", "value": "898310000000003",
                           "timestamp": None} in events


def test_part_of_an_id_is_acknowledged_without_asking_again():
    said, _, _ = form_turn("开头是898 等下我看看后面")
    assert len(said) == 1 and "前3位收到了" in said[0]


def test_a_person_offered_stays_the_last_word_with_its_buttons():
    said, messages, _ = form_turn("678", slots={"merchant_id_tries": 1.0})
    assert len(said) == 1 and "转人工" in said[0] and messages[-1]["buttons"]


def test_after_another_answer_this_turn_the_id_is_asked_in_short_not_again():
    said, _, _ = form_turn("对了手续费多少", requested=None, said=["刷卡手续费是0.6%。"])
    assert said == [reply("ask_merchant_id_short")]


def test_after_a_miss_and_another_answer_the_id_is_asked_again():
    said, _, _ = form_turn("对了手续费多少", requested=None, said=["刷卡手续费是0.6%。"],
                           slots={"merchant_id_tries": 1.0})
    assert said == [reply("ask_merchant_id_again")]
