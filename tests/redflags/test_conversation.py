"""Clinical context across messages: tests/redflags/conversations.yml, turn by turn."""

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from redflags import RedFlagDetector
from redflags.conversation import ConversationScreen

CASES = yaml.safe_load((Path(__file__).with_name("conversations.yml")).read_text(encoding="utf-8"))[
    "cases"
]
T0 = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def screen():
    return ConversationScreen(RedFlagDetector.shared())


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["turns"][-1]["text"][:50])
def test_turns(screen, case):
    state, now, previous = {}, T0, None
    for turn in case["turns"]:
        result = screen.screen(turn["text"], state, now, previous)
        assert sorted(f.category for f in result.findings) == sorted(turn["expect"]), turn
        state, now, previous = result.state, now + timedelta(minutes=3), turn["text"]


def test_the_state_is_small_and_json_safe(screen):
    import json

    state = screen.screen("I had kyphoplasty last week", {}, T0).state
    assert json.loads(json.dumps(state)) == state
    assert set(state) == {"facts", "at"}
    assert "last week" not in json.dumps(state)  # facts only, not the patient's words


def test_a_sign_is_kept_by_name_for_24_hours_then_forgotten(screen):
    import json

    state = screen.screen("my back hurts badly since monday", {}, T0).state
    assert set(state["signs"]) >= {"back_pain"}
    assert "monday" not in json.dumps(state) and "hurts" not in json.dumps(state)
    assert [f.category for f in screen.screen("I had cancer", state, T0).findings] == [
        "cancer_history"
    ]
    assert screen.screen("I had cancer", state, T0).findings[0].certainty == "confirmed"
    later = screen.screen("I had cancer", state, T0 + timedelta(hours=25)).findings
    assert [f.certainty for f in later] == ["possible"]  # told alone: conditional advice


def test_a_procedure_counts_as_recent_for_six_weeks_from_when_it_was_told(screen):
    state = screen.screen("I had kyphoplasty yesterday", {}, T0).state
    soon = screen.screen("new pain down my leg", state, T0 + timedelta(days=20))
    later = screen.screen("new pain down my leg", state, T0 + timedelta(days=60))
    assert [f.category for f in soon.findings] == ["post_procedure_leg"]
    assert later.findings == []
