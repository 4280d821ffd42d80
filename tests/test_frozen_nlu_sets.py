"""The frozen held-out NLU sets are never edited: tuning is measured against fixed text."""
import hashlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FROZEN = {
    "en": "5e38432fbbfe9e951cd3dec52d723f6c207f87297f14896895ff0abf79b64258",
    "hi": "6facc09c1b84ca164f4ac3b1e07de6ebb1089dc641d03caf88cbc38078ea3ab7",
    "hinglish": "49b4cc051acae036865de463687630b19b2741a1b91bb93a33c1da8fd7796049",
}


@pytest.mark.parametrize("language", sorted(FROZEN))
def test_frozen_set_is_unchanged(language):
    path = ROOT / f"tests/nlu/frozen-2026-11-{language}.yml"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == FROZEN[language]


def test_no_frozen_example_is_trained_on():
    from rasa.shared.nlu.training_data.loading import load_data

    def texts(path):
        examples = load_data(str(path)).intent_examples
        return {" ".join(m.get("text").lower().split()) for m in examples}

    training = texts(ROOT / "data/nlu")
    for language in FROZEN:
        leaked = texts(ROOT / f"tests/nlu/frozen-2026-11-{language}.yml") & training
        assert not leaked, f"{language}: held-out examples in data/nlu: {sorted(leaked)}"
