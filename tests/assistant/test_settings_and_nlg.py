import asyncio
from functools import lru_cache
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


@lru_cache(maxsize=1)
def load_domain():
    return Domain.load(str(ROOT / "domain"))


def render(response, monkeypatch, **env):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    domain = load_domain()
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
    for name in load_domain().responses:
        if name in {"utter_ask_appointment_confirmed", "utter_appointment_saved",
                    "utter_triage_urgent", "utter_triage_routine"}:
            continue  # filled from form slots or by the action that utters them
        text = render(name, monkeypatch)["text"]
        assert "{" not in text, name


def test_button_payloads_are_sent_as_written_and_never_templated(monkeypatch):
    """`/inform{"tr_severity": "severe"}` is no placeholder: Rasa's templating logged an
    ERROR for each such button (seven in a triage conversation) before PracticeNLG."""
    from rasa.core.nlg import interpolator

    templated = []
    real = interpolator.interpolate_text
    monkeypatch.setattr(interpolator, "interpolate_text",
                        lambda text, values: templated.append(text) or real(text, values))
    domain = load_domain()
    with_payloads = {name: [b["payload"] for v in variations for b in v.get("buttons", [])
                            if "{" in b.get("payload", "")]
                     for name, variations in domain.responses.items()}
    with_payloads = {name: payloads for name, payloads in with_payloads.items() if payloads}
    assert with_payloads, "the domain has buttons with entity payloads to check"
    for name, payloads in with_payloads.items():
        message = render(name, monkeypatch)
        sent = [button["payload"] for button in message["buttons"]]
        assert set(sent) <= set(payloads) and len(sent) == len(set(sent)), name
        assert all("{" in payload for payload in sent), name
    assert templated, "the rest of each response is still filled"
    assert not [text for text in templated if text.startswith("/")]


def test_building_the_nlg_changes_nothing_outside_it():
    from rasa.core.actions.action import RemoteAction

    before = RemoteAction.__dict__["_validate_action_result"]
    PracticeNLG(domain=Domain.empty())
    assert RemoteAction.__dict__["_validate_action_result"] is before
