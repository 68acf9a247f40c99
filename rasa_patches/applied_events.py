"""`DialogueStateTracker.applied_events` (the conversation without what was taken back: rewinds,
restarts, a form's happy path) with each event's kind looked up by its class.

Rasa runs it over every event of the conversation when it reads a conversation, starts a turn
and works out the dialogue states, about four times a turn, and asks `isinstance` five to seven
times per event. Rasa's events derive from an abstract base class, so every check that fails
goes through `ABCMeta.__instancecheck__`: 2.2 ms for the 454 events of a 40-turn conversation.
Here the kinds of a class are worked out once, with the same `isinstance`, and the walk is
Rasa's, step for step (`tests/unit/test_applied_events.py` compares both on long conversations).
"""
from __future__ import annotations

from typing import Dict, Iterable, List, Optional, Set, Text

from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    DefinePrevUserUtteredFeaturization,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

_RASAS = DialogueStateTracker.applied_events

RESET, ACTION_REVERTED, USER_REVERTED, ACTION, USER, PREV_FEATURIZATION, LOOP, REJECTED = (1 << n for n in range(8))
_CLASSES = ((RESET, (Restarted, SessionStarted)), (ACTION_REVERTED, ActionReverted),
            (USER_REVERTED, UserUtteranceReverted), (ACTION, ActionExecuted), (USER, UserUttered),
            (PREV_FEATURIZATION, DefinePrevUserUtteredFeaturization), (LOOP, ActiveLoop),
            (REJECTED, ActionExecutionRejected))
_KINDS: Dict[type, int] = {}


def kinds(event: Event) -> int:
    """The kinds an event is (a bit each), as `isinstance` says, remembered for its class."""
    found = _KINDS.get(type(event))
    if found is None:
        found = _KINDS[type(event)] = sum(bit for bit, classes in _CLASSES if isinstance(event, classes))
    return found


def _undo_till_previous(kind: int, done: List[Event]) -> None:
    """Takes back events from the end, up to and with the last one of that kind."""
    while done:
        if kinds(done.pop()) & kind:
            break


def _first_loop_execution_or_unhappy_path(loop: Text, done: List[Event]) -> bool:
    next_action: Optional[Text] = None
    for event in reversed(done):
        kind = kinds(event)
        if kind & LOOP and event.name is None:
            return True
        if (kind & REJECTED and event.action_name == loop) or \
                (kind & USER and next_action is not None and next_action != loop):
            return True
        if kind & ACTION:
            if event.action_name == loop:
                return False
            next_action = event.action_name
    return True


def _undo_till_previous_loop_execution(loop: Text, done: List[Event]) -> None:
    offset = 0
    for event in reversed(done[:]):
        kind = kinds(event)
        if kind & ACTION and event.action_name == loop:
            break
        if kind & (ACTION | USER | PREV_FEATURIZATION):
            del done[-1 - offset]
        else:
            offset += 1


def loop_names(events: Iterable[Event]) -> Set[Text]:
    """The forms (loops) a conversation activates: Rasa decides on every form execution knowing them all."""
    return {event.name for event in events if kinds(event) & LOOP and event.name}


def apply(event: Event, applied: List[Event], loops: Set[Text]) -> bool:
    """One step of the walk: `applied` as it stands after `event`. True when the event was simply
    appended; False when it took back or reset what came before (or is itself taken back)."""
    kind = kinds(event)
    if kind & RESET:
        applied.clear()
    elif kind & ACTION_REVERTED:
        _undo_till_previous(ACTION, applied)
    elif kind & USER_REVERTED:
        _undo_till_previous(USER, applied)
        _undo_till_previous(ACTION, applied)
    elif kind & ACTION and event.action_name in loops and \
            not _first_loop_execution_or_unhappy_path(event.action_name, applied):
        _undo_till_previous_loop_execution(event.action_name, applied)
    else:
        applied.append(event)
        return True
    return False


def applied_events(self: DialogueStateTracker) -> List[Event]:
    loops = loop_names(self.events)
    applied: List[Event] = []
    for event in self.events:
        apply(event, applied, loops)
    return applied


def install() -> None:
    DialogueStateTracker.applied_events = applied_events
