"""Rasa finds an event's class from its name by walking every subclass of `Event`, for every
event it reads: a stored conversation, each action server reply (7 % of the Rasa server's time
per turn under py-spy, `make bench`). The same lookup from a table, built once and built again
when a name is not in it (an event class imported later)."""
from __future__ import annotations

from typing import Dict, Optional, Text, Type

from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

_RASAS = Event.resolve_by_type
_BY_NAME: Dict[Text, Type[Event]] = {}


def resolve_by_type(type_name: Text, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
    """`Event.resolve_by_type`: the first subclass with that name, as Rasa's walk finds it."""
    found = _BY_NAME.get(type_name)
    if found is None:
        _BY_NAME.clear()
        _BY_NAME.update({cls.type_name: cls for cls in reversed(all_subclasses(Event))})  # the first one wins
        found = _BY_NAME.get(type_name)
    return found if found is not None else _RASAS(type_name, default)  # topic, a default, or Rasa's error


def install() -> None:
    Event.resolve_by_type = staticmethod(resolve_by_type)
