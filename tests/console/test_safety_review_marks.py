"""The safety review loop's marks: a message marked as a missed red flag, and the marks
exported as rows of tests/redflags/cases.yml without personal data (the list of possible
findings: test_safety_review.py)."""

import re

import pytest
import yaml
from django.urls import reverse

from console.staff.models import AuditEntry, Conversation, MissedRedFlag
from console.staff.red_flag_review import categories
from console.staff.sync import sync


@pytest.fixture
def named(db, tracker):
    """A conversation whose form recorded a name, then a message nobody flagged."""
    sender = "named-patient"
    tracker.turn(sender, "I want to book an appointment")
    tracker.action(sender, "appointment_form")
    tracker.slot(sender, "patient_name", "Meena Gupta")
    message = tracker.turn(sender, "Meena here, call 98100 12345, I cant feel my bum when washing")
    other = tracker.turn(sender, "my name is Kavita and nothing comes out when I go")
    sync()
    return Conversation.objects.get(sender_id=sender), message, other


def test_a_reviewer_marks_a_missed_red_flag(named, client_for, staff):
    conversation, message, _ = named
    client = client_for("reviewer")
    url = reverse("staff:missed_red_flag", args=[conversation.pk, message])
    client.post(url, {"level": "LIFE_THREATENING", "category": "saddle_numbness"})
    assert not MissedRedFlag.objects.exists()
    response = client.post(
        url,
        {
            "level": "EMERGENCY",
            "category": "saddle_numbness",
            "note": "washing, not wiping; Meena is the patient",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#m-{message}")
    mark = MissedRedFlag.objects.get()
    assert (mark.level, mark.category, mark.marked_by) == (
        "EMERGENCY",
        "saddle_numbness",
        staff["reviewer"],
    )
    assert mark.text == "<name> here, call <phone>, I cant feel my bum when washing"
    assert "Meena" not in mark.note
    entry = AuditEntry.objects.get(action="missed_red_flag")
    assert entry.username == staff["reviewer"].username
    assert entry.target == f"conversation #{conversation.pk}" and entry.sender_hash
    assert entry.detail == {
        "message": message,
        "op": "marked",
        "level": "EMERGENCY",
        "category": "saddle_numbness",
    }
    page = client.get(reverse("staff:transcript", args=[conversation.pk])).content.decode()
    assert "Marked as a missed red flag" in page
    client.post(url, {"remove": "1"})
    assert not MissedRedFlag.objects.exists()
    assert AuditEntry.objects.filter(action="missed_red_flag", detail__op="removed").count() == 1


def test_only_patient_messages_can_be_marked(named, client_for):
    conversation, message, _ = named
    url = reverse("staff:missed_red_flag", args=[conversation.pk, message + 1])
    assert client_for("reviewer").post(url, {"level": "URGENT"}).status_code == 404


def test_the_export_is_a_red_flag_table_without_personal_data(named, client_for):
    conversation, message, other = named
    reviewer = client_for("reviewer")
    reviewer.post(
        reverse("staff:missed_red_flag", args=[conversation.pk, message]),
        {"level": "EMERGENCY", "category": "saddle_numbness", "note": "washing"},
    )
    reviewer.post(
        reverse("staff:missed_red_flag", args=[conversation.pk, other]), {"level": "EMERGENCY"}
    )
    response = client_for("clinician").post(reverse("staff:missed_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="missed-red-flags-')
    content = response.content.decode()
    for secret in ("98100", "12345", "Meena", "Gupta", "Kavita"):
        assert secret not in content
    cases = yaml.safe_load(content)["cases"]
    assert cases == [
        {
            "text": "<name> here, call <phone>, I cant feel my bum when washing",
            "expect": ["saddle_numbness"],
            "note": "missed EMERGENCY: washing",
        },
        {
            "text": "my name is <name> and nothing comes out when I go",
            "expect": ["choose_category"],
            "note": "missed EMERGENCY",
        },
    ]
    assert "choose_category" not in categories()  # so that row fails until it is named
    # laid out as cases.yml is, so the rows can be appended to it as they are
    assert re.search(r"^  - text: .*\n    expect: \[saddle_numbness\]$", content, re.M)
    entry = AuditEntry.objects.get(action="export_cases")
    assert entry.detail == {"cases": 2}
