"""The red-flag detector, phrase by phrase, against the tables in this folder.

cases.yml and regression.yml are test tables: every phrase must give exactly the
expected categories, `expect` confirmed and `possible` possible. regression-first-heldout.yml
(the first held-out set, since tuned on) must miss none of its EMERGENCY phrases.
The blind sets (blind-*.yml) are checked in test_blind_sets.py.
"""

import re
from pathlib import Path

import pytest
import yaml

from redflags import CONFIRMED, EMERGENCY, POSSIBLE, URGENT, RedFlagDetector, load_rules, summarise
from redflags.dsl import compile_pattern, literals_of
from redflags.lexicon import canonical_spelling

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
RULES = load_rules()
LEVEL = {name: spec["level"] for name, spec in RULES["categories"].items()}
# The level of each kind of red flag in the clinical reference's table.
REFERENCE_LEVELS = {
    EMERGENCY: {
        "bladder",
        "bowel",
        "saddle_numbness",
        "leg_weakness",
        "leg_numbness",
        "bilateral_symptoms",
        "post_procedure_chest",
        "post_procedure_breathing",
        "major_trauma",
        "post_procedure_leg",
        "cancer_limb",
    },
    URGENT: {
        "sexual_dysfunction",
        "infection",
        "wound_infection",
        "fracture_risk",
        "cancer_history",
        "weight_loss",
        "night_pain",
        "thoracic_pain",
        "cough_pain",
        "spinal_tb",
        "new_pain_over_50",
    },
}


def table(name):
    return yaml.safe_load((HERE / name).read_text(encoding="utf-8"))["cases"]


CASES = table("cases.yml") + table("regression.yml")


@pytest.fixture(scope="module")
def detector():
    return RedFlagDetector()


def test_the_tables_are_big_and_varied():
    notes = {case.get("note") for case in table("cases.yml")}
    assert len(CASES) >= 250
    assert {
        "negated",
        "resolved",
        "uncertain",
        "question",
        "hinglish",
        "devanagari",
        "typo",
    } <= notes
    assert set(LEVEL) == {c for case in CASES for c in case["expect"]}, (
        "every category needs at least one positive phrase"
    )
    assert sum(bool(case.get("possible")) for case in CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=lambda case: case["text"][:60])
def test_phrase(detector, case):
    findings = detector.detect(case["text"])
    assert sorted(f.category for f in findings if f.certainty == CONFIRMED) == sorted(
        case["expect"]
    )
    assert sorted(f.category for f in findings if f.certainty == POSSIBLE) == sorted(
        case.get("possible", [])
    )
    for finding in findings:
        assert finding.level == LEVEL[finding.category]
        assert finding.text and finding.text in case["text"]


def test_levels_follow_the_clinical_reference():
    assert {name for name, level in LEVEL.items() if level == EMERGENCY} == REFERENCE_LEVELS[
        EMERGENCY
    ]
    assert {name for name, level in LEVEL.items() if level == URGENT} == REFERENCE_LEVELS[URGENT]


def test_no_emergency_phrase_of_the_first_heldout_set_is_missed(detector):
    missed = [
        case["text"]
        for case in table("regression-first-heldout.yml")
        if any(LEVEL[c] == EMERGENCY for c in case["expect"])
        and not any(f.level == EMERGENCY for f in detector.detect(case["text"]))
    ]
    assert missed == []


def _nlu_examples():
    files = sorted((ROOT / "data/nlu").glob("*.yml")) + [ROOT / "tests/nlu/heldout.yml"]
    for path in files:
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            for line in (item.get("examples") or "").splitlines():
                text = re.sub(r"\[([^\]]+)\][({][^)}]*[)}]", r"\1", line.strip()[2:])
                if text:
                    yield item.get("intent"), text


def test_no_training_or_heldout_example_raises_a_red_flag(detector):
    """The FAQ and small-talk examples are not symptoms; none may trigger a finding."""
    examples = list(_nlu_examples())
    assert len(examples) > 1000
    raised = [(intent, text) for intent, text in examples if detector.detect(text)]
    assert raised == []


