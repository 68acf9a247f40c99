"""Rasa's event classes found by name from a table: the same class Rasa's own walk finds."""
import pytest
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses

from rasa_patches import event_lookup


def test_every_event_name_gives_the_class_rasas_walk_gives():
    for cls in all_subclasses(Event):
        assert event_lookup.resolve_by_type(cls.type_name) is event_lookup._RASAS(cls.type_name)


def test_unknown_names_are_answered_as_rasa_answers_them():
    assert event_lookup.resolve_by_type("topic") is None
    assert event_lookup.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    with pytest.raises(ValueError):
        event_lookup.resolve_by_type("no_such_event")


def test_a_class_defined_later_is_found_too():
    class Noted(ActionExecuted):
        type_name = "noted_for_this_test"

    assert event_lookup.resolve_by_type("noted_for_this_test") is Noted


def test_installed_events_still_read_from_their_dicts():
    event_lookup.install()
    read = Event.from_parameters({"event": "user", "text": "钱没到", "parse_data": {}})
    assert isinstance(read, UserUttered) and read.text == "钱没到"
