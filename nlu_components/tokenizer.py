"""Rasa component: Rasa's JiebaTokenizer with our vocabulary, minus its noise.

- Drops whitespace-only tokens (Rasa issue 7910: they shift features).
- Makes sure the lexicon's words (banks, channels, cues) are in jieba's
  dictionary, as the entity finder sees them, at training and at load time.
- Gives digit strings a shape lemma (`<num15>` for a merchant id) so the
  classifier learns "a merchant id was given", not one particular id.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message

from daozhang.segmenter import install_lexicon_words

_DIGITS = re.compile(r"\d+(?:\.\d+)?")


def _shape(word: str) -> str:
    if "." in word:
        return "<decimal>"
    return f"<num{min(len(word), 20)}>"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True
)
class DomainJiebaTokenizer(JiebaTokenizer):
    """JiebaTokenizer that knows the domain words and drops empty tokens."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**JiebaTokenizer.get_default_config(), "number_shapes": True}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "DomainJiebaTokenizer":
        install_lexicon_words()
        return super().create(config, model_storage, resource, execution_context)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "DomainJiebaTokenizer":
        install_lexicon_words()
        return super().load(config, model_storage, resource, execution_context, **kwargs)

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        tokens = [token for token in super().tokenize(message, attribute) if token.text.strip()]
        if self._config["number_shapes"]:
            for token in tokens:
                if _DIGITS.fullmatch(token.text):
                    token.lemma = _shape(token.text)
        return tokens
