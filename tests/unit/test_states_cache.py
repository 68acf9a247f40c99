"""The states carried on from the last call are the states Rasa works out from the start."""
import random

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_patches import states_cache
from tests.support.dialogue_events import said, turns


def _rasas(domain, events, omit_unset_slots=False):
    fresh = DialogueStateTracker.from_events("m", events, domain.slots)
    return states_cache._RASAS(domain, fresh, omit_unset_slots)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("read_each_turn", (True, False))
def test_every_call_of_a_growing_conversation_gets_rasas_states(domain, seed, read_each_turn):
    rng = random.Random(seed)
    events = []
    tracker = DialogueStateTracker.from_events("m", events, domain.slots)
    for turn in turns(rng):
        if read_each_turn:  # as a turn reads the conversation from the store
            tracker = DialogueStateTracker.from_events("m", events, domain.slots)
        for event in turn:  # and predicts after each action
            tracker.update(event, domain)
            events.append(event)
            for omit in (False, True):
                assert states_cache.states_for_tracker_history(domain, tracker, omit) == _rasas(domain, events, omit)


def test_within_a_turn_the_conversation_is_not_replayed_from_the_start(domain, monkeypatch):
    events = [ActionExecuted("action_listen"), said("greet"), ActionExecuted("action_small_talk"),
              BotUttered("您好"), ActionExecuted("action_listen"), said("qr_payment_not_arrived")]
    tracker = DialogueStateTracker.from_events("m", events, domain.slots)
    replays = []
    monkeypatch.setattr(DialogueStateTracker, "applied_events",
                        lambda self, inner=DialogueStateTracker.applied_events: replays.append(1) or inner(self))
    states_cache.states_for_tracker_history(domain, tracker)
    for event in (ActionExecuted("action_start_case"), SlotSet("problem", "qr_payment_not_arrived"),
                  BotUttered("请问商户号？"), ActionExecuted("action_listen")):
        tracker.update(event, domain)
        states_cache.states_for_tracker_history(domain, tracker)
    assert len(replays) == 1


def test_the_answer_can_be_edited_without_changing_the_next(domain):
    tracker = DialogueStateTracker.from_events("m", [ActionExecuted("action_listen"), said("greet")], domain.slots)
    first = states_cache.states_for_tracker_history(domain, tracker)
    first[-1]["user"].pop("text")  # as the featuriser drops the text or the intent of the last message
    assert states_cache.states_for_tracker_history(domain, tracker)[-1]["user"] == {"intent": "greet", "text": "…"}


def test_a_tracker_whose_events_were_replaced_is_worked_out_afresh(domain):
    tracker = DialogueStateTracker.from_events("m", [ActionExecuted("action_listen"), said("greet")], domain.slots)
    states_cache.states_for_tracker_history(domain, tracker)
    other = [ActionExecuted("action_listen"), said("deny"), ActionExecuted("action_answer_yes_no")]
    tracker.events.clear()
    tracker.events.extend(other)
    assert states_cache.states_for_tracker_history(domain, tracker) == _rasas(domain, other)
