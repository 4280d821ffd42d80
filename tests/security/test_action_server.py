"""The action server answers only the Rasa server: shared secret, loopback, checked calls."""

import json
import zlib

import pytest
import requests

from actions.server import guarded_app
from tests.conftest import load_tracker
from tests.security.served import Served

TOKEN = "shared-secret-of-this-test"


def action_call(action: str = "action_submit_appointment", **slots) -> dict:
    tracker = load_tracker("appointment_confirmed", **slots)
    state = {
        "sender_id": tracker.sender_id,
        "slots": tracker.slots,
        "latest_message": tracker.latest_message,
        "events": tracker.events,
        "active_loop": tracker.active_loop,
        "latest_action_name": None,
        "paused": False,
    }
    return {
        "next_action": action,
        "sender_id": tracker.sender_id,
        "tracker": state,
        "domain": {},
        "version": "3.6.21",
    }


@pytest.fixture(scope="module")
def server():
    with Served(guarded_app(TOKEN)) as served:
        yield served


def test_an_action_call_without_the_shared_secret_is_refused(server, sqlite_url):
    """The finding: a direct POST with next_action=action_submit_appointment created a request."""
    for headers in (
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": TOKEN},
        {"Authorization": f"Basic {TOKEN}"},
    ):
        answer = requests.post(
            server.url + "/webhook", json=action_call(), headers=headers, timeout=10
        )
        assert answer.status_code == 401, headers
    assert requests.get(server.url + "/actions", timeout=10).status_code == 401
    from sqlalchemy import create_engine, text

    with create_engine(sqlite_url).connect() as connection:  # the tables exist (conftest)
        assert connection.execute(text("SELECT count(*) FROM appointment_requests")).scalar() == 0


def test_the_rasa_server_s_call_with_the_secret_runs_the_action(server, sqlite_url):
    answer = requests.post(
        server.url + "/webhook",
        json=action_call(),
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=10,
    )
    assert answer.status_code == 200
    assert any(
        e.get("name") == "appointment_saved" and e.get("value") is True
        for e in answer.json()["events"]
    )


def test_a_deflated_call_with_the_secret_runs_too(server, sqlite_url):
    body = zlib.compress(json.dumps(action_call("action_triage_result")).encode())
    answer = requests.post(
        server.url + "/webhook",
        data=body,
        timeout=10,
        headers={
            "Authorization": f"Bearer {TOKEN}",
            "Content-Encoding": "deflate",
            "Content-Type": "application/json",
        },
    )
    assert answer.status_code == 200


def test_the_health_check_stays_open(server):
    assert requests.get(server.url + "/health", timeout=10).json() == {"status": "ok"}


@pytest.mark.parametrize(
    "body",
    [
        b"[1, 2]",
        b'"x"',
        b"{}",
        b'{"next_action": 5, "tracker": {}}',
        b'{"next_action": "x", "tracker": []}',
        b"not json",
        b"[" * 5000 + b"]" * 5000,
    ],
)
def test_a_call_that_is_not_an_action_call_gets_400_without_its_content(server, body):
    answer = requests.post(
        server.url + "/webhook",
        data=body,
        timeout=10,
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )
    assert answer.status_code == 400
    assert "tracker" not in answer.text or b"tracker" in body


def test_an_empty_secret_is_refused_at_start():
    with pytest.raises(ValueError):
        guarded_app("")


def test_the_server_listens_on_loopback_unless_told_otherwise(monkeypatch):
    import actions.server as module

    seen = {}
    monkeypatch.setenv("ACTION_SERVER_TOKEN", TOKEN)
    monkeypatch.delenv("ACTION_HOST", raising=False)
    from sanic import Sanic  # actions.server imports it only once the logs are quiet

    monkeypatch.setattr(
        Sanic, "run", lambda self, host, port, **kw: seen.update(host=host, port=port)
    )
    module.main([])
    assert seen == {"host": "127.0.0.1", "port": 5055}


@pytest.mark.parametrize("endpoints", ["endpoints.yml", "cluster/endpoints.yml"])
def test_the_rasa_server_sends_the_secret_from_the_environment(endpoints, monkeypatch):
    from rasa.core.utils import AvailableEndpoints

    from harness.processes import ROOT

    for name in (
        "ACTION_SERVER_URL",
        "DATABASE_URL",
        "LOCK_STORE_HOST",
        "LOCK_STORE_PORT",
        "LOCK_STORE_DB",
        "LOCK_STORE_PASSWORD",
        "LOCK_STORE_KEY_PREFIX",
    ):
        monkeypatch.setenv(name, "x")
    monkeypatch.setenv("ACTION_SERVER_TOKEN", TOKEN)
    action = AvailableEndpoints.read_endpoints(str(ROOT / endpoints)).action
    assert action.headers == {"Authorization": f"Bearer {TOKEN}"}
    assert not action.token  # never in the query string
