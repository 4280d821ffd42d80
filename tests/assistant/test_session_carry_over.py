"""A new session keeps the safety state for 24 hours, and nothing of a half-filled form."""

from pathlib import Path

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.session_carry_over import carried_over

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = Domain.load(str(ROOT / "domain"))
T0 = 1_780_000_000.0


def tracker(**slots):
    return DialogueStateTracker.from_events(
        "patient", [SlotSet(name, value) for name, value in slots.items()], slots=DOMAIN.slots
    )


def carried(state, now):
    return {event.key: event.value for event in carried_over(state, now)}


def test_a_recent_emergency_and_the_language_are_carried_over_not_the_forms():
    state = tracker(
        emergency_active=True,
        emergency_at=T0,
        red_flag_summary="chest pain",
        language="hi",
        patient_name="Asha",
        tr_bladder="no",
        clinical_context={"facts": {}},
    )
    assert carried(state, T0 + 3600) == {
        "emergency_active": True,
        "emergency_at": T0,
        "red_flag_summary": "chest pain",
        "language": "hi",
        "clinical_context": {"facts": {}},
    }


def test_an_emergency_older_than_24_hours_is_not_carried_over():
    state = tracker(emergency_active=True, emergency_at=T0, language="en")
    assert carried(state, T0 + 25 * 3600) == {"language": "en"}


def test_the_domain_asks_rasa_to_carry_slots_over():
    assert DOMAIN.session_config.carry_over_slots


def test_the_summary_in_every_language_comes_with_a_recent_emergency():
    versions = {"en": "chest pain", "hi": "सीने में दर्द", "hinglish": "seene mein dard"}
    state = tracker(
        emergency_active=True,
        emergency_at=T0,
        red_flag_summary="chest pain",
        red_flag_summary_versions=versions,
    )
    assert carried(state, T0 + 3600)["red_flag_summary_versions"] == versions
