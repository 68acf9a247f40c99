"""What a terminal's error code or symptom means and what to try, from the code table."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.awaiting import Awaiting
from daozhang.resources import reply
from daozhang.terminal import guidance


def terminal_reply(dispatcher: CollectingDispatcher, code: Optional[str],
                   text: str) -> List[Dict[Text, Any]]:
    """Explain the code, or the symptom `text` describes, and ask whether that solved it."""
    answer = guidance(code, text)
    if answer.meaning:
        said = reply("error_code_meaning", code=answer.key, meaning=answer.meaning,
                     advice=answer.advice)
    elif answer.advice:
        said = answer.advice
    elif code:
        said = reply("error_code_unknown", code=code.upper())
    else:
        dispatcher.utter_message(text=reply("error_code_ask"))
        return [SlotSet("problem", "terminal_error"), SlotSet("awaiting", Awaiting.ERROR_CODE)]
    dispatcher.utter_message(text=reply("tried_it_solved", guidance=said))
    return [SlotSet("problem", "terminal_error"), SlotSet("awaiting", Awaiting.SOLVED),
            SlotSet("diagnosis", None)]
