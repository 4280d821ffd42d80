"""Typed triage answers and typed requests for the symptom check, through the real trained model.

Loads models/assistant.tar.gz (built by scripts/train_if_needed.sh from data/, domain/ and
config.yml) and parses each message as the Rasa server would, then reads it as the form
does. The phrases below are not training examples: they check that the model generalises.
"""

import asyncio
from pathlib import Path

import pytest
import yaml

from actions.triage_answers import Reply, read_reply

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "assistant.tar.gz"

ANSWERS = {
    "yes": [
        "haan",
        "haan thoda",
        "ji",
        "ji haan",
        "yes a bit",
        "sometimes",
        "kabhi kabhi",
        "हाँ",
        "हाँ थोड़ा",
        "कभी कभी",
        "yes",
    ],
    "no": ["nahi", "nahin", "no", "नहीं"],
    "unsure": ["pata nahi", "not sure", "पता नहीं"],
}
NOT_ANSWERS = ["purple", "banana", "qwzx plk"]
START = [
    "I want to check my symptoms",
    "symptoms check karna hai",
    "मेरे लक्षण जाँचें",
    "can you check my back pain symptoms",
    "mujhe symptom check karna hai",
    "लक्षण चेक करने हैं",
]


@pytest.fixture(scope="module")
def parse():
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run scripts/train_if_needed.sh first", pytrace=False)
    from rasa.core.agent import Agent

    loop = asyncio.new_event_loop()
    agent = Agent.load(str(MODEL))
    yield lambda text: loop.run_until_complete(agent.parse_message(text))
    loop.close()


@pytest.mark.parametrize("value, text", [(v, t) for v, texts in ANSWERS.items() for t in texts])
def test_typed_answers_fill_the_question_in_three_languages(parse, value, text):
    assert read_reply(parse(text), "tr_bladder") == Reply("answer", "tr_bladder", value)


@pytest.mark.parametrize("text", NOT_ANSWERS)
def test_anything_else_is_asked_again_never_filled(parse, text):
    assert read_reply(parse(text), "tr_bladder") == Reply("unclear", "tr_bladder")


@pytest.mark.parametrize("text", START)
def test_typed_requests_start_the_symptom_check(parse, text):
    assert parse(text)["intent"]["name"] == "report_back_pain"


def test_triage_training_examples_are_not_copied_from_the_held_out_sets():
    def examples(path):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return {
            line[2:].strip().lower()
            for block in data["nlu"]
            for line in block.get("examples", "").splitlines()
            if line.strip()
        }

    held_out = set().union(*(examples(p) for p in (ROOT / "tests" / "nlu").glob("*.yml")))
    assert examples(ROOT / "data" / "nlu" / "triage.yml") & held_out == set()
