"""Corrected intent annotations as Rasa NLU training data (YAML for data/nlu/).

An example is left out when its text, normalised, is already a training example
(under any intent: the same text under two intents would contradict the data) or
appears twice among the corrections.
"""

import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Protocol, Set, Tuple, TypeVar

import yaml
from django.conf import settings

from console.pii import redact
from contract import RED_FLAG_INTENTS

ENTITY_MARKUP = re.compile(r"\[[^\]]*\]\s*[({]")
NOT_LABELS = {"nlu_fallback"} | RED_FLAG_INTENTS  # set by the screen, never learned


class Correction(Protocol):
    """What the export reads of a corrected annotation (a model row or a test double)."""

    text: str
    correct_intent: str


C = TypeVar("C", bound=Correction)


def normalise(text: str) -> str:
    return " ".join(text.split()).casefold()


def _examples(block: str) -> Iterable[str]:
    for line in (block or "").splitlines():
        line = line.strip()
        if line.startswith("- "):
            # drop entity annotations: [text](entity) / [text]{...}
            yield re.sub(r"\[([^\]]*)\](\([^)]*\)|\{[^}]*\})", r"\1", line[2:])


@lru_cache(maxsize=4)
def _training_data(directory: str, stamp: float) -> Tuple[Dict[str, str], Tuple[str, ...]]:
    examples: Dict[str, str] = {}
    intents: Set[str] = set()
    for path in sorted(Path(directory).rglob("*.yml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in content.get("nlu") or []:
            if isinstance(item, dict) and item.get("intent"):
                intents.add(item["intent"])
                for text in _examples(item.get("examples", "")):
                    examples.setdefault(normalise(text), item["intent"])
    return examples, tuple(sorted(intents - NOT_LABELS))


def training_data() -> Tuple[Dict[str, str], Tuple[str, ...]]:
    """({normalised example: intent}, intents that can be chosen) from data/nlu/."""
    directory = Path(settings.CONSOLE_NLU_DIR)
    stamp = max((p.stat().st_mtime for p in directory.rglob("*.yml")), default=0.0)
    return _training_data(str(directory), stamp)


def exportable(text: str) -> bool:
    """Button payloads and texts that Rasa would read as entity markup are left out."""
    return bool(text.strip()) and not text.startswith("/") and not ENTITY_MARKUP.search(text)


def classify(annotations: Iterable[C]) -> List[Tuple[C, str]]:
    """(annotation, state) for corrected annotations: 'new', 'in training data',
    'conflicts with training data', 'duplicate' or 'not exportable'."""
    known, _ = training_data()
    seen: Set[str] = set()
    result: List[Tuple[C, str]] = []
    for item in annotations:
        key = normalise(item.text)
        if not exportable(item.text):
            state = "not exportable"
        elif key in known:
            state = (
                "in training data"
                if known[key] == item.correct_intent
                else "conflicts with training data"
            )
        elif key in seen:
            state = "duplicate"
        else:
            state = "new"
            seen.add(key)
        result.append((item, state))
    return result


def redacted(annotations, names: Dict[int, List[str]]):
    """The annotations with personal data replaced by <phone>, <name>, ... (in memory):
    the export goes to data/nlu/ in git, where no erasure reaches. `names`: the names
    known in each conversation, by conversation id."""
    for item in annotations:
        item.text = redact(item.text, names.get(item.conversation_id, ()))
    return annotations


def export_yaml(annotations: Iterable[Correction]) -> Tuple[str, int]:
    """The YAML file and the number of examples in it (pass redacted annotations)."""
    by_intent: Dict[str, List[str]] = {}
    for item, state in classify(annotations):
        if state == "new":
            by_intent.setdefault(item.correct_intent, []).append(" ".join(item.text.split()))
    lines = [
        "# Examples corrected by reviewers in the staff console.",
        'version: "3.1"',
        "",
        "nlu:",
    ]
    for intent in sorted(by_intent):
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {text}" for text in by_intent[intent]]
    if not by_intent:
        lines[-1] = "nlu: []"
    count = sum(len(v) for v in by_intent.values())
    return "\n".join(lines) + "\n", count
