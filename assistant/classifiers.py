"""Intent and FAQ-topic classifiers: TF-IDF weights and scikit-learn's logistic regression.

They replace DIETClassifier and ResponseSelector, which run TensorFlow models on every
message: on the held-out set they are as accurate, and they answer in a fraction of the
time and memory (docs/performance.md). Featurisation, training and persistence (skops)
are Rasa's LogisticRegressionClassifier's; these classes add TF-IDF weighting and a
configurable regularisation `C`. FaqSelector writes the same `response_selector` output
as ResponseSelector, so `utter_faq` and `rasa test nlu` read it unchanged.

FaqSelector also refuses to guess: when its best topic is not clearly ahead, the intent
becomes `faq_unsure` and `faq_candidates` lists the two or three topics it hesitated
between, which the dialogue offers as "Did you mean ...?" buttons (Rasa's two-stage
fallback idea, per topic). A button's payload `topic:<name>` answers that topic.

The Rasa internals this relies on are pinned in assistant/rasa_patches.py.
"""

import json
from pathlib import Path
from typing import Any, Dict, List, Tuple

import numpy as np
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
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import normalize

from contract import FAQ_CANDIDATES, INTENT_FAQ_UNSURE, TOPIC_PAYLOAD_PREFIX

# skops refuses types it does not know; the fitted TF-IDF weights are a scipy sparse matrix.
TRUSTED_TYPES = ["scipy.sparse._csr.csr_matrix"]
RESPONSES_FILE = "responses.json"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TfidfLogisticIntentClassifier(LogisticRegressionClassifier):
    """Rasa's logistic-regression intent classifier on TF-IDF-weighted count features."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Rasa's settings plus `C` (weak regularisation: firm confidences for the fallback)."""
        return {**LogisticRegressionClassifier.get_default_config(), "C": 100.0, "max_iter": 1000}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clf = make_pipeline(
            TfidfTransformer(sublinear_tf=True),
            LogisticRegression(
                C=self.config["C"],
                solver=self.config["solver"],
                max_iter=self.config["max_iter"],
                tol=self.config["tol"],
                random_state=self.config["random_state"],
                class_weight="balanced",
            ),
        )

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "TfidfLogisticIntentClassifier":
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

    def probabilities(self, X: csr_matrix) -> np.ndarray:
        """`self.clf.predict_proba(X)`, with the TF-IDF weighting done in O(non-zeros).

        scikit-learn's TfidfTransformer multiplies by an n_features x n_features sparse
        diagonal, which costs time in proportion to the whole vocabulary on every message;
        the Hindi and Hinglish vocabulary made that the largest cost of a parse. Here the
        weights are applied to the message's own features only (same numbers, tested).
        """
        tfidf, model = self.clf.steps[0][1], self.clf.steps[-1][1]
        if getattr(self, "_idf", None) is None:
            self._idf = np.asarray(tfidf.idf_) if tfidf.use_idf else None
        X = csr_matrix(X, dtype=np.float64, copy=True)
        if tfidf.sublinear_tf:
            np.log(X.data, X.data)
            X.data += 1
        if self._idf is not None:
            X.data *= self._idf[X.indices]
        if tfidf.norm:
            X = normalize(X, norm=tfidf.norm, copy=False)
        return model.predict_proba(X)

    def process(self, messages: List[Message]) -> List[Message]:
        """The most likely intent and the ranking, as Rasa's LogisticRegressionClassifier."""
        if not hasattr(self.clf, "classes_"):
            return messages
        probabilities = self.probabilities(self._create_X(messages))
        for message, row in zip(messages, probabilities):
            ranking = sorted(
                ({"name": name, "confidence": float(p)} for name, p in zip(self.clf.classes_, row)),
                key=lambda label: -label["confidence"],
            )
            message.set(INTENT, ranking[0], add_to_output=True)
            if self.config["ranking_length"] > 0:
                ranking = ranking[: self.config["ranking_length"]]
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class FaqSelector(TfidfLogisticIntentClassifier):
    """Chooses the `faq/<topic>` response for a message, as ResponseSelector would."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """The intent classifier's settings, the retrieval intent, and when to offer a choice.

        A choice is offered when the best topic's probability is below `choice_below`, or
        less than `choice_margin` ahead of the second; it lists up to `max_choices` topics
        whose probability is at least `candidate_share` of the best one's.
        """
        return {
            **TfidfLogisticIntentClassifier.get_default_config(),
            "retrieval_intent": "faq",
            "choice_below": 0.5,
            "choice_margin": 0.2,
            "max_choices": 3,
            "candidate_share": 0.25,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.retrieval_intent = self.config["retrieval_intent"]
        self.responses: Dict[str, List[Dict[str, Any]]] = {}

    def _create_training_matrix(self, training_data: TrainingData) -> Tuple[csr_matrix, List[str]]:
        examples = [
            e
            for e in training_data.intent_examples
            if e.get(INTENT) == self.retrieval_intent and e.get(INTENT_RESPONSE_KEY)
        ]
        return self._create_X(examples), [e.get(INTENT_RESPONSE_KEY) for e in examples]

    def train(self, training_data: TrainingData) -> Resource:
        """Learns the topics from the retrieval intent's examples only."""
        prefix = f"utter_{self.retrieval_intent}/"
        self.responses = {
            key: value for key, value in training_data.responses.items() if key.startswith(prefix)
        }
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
        probabilities = self.probabilities(self._create_X(messages))
        for message, row in zip(messages, probabilities):
            chosen = self._chosen_topic(message)
            if chosen:
                row = [1.0 if key == chosen else 0.0 for key in self.clf.classes_]
                chosen_intent = {"name": self.retrieval_intent, "confidence": 1.0}
                message.set(INTENT, chosen_intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [chosen_intent], add_to_output=True)
            ranking = sorted(
                (
                    {INTENT_RESPONSE_KEY: key, PREDICTED_CONFIDENCE_KEY: float(p)}
                    for key, p in zip(self.clf.classes_, row)
                ),
                key=lambda label: -label[PREDICTED_CONFIDENCE_KEY],
            )
            if not chosen:
                self._offer_choice_if_unsure(message, ranking)
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

    def _chosen_topic(self, message: Message) -> str:
        """`faq/<topic>` when the message is a topic button's payload, else ''."""
        text = (message.get(TEXT) or "").strip()
        if not text.startswith(TOPIC_PAYLOAD_PREFIX):
            return ""
        key = f"{self.retrieval_intent}/{text[len(TOPIC_PAYLOAD_PREFIX) :]}"
        return key if key in set(self.clf.classes_) else ""

    def _offer_choice_if_unsure(self, message: Message, ranking: List[Dict[str, Any]]) -> None:
        """Turns an FAQ question whose topics are close into `faq_unsure` with candidates."""
        intent = message.get(INTENT) or {}
        if intent.get("name") != self.retrieval_intent or len(ranking) < 2:
            return
        best, second = (r[PREDICTED_CONFIDENCE_KEY] for r in ranking[:2])
        if best >= self.config["choice_below"] and best - second >= self.config["choice_margin"]:
            return
        floor = best * self.config["candidate_share"]
        candidates = [
            r for r in ranking[: self.config["max_choices"]] if r[PREDICTED_CONFIDENCE_KEY] >= floor
        ][: self.config["max_choices"]]
        candidates = candidates if len(candidates) >= 2 else ranking[:2]
        message.set(
            FAQ_CANDIDATES,
            [
                {
                    "topic": r[INTENT_RESPONSE_KEY].split("/", 1)[1],
                    "confidence": r[PREDICTED_CONFIDENCE_KEY],
                }
                for r in candidates
            ],
            add_to_output=True,
        )
        message.set(INTENT, {**intent, "name": INTENT_FAQ_UNSURE}, add_to_output=True)
