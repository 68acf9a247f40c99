"""Rasa component: a message the channel's door recognised as an answer is `inform`, whatever its words.

The answer to the verification question reaches Rasa as "尾号****" (the door
checked the digits and masked them) with the result in the message metadata.
Masked text says little to the classifier, and teaching it that "****" means
inform would make it read every masked phone or card number in other
questions as inform. So the door's mark decides, not the words.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

from daozhang.conversation import VERIFICATION

ANSWER_INTENT = "inform"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class DoorAnswerIntent(GraphComponent):
    """Sets `inform` (confidence 1) on messages the door marked as the answer to its question."""

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "DoorAnswerIntent":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if (message.get("metadata") or {}).get(VERIFICATION):  # set by the door (channels/verification_step.py)
                intent = {"name": ANSWER_INTENT, "confidence": 1.0}
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
        return messages
