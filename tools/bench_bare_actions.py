"""The one custom action of the bench's bare bot (tools/bench_minimal.py, `minimal_bot(bare=True)`): it answers
with the intent's name, so a turn costs one call to an action server and nothing of ours."""
from __future__ import annotations

from rasa_sdk import Action


class ActionSayIntent(Action):
    def name(self) -> str:
        return "action_say_intent"

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text=tracker.latest_message["intent"]["name"])
        return []
