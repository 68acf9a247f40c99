"""Actions that only read the tracker are lent it without a replayed copy; the others still get a copy."""

import pytest
from rasa.core.actions.action import RemoteAction, action_for_name_or_text
from rasa.core.actions.forms import FormAction
from rasa.core.channels import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import ActionExecuted, LoopInterrupted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from rasa_patches import lent_tracker


@pytest.fixture
def processor(domain):
    made = MessageProcessor.__new__(MessageProcessor)  # what _run_action uses of a processor: the domain
    made.domain = domain
    return made


@pytest.fixture
def given(monkeypatch):
    """The trackers the actions were given, and how many replays were made."""
    seen = {"trackers": [], "replays": 0}

    async def run(action, output_channel, nlg, tracker, domain, metadata=None):
        seen["trackers"].append(tracker)
        return [SlotSet("amount", "800")]

    replay = DialogueStateTracker.travel_back_in_time

    def counted(self, target_time):
        seen["replays"] += 1
        return replay(self, target_time)

    monkeypatch.setattr(RemoteAction, "run", run)
    monkeypatch.setattr(FormAction, "run", run)
    monkeypatch.setattr(DialogueStateTracker, "travel_back_in_time", counted)
    return seen


def _tracker(domain):
    return DialogueStateTracker.from_events("m", [ActionExecuted("action_listen"),
                                                  UserUttered("800那笔没到", {"name": "qr_payment_not_arrived"})],
                                            domain.slots)


def _run(run, processor, domain, tracker, name, events=()):
    action = action_for_name_or_text(name, domain, EndpointConfig("http://127.0.0.1:1/webhook"))
    prediction = PolicyPrediction([], "RulePolicy", events=list(events))
    run(lent_tracker._run_action(processor, action, tracker, CollectingOutputChannel(),
                                 TemplatedNaturalLanguageGenerator(domain.responses), prediction))


def test_a_custom_action_is_lent_the_tracker_and_its_events_are_kept(run, processor, domain, given):
    tracker = _tracker(domain)
    _run(run, processor, domain, tracker, "action_start_case")
    assert given["trackers"] == [tracker] and given["replays"] == 0
    assert tracker.get_slot("amount") == "800" and tracker.latest_action_name == "action_start_case"
    assert tracker.copy() is not tracker  # lent once: the next copy is a copy


def test_a_form_and_an_action_after_policy_events_get_a_copy(run, processor, domain, given):
    tracker = _tracker(domain)
    _run(run, processor, domain, tracker, "case_form")
    _run(run, processor, domain, tracker, "action_start_case", events=[LoopInterrupted(True)])
    assert all(lent is not tracker for lent in given["trackers"]) and given["replays"] == 2
    assert tracker.get_slot("amount") == "800"
