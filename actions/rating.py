"""解决了: glad, and once per contained case a rating offered (daozhang.satisfaction); the rating,
when given, thanked for in its own words."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.tracker_reading import latest_entities
from daozhang.resources import reply
from daozhang.satisfaction import CONTAINED, RATINGS, rating_buttons
from daozhang.wiring import rating_offers

logger = logging.getLogger(__name__)
Events = List[Dict[Text, Any]]


async def glad_solved(dispatcher: CollectingDispatcher, tracker: Tracker) -> Events:
    """The problem is solved: said so, and a rating offered once when the assistant settled it alone
    (an explanation given, no ticket)."""
    events: Events = [SlotSet("awaiting", None), SlotSet("solved", True)]
    settled_alone = tracker.get_slot("explanation") and not tracker.get_slot("handoff_ticket")
    if tracker.get_slot("solved") or not settled_alone:
        dispatcher.utter_message(text=reply("glad_solved"))
        return events
    dispatcher.utter_message(text=reply("glad_solved") + "\n" + reply("rating_offer_buttons"),
                             buttons=rating_buttons(CONTAINED))
    try:
        await rating_offers().offer(tracker.sender_id, CONTAINED)  # 1 / 满意 typed counts too
    except Exception:  # Redis down: the buttons still work
        logger.warning("rating offer not kept", exc_info=True)
    return events


def rating_given(tracker: Tracker) -> Optional[str]:
    rating = latest_entities(tracker).get("rating")
    return rating if rating in RATINGS else None


def thank_for_rating(dispatcher: CollectingDispatcher, rating: str) -> Events:
    dispatcher.utter_message(text=reply(f"rating_thanks_{rating}"))
    return [SlotSet("rating", rating)]
