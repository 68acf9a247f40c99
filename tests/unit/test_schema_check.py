"""The action-reply check Rasa runs on every turn, with the schema checked once."""
import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from tools import schema_check


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
