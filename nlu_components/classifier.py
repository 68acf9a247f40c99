"""Rasa component: Rasa's LogisticRegressionClassifier with the knobs it hides.

- `C`, the inverse regularisation strength (Rasa fixes sklearn's 1.0).
- `normalise_rows`: scale each message's count vector to unit length, so that a
  long message is not more confident than a short one just for having more
  n-grams (raw counts go straight into the model otherwise).
- `class_weight_factors`: multiply the "balanced" weight of some intents. The
  balanced weights give out_of_scope, which covers every other subject, no more
  total weight than one narrow problem intent.

Both were chosen by measurement (results/classifier_comparison.md).
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix
from sklearn.preprocessing import normalize
from sklearn.utils.class_weight import compute_class_weight


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TunedLogisticRegressionClassifier(LogisticRegressionClassifier):
    """Logistic regression over the sparse features, with C and row scaling configurable."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0, "normalise_rows": False,
                "class_weight_factors": {}}

    def __init__(self, config, name, model_storage, resource) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf.set_params(C=float(self.config["C"]))

    def train(self, training_data: TrainingData) -> Resource:
        intents = [e.get(INTENT) for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if intents:
            classes = np.unique(intents)
            balanced = compute_class_weight("balanced", classes=classes, y=intents)
            # plain str and float: skops refuses to load a model holding numpy scalars
            weights = {str(c): float(w) for c, w in zip(classes, balanced)}
            for intent, factor in (self.config["class_weight_factors"] or {}).items():
                if intent in weights:
                    weights[intent] *= float(factor)
            self.clf.set_params(class_weight=weights)
        return super().train(training_data)

    def _create_X(self, messages: List[Message]) -> csr_matrix:
        features = super()._create_X(messages)
        return normalize(features) if self.config["normalise_rows"] else features
