"""Intent and FAQ-topic classifiers: TF-IDF weights and scikit-learn's logistic regression.

They replace DIETClassifier and ResponseSelector, which run TensorFlow models on every
message: on the held-out set they are as accurate, and they answer in a fraction of the
time and memory (docs/performance.md). Featurisation, training and persistence (skops)
are Rasa's LogisticRegressionClassifier's; these classes add TF-IDF weighting and a
configurable regularisation `C`. FaqSelector writes the same `response_selector` output
as ResponseSelector, so `utter_faq` and `rasa test nlu` read it unchanged.

The Rasa internals this relies on are pinned in assistant/rasa_patches.py.
"""
import json
from pathlib import Path
from typing import Any, Dict, List, Text, Tuple

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

# skops refuses types it does not know; the fitted TF-IDF weights are a scipy sparse matrix.
TRUSTED_TYPES = ["scipy.sparse._csr.csr_matrix"]
RESPONSES_FILE = "responses.json"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TfidfLogisticIntentClassifier(LogisticRegressionClassifier):
    """Rasa's logistic-regression intent classifier on TF-IDF-weighted count features."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Rasa's settings plus `C` (weak regularisation: firm confidences for the fallback)."""
        return {**LogisticRegressionClassifier.get_default_config(), "C": 100.0, "max_iter": 1000}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clf = make_pipeline(
            TfidfTransformer(sublinear_tf=True),
            LogisticRegression(C=self.config["C"], solver=self.config["solver"],
                               max_iter=self.config["max_iter"], tol=self.config["tol"],
                               random_state=self.config["random_state"], class_weight="balanced"))

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "TfidfLogisticIntentClassifier":
        """Loads the fitted model; unlike Rasa's, fails loudly instead of serving an empty one."""
        import skops.io as sio

        component = cls(config, execution_context.node_name, model_storage, resource)
        with model_storage.read_from(resource) as model_dir:
            path = Path(model_dir) / f"{resource.name}.skops"
            if not path.exists():  # nothing to learn from at training time
                return component
            untrusted = [t for t in sio.get_untrusted_types(file=path) if t not in TRUSTED_TYPES]
            if untrusted:
                raise ValueError(f"{path} holds types that are not trusted: {untrusted}")
            component.clf = sio.load(path, trusted=TRUSTED_TYPES)
            component.load_extra(Path(model_dir))
        return component

    def load_extra(self, model_dir: Path) -> None:
        """Reads what a subclass saved next to the model."""


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class FaqSelector(TfidfLogisticIntentClassifier):
    """Chooses the `faq/<topic>` response for a message, as ResponseSelector would."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The intent classifier's settings plus the retrieval intent to serve."""
        return {**TfidfLogisticIntentClassifier.get_default_config(), "retrieval_intent": "faq"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.retrieval_intent = self.config["retrieval_intent"]
        self.responses: Dict[Text, List[Dict[Text, Any]]] = {}

    def _create_training_matrix(self, training_data: TrainingData) -> Tuple[csr_matrix, List[str]]:
        examples = [e for e in training_data.intent_examples
                    if e.get(INTENT) == self.retrieval_intent and e.get(INTENT_RESPONSE_KEY)]
        return self._create_X(examples), [e.get(INTENT_RESPONSE_KEY) for e in examples]

    def train(self, training_data: TrainingData) -> Resource:
        """Learns the topics from the retrieval intent's examples only."""
        prefix = f"utter_{self.retrieval_intent}/"
        self.responses = {key: value for key, value in training_data.responses.items()
                          if key.startswith(prefix)}
        return super().train(training_data)

    def persist(self) -> None:
        """Saves the model (Rasa's way) and the topics' responses next to it."""
        super().persist()
        with self._model_storage.write_to(self._resource) as model_dir:
            (model_dir / RESPONSES_FILE).write_text(json.dumps(self.responses), encoding="utf-8")

    def load_extra(self, model_dir: Path) -> None:
        """Reads the responses saved by `persist`."""
        self.responses = json.loads((model_dir / RESPONSES_FILE).read_text(encoding="utf-8"))

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds the best FAQ topic and the topic ranking to each message."""
        if not hasattr(self.clf, "classes_"):
            return messages
        probabilities = self.clf.predict_proba(self._create_X(messages))
        for message, row in zip(messages, probabilities):
            ranking = sorted(({INTENT_RESPONSE_KEY: key, PREDICTED_CONFIDENCE_KEY: float(p)}
                              for key, p in zip(self.clf.classes_, row)),
                             key=lambda label: -label[PREDICTED_CONFIDENCE_KEY])
            best = ranking[0]
            utter_action = f"utter_{best[INTENT_RESPONSE_KEY]}"
            prediction = {
                RESPONSE_SELECTOR_PREDICTION_KEY: {
                    RESPONSE_SELECTOR_RESPONSES_KEY: self.responses.get(utter_action, []),
                    PREDICTED_CONFIDENCE_KEY: best[PREDICTED_CONFIDENCE_KEY],
                    INTENT_RESPONSE_KEY: best[INTENT_RESPONSE_KEY],
                    RESPONSE_SELECTOR_UTTER_ACTION_KEY: utter_action,
                },
                RESPONSE_SELECTOR_RANKING_KEY: ranking[: self.config["ranking_length"]],
            }
            properties = message.get(RESPONSE_SELECTOR_PROPERTY_NAME, {})
            properties[RESPONSE_SELECTOR_RETRIEVAL_INTENTS] = [self.retrieval_intent]
            properties[self.retrieval_intent] = prediction
            message.set(RESPONSE_SELECTOR_PROPERTY_NAME, properties, add_to_output=True)
        return messages
