"""An action's slot events that change nothing are not written into the conversation.

Our actions and Rasa's form set slots to the values they already have: a new case clears slots
that are empty, the form's validation sets again what the merchant's message just filled, and
the form asks for the same slot again. In a 40-turn conversation of `make bench` that was 200 of
its 654 events. Every event is read back from the store, sent to the action server and replayed
by the policies at every turn after, so they made a turn cost more the longer the conversation
(`turn40_vs_5`).

They are dropped when Rasa logs the action's events, after the form has decided on them (its
validation counts the slots it set), and only where an event sets a slot to the value it has at
that point; a slot whose every setting counts (daozhang.containment.WHEN_SET_MATTERS) keeps its
events. After an event that may change slots in other ways (a restart, a rewind), nothing more is
dropped.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import ActiveLoop, BotUttered, Event, FollowupAction, LoopInterrupted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from daozhang.containment import WHEN_SET_MATTERS

_RASAS = MessageProcessor._log_action_on_tracker
_LEAVE_SLOTS_ALONE = (SlotSet, BotUttered, ActiveLoop, FollowupAction, LoopInterrupted)


def changing(tracker: DialogueStateTracker, events: Optional[List[Event]]) -> Optional[List[Event]]:
    """The events, without the slot events that would set a slot to the value it has."""
    if not events:
        return events
    values: Dict[Text, Any] = {}
    kept = []
    for index, event in enumerate(events):
        if not isinstance(event, _LEAVE_SLOTS_ALONE):
            return kept + events[index:]
        if isinstance(event, SlotSet) and event.key in tracker.slots and event.key not in WHEN_SET_MATTERS:
            value = values.get(event.key, tracker.slots[event.key].value)
            if type(value) is type(event.value) and value == event.value:  # not 0 for False
                continue
            values[event.key] = event.value
        kept.append(event)
    return kept


def _log_action_on_tracker(self: MessageProcessor, tracker: DialogueStateTracker, action: Any,
                           events: Optional[List[Event]], prediction: Any) -> None:
    _RASAS(self, tracker, action, changing(tracker, events), prediction)


def install() -> None:
    MessageProcessor._log_action_on_tracker = _log_action_on_tracker
