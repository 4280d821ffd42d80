"""Reviewers' intent corrections become Rasa NLU YAML that `rasa data validate` accepts,
without the examples the training data already has."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.test import override_settings
from django.urls import reverse

from console.staff.models import AuditEntry, Conversation, IntentAnnotation
from console.staff.nlu import training_data
from console.staff.sync import sync
from contract import conversation_id
from tests.console.conftest import fallback_texts, predictions

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.servers


@pytest.fixture
def conversations(db, assistant_store_sqlite):
    """The real conversations; yields a message the assistant answered as a fallback."""
    url, _ = assistant_store_sqlite
    with override_settings(TRACKER_DATABASE_URL=url):
        sync()
        yield fallback_texts(url)[0]


def user_message(client, sender, text):
    """The event id of a patient message, from the transcript page."""
    conversation = Conversation.objects.get(sender_id=conversation_id("rest", sender))
    page = client.get(reverse("staff:transcript", args=[conversation.pk])).content.decode()
    for event_id, shown in re.findall(
        r'<li id="m-(\d+)" class="msg patient[^"]*">.*?'
        r'<p class="text">(.*?)</p>',
        page,
        re.S,
    ):
        if shown == text:
            return conversation.pk, int(event_id)
    raise AssertionError(f"{text!r} not in the transcript")


def annotate(client, sender, text, intent=None):
    pk, event_id = user_message(client, sender, text)
    data = {"verdict": "corrected", "intent": intent} if intent else {"verdict": "correct"}
    response = client.post(reverse("staff:intent", args=[pk, event_id]), data)
    assert response.status_code == 302
    return IntentAnnotation.objects.get(conversation_id=pk, event_id=event_id)


def test_corrections_export_as_valid_training_data(
    conversations, assistant_store_sqlite, client_for, tmp_path
):
    reviewer = client_for("reviewer")
    known, intents = training_data()
    assert "greet" in intents and "faq/kyphoplasty" in intents and "red_flag_urgent" not in intents
    assert "hello" in known

    confirmed = annotate(reviewer, "c-faq", "what is kyphoplasty")
    assert confirmed.correct_intent == confirmed.predicted_intent == "faq/kyphoplasty"
    nonsense = conversations
    assert annotate(reviewer, "c-fallback", nonsense, "greet").predicted_intent == "nlu_fallback"
    annotate(reviewer, "c-fallback", nonsense, "out_of_scope")  # a second verdict replaces it
    annotate(reviewer, "c-xss", "&lt;script&gt;alert(1)&lt;/script&gt;", "out_of_scope")
    annotate(reviewer, "c-faq", "hello", "thank")  # already training data
    # the screen made it red_flag_emergency; the annotation keeps the classifier's own intent
    classified = dict(predictions(assistant_store_sqlite[0])["c-emergency"])
    assert classified["my legs are going weak"] != "report_back_pain", (
        "the classifier now says report_back_pain itself: correct it to another intent here"
    )
    legs = annotate(reviewer, "c-emergency", "my legs are going weak", "report_back_pain")
    assert legs.predicted_intent == classified["my legs are going weak"]
    assert legs.correct_intent == "report_back_pain"
    IntentAnnotation.objects.create(
        conversation=legs.conversation,
        event_id=0,
        text=nonsense.upper() + " ",
        predicted_intent="greet",
        correct_intent="out_of_scope",
    )
    rejected = reviewer.post(
        reverse("staff:intent", args=[legs.conversation_id, legs.event_id]),
        {"verdict": "corrected", "intent": "red_flag_emergency"},
    )
    assert rejected.status_code == 302
    assert IntentAnnotation.objects.get(pk=legs.pk).correct_intent == legs.correct_intent

    page = reviewer.get(reverse("staff:annotations")).content.decode()
    assert "conflicts with training data" in page and "duplicate" in page
    assert "1 prediction confirmed" in page
    assert reviewer.post(reverse("staff:annotation_export")).status_code == 403

    response = client_for("admin").post(reverse("staff:annotation_export"))
    content = response.content.decode()
    assert response["Content-Disposition"].startswith("attachment;")
    examples = {
        item["intent"]: [line[2:] for line in item["examples"].splitlines()]
        for item in yaml.safe_load(content)["nlu"]
    }
    assert examples == {
        "out_of_scope": [nonsense, "<script>alert(1)</script>"],
        legs.correct_intent: ["my legs are going weak"],
    }
    assert AuditEntry.objects.get(action="export_nlu").detail == {"examples": 3}

    exported = tmp_path / "console-corrections.yml"
    exported.write_text(content, encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "rasa",
            "data",
            "validate",
            "--data",
            "data",
            str(exported),
            "--domain",
            "domain",
            "--config",
            "config.yml",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "validation completed with errors" not in output
    warnings = re.findall(r"UserWarning: (.+)", output)
    assert not [
        w for w in warnings if nonsense in w or re.search(r"alert\(1\)|legs are going weak", w)
    ]
