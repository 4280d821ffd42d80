import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from actions.escalation import ActionRecordEscalation, signature
from tests.conftest import load_tracker, run_action, slot_events


class Recorder(BaseHTTPRequestHandler):
    received = []
    status = 204

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Recorder.received.append((dict(self.headers), body))
        self.send_response(Recorder.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def alert_server(monkeypatch):
    server = HTTPServer(("127.0.0.1", 0), Recorder)
    Recorder.received, Recorder.status = [], 204
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("PRACTICE_ALERT_WEBHOOK_URL", f"http://127.0.0.1:{server.server_port}/alert")
    monkeypatch.setenv("PRACTICE_ALERT_WEBHOOK_SECRET", "s3cret")
    yield Recorder
    server.shutdown()


def test_escalation_is_recorded_in_slots_without_a_webhook():
    events, said = run_action(ActionRecordEscalation(), load_tracker("emergency_message"))
    assert said == []
    assert slot_events(events) == {
        "escalation_level": "EMERGENCY",
        "escalation_categories": ["bladder", "infection"],
    }


def test_nothing_is_recorded_for_a_message_without_red_flags():
    assert run_action(ActionRecordEscalation(), load_tracker("faq_message")) == ([], [])


def test_practice_is_notified_with_a_signed_alert_without_message_text(alert_server):
    run_action(ActionRecordEscalation(), load_tracker("emergency_message"))
    [(headers, body)] = alert_server.received
    alert = json.loads(body)
    assert alert["level"] == "EMERGENCY" and alert["categories"] == ["bladder", "infection"]
    assert alert["sender_id"] == "patient-emergency-1" and alert["channel"] == "socketio"
    assert "peshab" not in body.decode()
    assert headers["X-Signature-256"] == signature("s3cret", body)


def test_a_failing_webhook_does_not_lose_the_record(alert_server):
    alert_server.status = 500
    events, _ = run_action(ActionRecordEscalation(), load_tracker("emergency_message"))
    assert slot_events(events)["escalation_level"] == "EMERGENCY"


def test_an_unreachable_webhook_does_not_lose_the_record(monkeypatch):
    monkeypatch.setenv("PRACTICE_ALERT_WEBHOOK_URL", "http://127.0.0.1:9/alert")
    events, _ = run_action(ActionRecordEscalation(), load_tracker("emergency_message"))
    assert slot_events(events)["escalation_level"] == "EMERGENCY"
