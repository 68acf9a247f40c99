"""The events a conversation keeps, found by class lookups, are the events Rasa's walk keeps."""
import random

import pytest
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_patches import applied_events
from tests.support.dialogue_events import said, turns


@pytest.mark.parametrize("seed", range(6))
def test_the_same_events_are_kept_at_every_step_of_long_conversations(domain, seed):
    tracker = DialogueStateTracker.from_events("m", [], domain.slots)
    taken_back = 0
    for turn in turns(random.Random(seed)):
        for event in turn:
            tracker.update(event, domain)
            kept = applied_events.applied_events(tracker)
            assert [id(e) for e in kept] == [id(e) for e in applied_events._RASAS(tracker)]
            taken_back += len(kept) < len(tracker.events)
    assert taken_back > 100  # rewinds, restarts and the form's happy path were among them


def test_an_event_class_of_our_own_counts_as_what_it_derives_from(domain):
    class Noted(ActionExecuted):
        type_name = "noted_for_the_applied_events_test"

    class Said(UserUttered):
        type_name = "said_for_the_applied_events_test"

    events = [Noted("action_listen"), Said("800没到", {"name": "qr_payment_not_arrived"}), Noted("case_form"),
              said("inform"), Noted("case_form")]
    tracker = DialogueStateTracker.from_events("m", events, domain.slots)
    assert applied_events.applied_events(tracker) == applied_events._RASAS(tracker)
