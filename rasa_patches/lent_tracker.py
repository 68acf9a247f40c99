"""An action that only reads the tracker is lent the tracker itself, not a copy replayed from its
first event.

Before running an action Rasa copies the tracker (`MessageProcessor._run_action`:
`tracker.copy()`, which replays every event of the conversation into a new tracker), so that the
policy's events can be dropped if the action is rejected and an action that changes the tracker
it is given changes only the copy. Custom actions (run by the action server, which gets the
tracker as JSON), `action_listen` and a response (`utter_…`) never change it, and when the policy
added no events the copy is the tracker as it is: for them it is lent as it is. Forms and Rasa's
other actions, which may change what they are given, still get a copy.
"""
from __future__ import annotations

from typing import Any

from rasa.core.actions.action import ActionBotResponse, ActionListen, RemoteAction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker

_RASAS = MessageProcessor._run_action
ONLY_READ = (RemoteAction, ActionListen, ActionBotResponse)


def _itself_once(tracker: DialogueStateTracker) -> None:
    """`tracker.copy()` gives the tracker itself, the next time only (Rasa's first step)."""
    def itself() -> DialogueStateTracker:
        del tracker.copy
        return tracker

    tracker.copy = itself


async def _run_action(self: MessageProcessor, action: Any, tracker: DialogueStateTracker, output_channel: Any,
                      nlg: Any, prediction: Any) -> bool:
    if type(action) in ONLY_READ and not prediction.events:
        _itself_once(tracker)
    return await _RASAS(self, action, tracker, output_channel, nlg, prediction)


def install() -> None:
    MessageProcessor._run_action = _run_action
