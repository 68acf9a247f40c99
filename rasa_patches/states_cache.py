"""The dialogue states of a conversation, worked out once per turn instead of at every prediction.

To predict each action, RulePolicy asks the domain for the state before every action of the
conversation so far (`Domain.states_for_tracker_history`): Rasa replays every event of the
conversation into a fresh tracker each time, two or three times for each action and about four
times a turn. At 40 turns that was 4.7 ms a call, the main reason a turn cost more the longer the
conversation (`make bench`, `turn40_vs_5`).

Within a turn the tracker only grows, so the states of the previous call still hold: they are
kept with the replayed tracker, and the new events are replayed onto it. Whenever the new events
would change what went before (a restart, a new session, a rewind, a form's happy path taking
back the turns since its last run, a form never seen before) or the tracker is not the same
object with the same events, the states are worked out afresh by Rasa's own method. So the
answer is always Rasa's (`tests/unit/test_states_cache.py` checks it event by event).
"""
from __future__ import annotations

import weakref
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_patches.applied_events import ACTION, apply, kinds, loop_names

_RASAS = Domain.states_for_tracker_history


class _Kept:
    """What one call worked out for one tracker: enough to carry on from its last event."""

    def __init__(self, tracker: DialogueStateTracker, domain: Domain, omit_unset_slots: bool) -> None:
        self.domain, self.omit_unset_slots = domain, omit_unset_slots
        self.loops = loop_names(tracker.events)
        self.applied = tracker.applied_events()
        self.replayed = tracker.init_copy()
        self.states: List[State] = []
        self._replay(self.applied)
        self.seen(tracker)

    def seen(self, tracker: DialogueStateTracker) -> None:
        self.events, self.count, self.last = tracker.events, len(tracker.events), tracker.events[-1]

    def _replay(self, events: List[Event]) -> None:
        """`generate_all_prior_trackers` from where the last call stopped: a state before each
        action, and the state after the last event."""
        for event in events:
            if kinds(event) & ACTION:
                self.states.append(self._state())
            self.replayed.update(event)
        self.states.append(self._state())

    def _state(self) -> State:
        state = self.domain.get_active_state(self.replayed, omit_unset_slots=self.omit_unset_slots)
        return self.domain._clean_state(state)

    def still_holds(self, tracker: DialogueStateTracker, domain: Domain, omit_unset_slots: bool) -> bool:
        """The same conversation as last time, with events added after the ones seen."""
        return (domain is self.domain and omit_unset_slots == self.omit_unset_slots and tracker.events is self.events
                and len(tracker.events) >= self.count and tracker.events[self.count - 1] is self.last)

    def carry_on(self, tracker: DialogueStateTracker) -> bool:
        """Replays the events added since; False (nothing changed) when one of them would change
        what was applied before, which only a replay from the start gets right."""
        added = [tracker.events[index] for index in range(self.count, len(tracker.events))]
        if not loop_names(added) <= self.loops:  # a new form changes how every earlier one is taken
            return False
        applied = list(self.applied)
        if not all(apply(event, applied, self.loops) for event in added):
            return False
        self.states.pop()  # the state after the last event: the replay goes on from there
        self._replay(added)
        self.applied = applied
        self.seen(tracker)
        return True

    def answer(self) -> List[State]:
        """A copy: the featuriser edits the last state (text or intent) in place."""
        return [{part: dict(sub_state) for part, sub_state in state.items()} for state in self.states]


_KEPT: Dict[Tuple[int, bool], Tuple[Any, _Kept]] = {}


def states_for_tracker_history(self: Domain, tracker: DialogueStateTracker, omit_unset_slots: bool = False,
                               ignore_rule_only_turns: bool = False,
                               rule_only_data: Optional[Dict[Text, Any]] = None) -> List[State]:
    """`Domain.states_for_tracker_history`, carried on from the last call for the same tracker."""
    if ignore_rule_only_turns or tracker._max_event_history or not tracker.events:
        return _RASAS(self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    key = (id(tracker), omit_unset_slots)
    ref, kept = _KEPT.get(key, (None, None))
    if kept is None or ref() is not tracker or not kept.still_holds(tracker, self, omit_unset_slots) \
            or not kept.carry_on(tracker):
        kept = _Kept(tracker, self, omit_unset_slots)
        _KEPT[key] = (weakref.ref(tracker, lambda _, key=key: _KEPT.pop(key, None)), kept)
    return kept.answer()


def install() -> None:
    Domain.states_for_tracker_history = states_for_tracker_history
