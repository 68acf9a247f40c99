"""Events as a running conversation writes them, for tests of what Rasa works out from a
conversation: a seeded walk through our bot's turns, the form's happy and unhappy paths, rewinds,
restarts and new sessions among them."""
import random
from typing import Iterator, List

from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    BotUttered,
    DefinePrevUserUtteredFeaturization,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)


def said(intent: str, **entities: str) -> UserUttered:
    return UserUttered("…", {"name": intent, "confidence": 0.9},
                       [{"entity": k, "value": v, "start": 0, "end": 1} for k, v in entities.items()])


def turns(rng: random.Random) -> Iterator[List[Event]]:
    """Events as a running conversation writes them, a turn at a time, the form's paths among them."""
    yield [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]
    for _ in range(40):
        roll = rng.random()
        if roll < 0.45:  # a case: the form asks, the merchant answers, the form finishes or is left
            yield [said("qr_payment_not_arrived", amount="800"), SlotSet("amount", "800"),
                   ActionExecuted("action_start_case"), SlotSet("problem", "qr_payment_not_arrived"),
                   ActionExecuted("case_form"), ActiveLoop("case_form"), SlotSet("requested_slot", "merchant_id"),
                   BotUttered("商户号是多少？"), ActionExecuted("action_listen")]
            if rng.random() < 0.5:
                yield [said("inform", merchant_id="M1001"), SlotSet("merchant_id", "M1001"),
                       ActionExecuted("case_form"), SlotSet("merchant_id", "M1001"), ActiveLoop(None),
                       SlotSet("requested_slot", None), ActionExecuted("action_conclude_case"),
                       SlotSet("diagnosis", "settled"), BotUttered("已结算"), ActionExecuted("action_listen")]
            else:  # the merchant asks something else: the form is rejected, a rule answers, the form again
                yield [said("ask_fees"), DefinePrevUserUtteredFeaturization(False),
                       ActionExecutionRejected("case_form"), ActionExecuted("action_explain_fees"),
                       BotUttered("费率…"), ActionExecuted("case_form"), SlotSet("requested_slot", "merchant_id"),
                       BotUttered("商户号？"), ActionExecuted("action_listen")]
        elif roll < 0.65:
            yield [said("greet"), ActionExecuted("action_small_talk"), BotUttered("您好"),
                   ActionExecuted("action_listen")]
        elif roll < 0.75:
            yield [said("deny"), SlotSet("solved", False), ActionExecuted("action_answer_yes_no"),
                   SlotSet("awaiting", None), BotUttered("好的"), ActionExecuted("action_listen")]
        elif roll < 0.82:
            yield [said("out_of_scope"), UserUtteranceReverted()]
        elif roll < 0.88:
            yield [ActionReverted()]
        elif roll < 0.93:
            yield [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]
        else:
            yield [Restarted(), ActionExecuted("action_listen")]
