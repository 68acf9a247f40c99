"""Tell the merchant what the assistant understood from their message."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from daozhang.understanding import describe


class ActionReportUnderstanding(Action):
    """Repeats the problem and the details back; no diagnosis is pretended."""

    def name(self) -> Text:
        return "action_report_understanding"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name")
        dispatcher.utter_message(text=describe(intent, message.get("entities") or []))
        return []
