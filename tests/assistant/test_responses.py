"""Every response exists in English, Hindi (Devanagari) and Hinglish, by the convention.

The English variation has no condition; the Hindi and the Hinglish ones carry a condition
on the `language` slot (value hi / hinglish). These tests read every response of domain/
and data/responses/ and name each one that breaks the convention, so a missing version
is found before a patient meets the English text. Emergency advice carries
{emergency_number} in every version; button payloads are language-neutral (an intent
such as /affirm, or topic:<name>), so tapping a Hindi button never looks like English;
button titles fit WhatsApp's 20-character reply buttons, counted in characters.
"""

import re
from pathlib import Path

import pytest
import yaml

import settings

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted([*ROOT.glob("domain/*.yml"), *ROOT.glob("data/responses/*.yml")])
CONDITIONED = ("hi", "hinglish")
DEVANAGARI = re.compile(r"[\u0900-\u097f]")
LATIN = re.compile(r"[A-Za-z]")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
NEUTRAL_PAYLOAD = re.compile(r"^(/[a-z_]+(\{.*\})?|topic:[a-z_]+)$", re.S)
BUTTON_TITLE_LIMIT = 20  # WhatsApp Cloud API reply buttons, in characters (not bytes)
DEFAULTS_BY_NAME = {name.lower(): default for name, default in settings.DEFAULTS.items()}


def responses():
    """(file, name, variations) for every response of the project."""
    found = []
    for path in FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, variations in (data.get("responses") or {}).items():
            found.append((path.relative_to(ROOT).as_posix(), name, variations))
    return found


ALL = responses()


def language_of(variation):
    """None for the unconditioned (English) variation, else the language it is for."""
    for condition in variation.get("condition") or []:
        if condition.get("type") == "slot" and condition.get("name") == "language":
            return condition.get("value")
    return None


def by_language(variations):
    grouped: dict = {}
    for variation in variations:
        grouped.setdefault(language_of(variation), []).append(variation)
    return grouped


def letters(text, pattern):
    return len(pattern.findall(PLACEHOLDER.sub("", text or "")))


def test_every_response_has_an_english_a_hindi_and_a_hinglish_version():
    missing = []
    for path, name, variations in ALL:
        grouped = by_language(variations)
        lacking = [language for language in (None, *CONDITIONED) if language not in grouped]
        if lacking:
            missing.append(
                f"{path}: {name} lacks "
                + ", ".join("en (no condition)" if lang is None else lang for lang in lacking)
            )
    assert not missing, f"{len(missing)} responses lack a version:\n" + "\n".join(missing)


def test_each_version_is_written_in_its_script():
    wrong = []
    for path, name, variations in ALL:
        for variation in variations:
            language, text = language_of(variation), variation.get("text") or ""
            devanagari, latin = letters(text, DEVANAGARI), letters(text, LATIN)
            if language == "hi" and devanagari <= latin:
                wrong.append(f"{path}: {name} (hi) is not mostly Devanagari")
            if language in (None, "hinglish") and devanagari > latin:
                wrong.append(f"{path}: {name} ({language or 'en'}) is mostly Devanagari")
    assert not wrong, "\n".join(wrong)


# {emergency_lines} is {emergency_number}, followed by the hospital's line when one is
# configured: both name the emergency number. The versions of one response use the same
# one of the two, so a Hindi or Hinglish version never drops the hospital's line.
SAME_SETTING = {"{emergency_lines}": "{emergency_number}"}


def settings_of(text):
    return set(PLACEHOLDER.findall(text or ""))


def numbers_of(text):
    return {SAME_SETTING.get(p, p) for p in settings_of(text)}


def test_versions_fill_in_the_same_settings_and_slots():
    """A version may not drop a number, a name or a slot the English version shows (the
    hospital's emergency line of {emergency_lines} included)."""
    different = []
    for path, name, variations in ALL:
        grouped = by_language(variations)
        english = {p for v in grouped.get(None, []) for p in settings_of(v.get("text"))}
        for language in CONDITIONED:
            for variation in grouped.get(language, []):
                placeholders = settings_of(variation.get("text"))
                if placeholders != english:
                    different.append(
                        f"{path}: {name} ({language}) has {sorted(placeholders)}, "
                        f"English has {sorted(english)}"
                    )
    assert not different, "\n".join(different)


def test_emergency_advice_in_every_version_names_the_emergency_number():
    lacking = []
    for path, name, variations in ALL:
        if not any((v.get("custom") or {}).get("emergency") for v in variations):
            continue
        for variation in variations:
            if "{emergency_number}" not in numbers_of(variation.get("text")):
                lacking.append(f"{path}: {name} ({language_of(variation) or 'en'})")
    assert not lacking, "emergency advice without {emergency_number}:\n" + "\n".join(lacking)


def test_button_payloads_are_language_neutral():
    worded = [
        f"{path}: {name}: {b.get('payload')!r}"
        for path, name, variations in ALL
        for v in variations
        for b in v.get("buttons") or []
        if not NEUTRAL_PAYLOAD.match(str(b.get("payload") or ""))
    ]
    assert not worded, "payloads must be /intent or topic:<name>, never words:\n" + "\n".join(
        worded
    )


def test_each_version_offers_the_same_buttons():
    different = []
    for path, name, variations in ALL:
        grouped = by_language(variations)
        english = [
            b.get("payload") for v in grouped.get(None, [])[:1] for b in v.get("buttons") or []
        ]
        for language in CONDITIONED:
            for variation in grouped.get(language, []):
                payloads = [b.get("payload") for b in variation.get("buttons") or []]
                if name != "utter_language_set" and payloads != english:
                    different.append(f"{path}: {name} ({language})")
    assert not different, "\n".join(different)


@pytest.mark.parametrize("path,name,variations", ALL, ids=[f"{p}:{n}" for p, n, _ in ALL])
def test_button_titles_fit_whatsapp_reply_buttons(path, name, variations):
    """Counted as sent with the default settings ("Call {emergency_number}": "Call 112")."""
    long = [
        b["title"]
        for v in variations
        for b in v.get("buttons") or []
        if len(str(b.get("title") or "").format_map(DEFAULTS_BY_NAME)) > BUTTON_TITLE_LIMIT
    ]
    assert not long


def test_no_response_sends_a_whatsapp_patient_to_this_page():
    pointing = [
        f"{path}: {name}"
        for path, name, variations in ALL
        for v in variations
        if re.search(r"this page|on this site|इस पेज|is page", v.get("text") or "", re.I)
    ]
    assert not pointing, "\n".join(pointing)
