"""The action-reply check Rasa runs on every turn, with the schema checked once."""
import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from rasa_patches import schema_check


def test_a_valid_reply_passes_and_an_invalid_one_fails_as_before():
    schema = RemoteAction.action_response_format_spec()
    reply = {"events": [{"event": "slot", "name": "x", "value": 1}], "responses": [{"text": "好的"}]}
    schema_check.validate(reply, schema)
    jsonschema.validate(reply, schema)
    for bad in ({"events": "not a list"}, {"responses": [1]}):
        with pytest.raises(jsonschema.ValidationError) as ours:
            schema_check.validate(bad, schema)
        with pytest.raises(jsonschema.ValidationError) as theirs:
            jsonschema.validate(bad, schema)
        assert ours.value.message == theirs.value.message


@pytest.mark.parametrize("events", [
    [{"event": "slot", "name": "merchant_id", "value": "898310000000001", "timestamp": None}],
    [{"event": "bot", "text": "好的", "data": {"buttons": []}}, {"event": "active_loop", "name": None}],
    [{"event": "followup", "name": "action_listen"}, {"event": "reminder", "intent": "x", "date_time": "2026-12-06"}],
    [{"event": "no_such_kind"}],                                  # a kind no branch has
    [{"event": "slot", "name": 5, "value": 1}],                   # a field of the wrong type
    [{"event": "slot", "name": "x", "value": 1, "timestamp": "noon"}],  # a shared field of the wrong type
    [{"name": "x"}],                                              # no kind at all
    ["not an event"],
])
def test_each_event_checked_against_its_own_kind_passes_and_fails_exactly_as_the_full_check(events):
    schema = RemoteAction.action_response_format_spec()
    reply = {"events": events, "responses": []}
    try:
        jsonschema.validate(reply, schema)
        theirs = None
    except jsonschema.ValidationError as error:
        theirs = error.message
    try:
        schema_check.validate(reply, schema)
        ours = None
    except jsonschema.ValidationError as error:
        ours = error.message
    assert ours == theirs


def test_a_valid_reply_is_passed_without_trying_every_kind_of_event(monkeypatch):
    schema = RemoteAction.action_response_format_spec()
    reply = {"events": [{"event": "slot", "name": "x", "value": 1}] * 4, "responses": [{"text": "好的"}]}
    schema_check.validate(reply, schema)  # the checkers of this schema are made
    for checker in schema_check._CHECKERS.values():
        monkeypatch.setattr(checker.full, "iter_errors", lambda instance: pytest.fail("the long way was taken"))
    schema_check.validate(reply, schema)
