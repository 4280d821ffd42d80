import asyncio
from pathlib import Path

from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.nlg import PracticeNLG
from assistant.settings import practice

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_use_112():
    settings = practice({})
    assert settings.emergency_number == "112" and settings.emergency_lines == "112"


def test_hospital_line_is_added_when_configured():
    settings = practice({"EMERGENCY_NUMBER": "108", "HOSPITAL_EMERGENCY_LINE": "011-4055-4055"})
    assert settings.emergency_lines == "108 or the hospital's emergency line 011-4055-4055"


def render(response, monkeypatch, **env):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    domain = Domain.load(str(ROOT / "domain"))
    tracker = DialogueStateTracker.from_events("s", [], slots=domain.slots)
    nlg = PracticeNLG(domain=domain)
    return asyncio.run(nlg.generate(response, tracker, "rest"))


def test_emergency_advice_carries_the_configured_numbers(monkeypatch):
    message = render("utter_emergency_advice", monkeypatch, EMERGENCY_NUMBER="108",
                     HOSPITAL_EMERGENCY_LINE="011-4055-4055", PRACTICE_NAME="Test Hospital")
    assert "call 108 or the hospital's emergency line 011-4055-4055" in message["text"]
    assert "emergency department now" in message["text"]
    assert message["custom"] == {"emergency": {"level": "EMERGENCY", "call": "108",
                                               "hospital_line": "011-4055-4055"}}


def test_greeting_names_the_configured_practice(monkeypatch):
    message = render("utter_greet", monkeypatch, PRACTICE_NAME="Test Hospital")
    assert "virtual assistant of Test Hospital" in message["text"]


def test_no_response_is_left_with_an_unfilled_placeholder(monkeypatch):
    for name in Domain.load(str(ROOT / "domain")).responses:
        if name in {"utter_ask_appointment_confirmed", "utter_appointment_saved",
                    "utter_triage_urgent", "utter_triage_routine"}:
            continue  # filled from form slots or by the action that utters them
        text = render(name, monkeypatch)["text"]
        assert "{" not in text, name
