"""Scores of a trained model on a labelled NLU set, per language, as the assistant behaves.

`rasa test nlu` scores the classifiers alone. This module parses every example with the
whole model (as the Rasa server does) and keeps, per example, both what the classifiers
said and what the patient would get: the right FAQ answer, a wrong one, a "Did you
mean ...?" choice, the fallback, or red-flag advice. scripts/nlu_report.py writes the
report and gates the test suite on these numbers.
"""

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from rasa.shared.nlu.training_data.loading import load_data
from sklearn.metrics import f1_score

import contract

FALLBACK = "nlu_fallback"
FAQ = "faq"

# what the patient gets
RIGHT_ANSWER, WRONG_ANSWER, CHOICE, FALLBACK_ANSWER, SAFETY, OTHER = (
    "right FAQ answer",
    "FAQ answer on the wrong topic",
    '"Did you mean" choice',
    "fallback",
    "red-flag advice",
    "other intent",
)


@dataclass
class Example:
    """One labelled example and what the model made of it."""

    text: str
    intent: str  # gold intent (`faq` for every FAQ topic)
    topic: Optional[str]  # gold `faq/<topic>` or None
    language: str  # the set's language
    predicted_intent: str = ""  # the classifiers' intent (fallback and red-flag re-route undone)
    predicted_topic: str = ""  # the FAQ selector's best topic
    final_intent: str = ""  # the intent the dialogue sees
    detected_language: Optional[str] = None  # None: left to the conversation (neutral)
    outcome: str = ""


@dataclass
class LanguageScores:
    """The numbers of one labelled set."""

    language: str
    path: str
    examples: List[Example] = field(default_factory=list)

    @property
    def faq_examples(self) -> List[Example]:
        return [e for e in self.examples if e.topic]

    @property
    def intent_macro_f1(self) -> float:
        gold = [e.intent for e in self.examples]
        return float(
            f1_score(
                gold,
                [e.predicted_intent for e in self.examples],
                labels=sorted(set(gold)),
                average="macro",
                zero_division=0,
            )
        )

    @property
    def topic_macro_f1(self) -> float:
        faq = self.faq_examples
        gold = [e.topic or "" for e in faq]  # every FAQ example has a topic
        return float(
            f1_score(
                gold,
                [e.predicted_topic for e in faq],
                labels=sorted(set(gold)),
                average="macro",
                zero_division=0,
            )
        )

    def outcome_share(self, outcome: str) -> float:
        faq = self.faq_examples
        return sum(e.outcome == outcome for e in faq) / len(faq) if faq else 0.0

    @property
    def wrong_topic_share(self) -> float:
        """FAQ questions answered, without a choice, with another topic's answer."""
        return self.outcome_share(WRONG_ANSWER)

    @property
    def faq_answers_to_other_intents(self) -> int:
        return sum(1 for e in self.examples if not e.topic and e.final_intent == FAQ)

    @property
    def language_counts(self) -> Counter:
        """'right', 'neutral' (conversation keeps its language) and 'wrong' detections."""
        return Counter(
            "neutral"
            if e.detected_language is None
            else "right"
            if e.detected_language == e.language
            else "wrong"
            for e in self.examples
        )

    def per_label_recall(self, attribute: str) -> Dict[str, float]:
        gold_attribute = "topic" if attribute == "predicted_topic" else "intent"
        pool = self.faq_examples if gold_attribute == "topic" else self.examples
        totals: Counter[str] = Counter()
        hits: Counter[str] = Counter()
        for e in pool:
            gold = getattr(e, gold_attribute)
            totals[gold] += 1
            hits[gold] += getattr(e, attribute) == gold
        return {label: hits[label] / totals[label] for label in sorted(totals)}


def read_examples(path: Path, language: str) -> List[Example]:
    """The examples of a Rasa NLU YAML file."""
    data = load_data(str(path))
    examples = []
    for message in data.intent_examples:
        key = message.get("intent_response_key")
        examples.append(
            Example(
                text=message.get("text"),
                intent=message.get("intent"),
                topic=key if key and "/" in key else None,
                language=language,
            )
        )
    return examples


def classifier_intent(parse: dict) -> str:
    """The classifiers' intent: the fallback and the red-flag screen's re-route undone."""
    screened = parse.get(contract.SCREENED_INTENT)
    if screened:
        return screened.get("name") or ""
    name = (parse.get("intent") or {}).get("name") or ""
    if name == FALLBACK:
        ranking = [r for r in parse.get("intent_ranking") or [] if r.get("name") != FALLBACK]
        return ranking[0]["name"] if ranking else ""
    if name == contract.INTENT_FAQ_UNSURE:
        return FAQ
    return name


def selected_topic(parse: dict) -> str:
    selector = (parse.get("response_selector") or {}).get(FAQ) or {}
    return (selector.get("response") or {}).get("intent_response_key") or ""


def detected_language(parse: dict) -> Optional[str]:
    for entity in parse.get("entities") or []:
        if entity.get("entity") == contract.SLOT_LANGUAGE:
            return entity.get("value")
    return None


def outcome_of(example: Example) -> str:
    final = example.final_intent
    if final == contract.INTENT_URGENT_POSSIBLE and example.predicted_intent == FAQ:
        final = FAQ  # the conditional urgent advice, then the FAQ answer (red_flag_policy)
    if final in contract.RED_FLAG_INTENTS:
        return SAFETY
    if final == FALLBACK:
        return FALLBACK_ANSWER
    if final == contract.INTENT_FAQ_UNSURE:
        return CHOICE
    if final == FAQ:
        return RIGHT_ANSWER if example.predicted_topic == example.topic else WRONG_ANSWER
    return OTHER


async def _parse_all(agent, examples: Sequence[Example]) -> None:
    for example in examples:
        parse = await agent.parse_message(example.text)
        example.predicted_intent = classifier_intent(parse)
        example.predicted_topic = selected_topic(parse)
        example.final_intent = (parse.get("intent") or {}).get("name") or ""
        example.detected_language = detected_language(parse)
        example.outcome = outcome_of(example)


def score(model: Path, sets: Dict[str, Path]) -> List[LanguageScores]:
    """Parses every example of every set ({language: path}) with the model."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    results = []
    for language, path in sets.items():
        scores = LanguageScores(language, str(path), read_examples(path, language))
        asyncio.run(_parse_all(agent, scores.examples))
        results.append(scores)
    return results
