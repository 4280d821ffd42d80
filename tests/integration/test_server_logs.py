"""The servers' logs during normal conversations: the project's own lines and real
warnings, no ERROR and no library deprecation notices (logs.py, assistant/nlg.py)."""

import pytest

from tests.integration.conftest import error_lines

pytestmark = pytest.mark.servers
CONVERSATION = [
    "hello",
    "what is kyphoplasty?",
    "I have back pain",
    "/deny",
    "/deny",
    "/deny",
    "/deny",
    "/deny",
    "/deny",
    "/deny",
    "/deny",
    "/deny",
    "/deny",
    '/inform{"tr_duration": "over_3_months"}',
    '/inform{"tr_severity": "severe"}',
    '/inform{"tr_care_helped": "no"}',
    "I want to book an appointment",
    "Meena Gupta",
    "+91 98100 12345",
    "friday evening",
    "a consultation",
    "/affirm",
    "thanks",
]


def test_a_triage_and_an_appointment_leave_no_error_and_no_deprecation_noise(servers):
    for message in CONVERSATION:
        assert servers.say("log-patient", message), message
    for name, log in servers.logs.items():
        assert error_lines(log) == [], name
        text = log.read_text(errors="replace")
        assert "DeprecationWarning" not in text, name
        assert "Skipping validation for" not in text, name
