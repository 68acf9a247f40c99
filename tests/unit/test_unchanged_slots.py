"""Slot events that change nothing are left out of the conversation; every other event is kept."""
from types import SimpleNamespace

import pytest
from rasa.core.actions.action import action_for_name_or_text
from rasa.core.policies.policy import PolicyPrediction
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, Restarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_patches import unchanged_slots


@pytest.fixture
def tracker(domain):
    return DialogueStateTracker.from_events("m", [
        ActionExecuted("action_listen"), UserUttered("商户号M1001", {"name": "inform"}),
        SlotSet("merchant_id", "M1001"), SlotSet("solved", False), SlotSet("explanation", "已结算，明天到账")], domain.slots)


def _logged(domain, tracker, events):
    """The events the Rasa server writes for an action that returned `events`."""
    before = len(tracker.events)
    action = action_for_name_or_text("case_form", domain, None)
    unchanged_slots._log_action_on_tracker(SimpleNamespace(domain=domain), tracker, action, events,
                                           PolicyPrediction([], "RulePolicy"))
    return list(tracker.events)[before + 1:]  # after the action's own ActionExecuted


def test_a_slot_set_to_the_value_it_has_is_left_out(domain, tracker):
    assert _logged(domain, tracker, [SlotSet("merchant_id", "M1001"), SlotSet("requested_slot", None),
                                     BotUttered("好的")]) == [BotUttered("好的")]
    assert tracker.get_slot("merchant_id") == "M1001"


def test_a_change_is_kept_and_so_is_going_back_to_the_old_value(domain, tracker):
    events = [SlotSet("merchant_id", "M1001"), SlotSet("merchant_id", "M2002"), SlotSet("merchant_id", "M1001")]
    assert _logged(domain, tracker, events) == events[1:]


def test_the_same_value_of_another_type_is_a_change(domain, tracker):
    assert _logged(domain, tracker, [SlotSet("solved", 0)]) == [SlotSet("solved", 0)]


def test_an_explanation_given_again_is_kept(domain, tracker):
    again = [SlotSet("explanation", "已结算，明天到账")]
    assert _logged(domain, tracker, again) == again


def test_after_a_restart_nothing_is_left_out(domain, tracker):
    events = [SlotSet("merchant_id", "M1001"), ActiveLoop(None), Restarted(), SlotSet("solved", False)]
    assert _logged(domain, tracker, events) == events[1:]


def test_no_events_stay_no_events(domain, tracker):
    assert unchanged_slots.changing(tracker, None) is None
    assert _logged(domain, tracker, []) == []
