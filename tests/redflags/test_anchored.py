"""The anchored matchers (redflags/anchored.py) find exactly what one spaCy Matcher over
all the patterns finds, on every third phrase of the test tables and blind sets."""

from pathlib import Path

import pytest
import yaml
from spacy.matcher import Matcher

from redflags import RedFlagDetector
from redflags.dsl import compile_pattern

HERE = Path(__file__).parent


def _phrases():
    for path in sorted(HERE.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data.get("cases", []) + data.get("conversations", []):
            yield from [case["text"]] if "text" in case else [t["text"] for t in case["turns"]]


@pytest.fixture(scope="module")
def detector():
    return RedFlagDetector()


def test_anchored_matches_equal_one_matcher_over_all_patterns(detector):
    rules = detector.rules
    plain = Matcher(detector.nlp.vocab)
    sections = [("", rules["categories"]), ("fact:", rules["facts"]), ("sign:", rules["signs"])]
    for prefix, specs in sections:
        for name, spec in specs.items():
            if spec.get("patterns"):
                plain.add(prefix + name, [compile_pattern(p) for p in spec["patterns"]])
            if spec.get("vague"):
                plain.add(name + "~vague", [compile_pattern(p) for p in spec["vague"]])
    strings = detector.nlp.vocab.strings
    phrases = list(_phrases())[::3]
    assert len(phrases) > 900
    for text in phrases:
        doc = detector.lexicon(detector.nlp(text))
        expected = {(strings[key], start, end) for key, start, end in plain(doc)}
        assert detector.matcher(doc) == expected, text