def test_findings_are_published_in_the_parse_shape(detector):
    findings = detector.detect("I can't control my bladder and my legs are weak")
    assert [f.as_dict() for f in findings] == [
        {
            "category": "bladder",
            "level": EMERGENCY,
            "text": findings[0].text,
            "certainty": CONFIRMED,
        },
        {
            "category": "leg_weakness",
            "level": EMERGENCY,
            "text": findings[1].text,
            "certainty": CONFIRMED,
        },
    ]
    assert (
        summarise(findings, EMERGENCY, detector)
        == "trouble passing or controlling urine and new weakness in your leg or legs"
    )


def test_payloads_and_empty_messages_are_safe(detector):
    assert detector.detect("") == []
    assert detector.detect("   \n ") == []
    assert detector.detect("🙂" * 500) == []


def test_patterns_name_concepts_not_lexicon_words():
    """A word the lexicon rewrites to a concept can never match as a literal."""
    words = {canonical_spelling(w) for spellings in RULES["lexicon"].values() for w in spellings}
    sections = (
        list(RULES["categories"].values())
        + list(RULES["facts"].values())
        + list(RULES["signs"].values())
    )
    patterns = [
        p
        for spec in sections
        for key in ("patterns", "unless", "vague", "vague_unless")
        for p in spec.get(key, [])
    ]
    patterns += [p for spec in RULES["context"] for p in spec["patterns"]]
    shadowed = [(p, w) for p in patterns for w in literals_of(p) if canonical_spelling(w) in words]
    assert shadowed == []
    for pattern in patterns:
        compile_pattern(pattern)


def test_words_typed_without_vowels_are_read_but_english_words_keep_theirs(detector):
    """WhatsApp Hinglish drops vowels ("pshb", "ltrn"); "lift", "last", "once" stay English."""
    lexicon = detector.lexicon
    assert lexicon.lookup("pshb") == "URINE"
    assert lexicon.lookup("ltrn") == "BOWEL"
    assert lexicon.lookup("kntrl") == "CONTROL"
    assert lexicon.lookup("jhnjhni") == "NUMB"
    for word in ("lift", "last", "once", "accha", "chl", "cghs"):
        assert lexicon.lookup(word) is None, word


def test_an_age_in_brackets_or_between_commas_after_a_person_counts(detector):
    def ages(text):
        return [m.name for m in detector.examine(text).facts if m.name == "age_over_50"]

    assert ages("papa (65) ko kamar dard hai")
    assert ages("My father-in-law, 76, has back pain")
    assert ages("Retired Colonel, 70. New back pain")
    assert not ages("my son (12) has back pain")
    assert not ages("papa, 2 din se kamar dard hai")


def test_walking_well_ends_a_leg_sign_but_not_a_new_back_pain(detector):
    assert not detector.detect("2 saal pehle pair kamzor the, ab walking normal hai")
    found = detector.detect("Nanaji 80 ke hain, kamar dard pehle kabhi nahi tha. Walk theek hai.")
    assert [f.category for f in found] == ["new_pain_over_50"]


def test_a_sexual_problem_is_confirmed_with_back_pain_and_doubtful_without(detector):
    (alone,) = detector.detect("erection mein problem hai, kamar dard nahi hai")
    (with_pain,) = detector.detect("since my back pain started I can't get an erection")
    assert (alone.category, alone.certainty) == ("sexual_dysfunction", POSSIBLE)
    assert (with_pain.category, with_pain.certainty) == ("sexual_dysfunction", CONFIRMED)


def test_a_key_given_twice_in_the_patterns_file_is_refused(tmp_path):
    """Plain YAML keeps the last of two `unless:` lists silently; the loader refuses it."""
    doubled = tmp_path / "patterns.yml"
    doubled.write_text("bladder:\n  unless: [a]\n  level: X\n  unless: [b]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="given twice"):
        load_rules(doubled)


def test_common_words_are_not_read_as_concepts_by_the_typo_matcher(detector):
    """ "1 hafta" (a week) is not breathlessness, "Bihar" not fever, "peela" not pain."""
    for word in ("hafta", "bihar", "peela", "achhe", "chlti", "overweight", "story", "stood"):
        assert detector.lexicon.lookup(word) is None, word
    assert detector.lexicon.lookup("baayein") == "LEFT"
