"""A seeded sample of generated inputs against every public endpoint and the action server.

Each endpoint gets FUZZ_EXAMPLES inputs (200 by default; derandomized, so every run sends
the same ones) from harness/fuzz.py, served in this process without a model: a
stand-in agent records what would reach Rasa. Asserted: no 5xx and the documented status
for each kind of input, no error or traceback in the logs, every well-formed message
handed on exactly once (a WhatsApp delivery repeated is still handed on once). The
benchmark bench/fuzz_endpoints.py runs the same strategies, 10,000 and more per
endpoint, against the real servers.
"""

import json
import logging
import os
import uuid

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasa.core import run
from twilio.request_validator import RequestValidator

from actions.server import guarded_app
from channels.rest import BadRequest, RestInput, read_body
from channels.socketio import SocketIOInput
from channels.whatsapp.cloud import WhatsAppCloudInput
from channels.whatsapp.store import MemoryStore
from channels.whatsapp.twilio_channel import TwilioWhatsAppInput
from harness import fuzz
from harness.whatsapp import meta
from harness.whatsapp.fake_graph import FakeGraph
from tests.security.served import Served
from tests.security.test_channel_isolation import RecordingAgent
from tests.whatsapp.channel_app import ChannelApp, ScriptedBot
from tests.whatsapp.conftest import cloud_settings, fast_graph

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
TWILIO_TOKEN = "twilio-fuzz-token"
ACTION_TOKEN = "fuzz-action-token"


def errors_in(caplog):
    """Unhandled exceptions: every record logged with a traceback (Sanic's, asyncio's
    "Task exception was never retrieved", python-engineio's handler errors, ...)."""
    return [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]


@pytest.fixture(scope="module")
def rasa_app():
    """REST and socket.io channels as `rasa run` registers them, with a recording agent."""
    channels = [
        RestInput(),
        SocketIOInput.from_credentials(
            {
                "user_message_evt": "user_uttered",
                "bot_message_evt": "bot_uttered",
                "session_persistence": True,
            }
        ),
    ]
    app = run.configure_app(channels, enable_api=False, route="/webhooks/")
    app.ctx.agent = RecordingAgent()
    with Served(app) as served:
        served.agent = app.ctx.agent
        yield served


def test_rest_channel(rasa_app, caplog):
    url = f"{rasa_app.url}/webhooks/rest/webhook"
    session = requests.Session()

    @FUZZ
    @given(fuzz.rest_bodies)
    def post(body):
        before = len(rasa_app.agent.messages)
        answer = session.post(
            url, data=body, headers={"Content-Type": "application/json"}, timeout=30
        )
        try:
            fields = read_body(body)
        except BadRequest:
            assert answer.status_code == 400, body[:80]
            assert len(rasa_app.agent.messages) == before
            return
        assert answer.status_code == 200
        assert rasa_app.agent.messages[before:] == [
            ("rest:" + (fields["sender"] or "default"), "rest")
        ]

    with caplog.at_level(logging.WARNING):
        post()
    assert errors_in(caplog) == []


def polling_session(base: str, session: requests.Session) -> str:
    """Open an engine.io long-polling session and join the default namespace; its sid."""
    opened = session.get(f"{base}/socket.io/?EIO=4&transport=polling", timeout=10)
    sid = json.loads(opened.text[1:])["sid"]
    url = f"{base}/socket.io/?EIO=4&transport=polling&sid={sid}"
    assert session.post(url, data="40", timeout=10).status_code == 200
    session.get(url, timeout=10)  # the namespace's connect answer
    return url


def test_socketio_channel(rasa_app, caplog):
    session = requests.Session()
    live = {"url": polling_session(rasa_app.url, session)}

    @FUZZ
    @given(fuzz.socketio_packets)
    def post(packet):
        answer = session.post(live["url"], data=packet.encode(), timeout=10)
        assert answer.status_code < 500
        if answer.status_code == 400:  # the session was closed: open another one
            live["url"] = polling_session(rasa_app.url, session)

    with caplog.at_level(logging.WARNING):
        post()
    assert errors_in(caplog) == []
    # a well-formed message still reaches the agent, once, under its session
    live = requests.Session()
    url = polling_session(rasa_app.url, live)
    request = json.dumps(["session_request", {"session_id": None}])
    assert live.post(url, data="42" + request, timeout=10).status_code == 200
    session_id = json.loads(live.get(url, timeout=10).text[2:])[1]
    assert len(session_id) == 32 and int(session_id, 16) >= 0  # handed out by the server
    before = len(rasa_app.agent.messages)
    message = json.dumps(["user_uttered", {"message": "hello", "session_id": session_id}])
    assert live.post(url, data="42" + message, timeout=10).status_code == 200
    assert "bot_uttered" in live.get(url, timeout=10).text
    assert rasa_app.agent.messages[before:] == [(f"socketio:{session_id}", "socketio")]


@pytest.fixture(scope="module")
def graph():
    with FakeGraph() as fake:
        yield fake


def test_whatsapp_cloud_webhook(graph, caplog):
    config = cloud_settings(graph.url, redis_url="")
    channel = WhatsAppCloudInput(config, store=MemoryStore(), graph=fast_graph(config))
    bot = ScriptedBot()
    with caplog.at_level(logging.WARNING), ChannelApp(channel, bot) as app:
        session = requests.Session()

        @FUZZ
        @given(fuzz.cloud_bodies)
        def post(body):
            headers = {
                "Content-Type": "application/json",
                "X-Hub-Signature-256": meta.signature(body),
            }
            for _ in range(2):  # each delivery twice, as Meta may
                answer = session.post(app.url + "/webhook", data=body, headers=headers, timeout=30)
                assert answer.status_code == 200, body[:80]

        post()
        good = [meta.message_id() for _ in range(5)]
        for mid in good + good:
            body, headers = meta.signed(
                meta.one("919800000001", meta.text("919800000001", "after the fuzz", mid=mid))
            )
            assert (
                session.post(
                    app.url + "/webhook", data=body, headers=headers, timeout=30
                ).status_code
                == 200
            )
        app.drain(60)
    ids = [m.message_id for m in bot.received]
    assert len(ids) == len(set(ids)), "a message was handed on twice"
    assert set(good) <= set(ids), "a well-formed message was lost"
    assert errors_in(caplog) == []


def test_twilio_webhook(graph, caplog):
    channel = TwilioWhatsAppInput(
        "AC" + "0" * 32, TWILIO_TOKEN, "+14155238886", api_base_url=graph.url, store=MemoryStore()
    )
    bot = ScriptedBot()
    validator = RequestValidator(TWILIO_TOKEN)
    with caplog.at_level(logging.WARNING), ChannelApp(channel, bot) as app:
        url = app.url + "/webhook"
        session = requests.Session()

        def send(fields):
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": validator.compute_signature(url, fields),
            }
            return session.post(url, data=fuzz.twilio_body(fields), headers=headers, timeout=30)

        @FUZZ
        @given(fuzz.twilio_forms)
        def post(fields):
            for _ in range(2):
                assert send(fields).status_code == 200, fields

        post()
        good = ["SM" + uuid.uuid4().hex for _ in range(5)]
        for sid in good + good:
            assert (
                send(
                    {"From": "whatsapp:+919800000002", "Body": "after the fuzz", "MessageSid": sid}
                ).status_code
                == 200
            )
        app.drain(60)
    ids = [m.message_id for m in bot.received]
    assert len(ids) == len(set(ids)) and set(good) <= set(ids)
    assert errors_in(caplog) == []


def test_action_server(caplog, sqlite_url):
    with caplog.at_level(logging.WARNING), Served(guarded_app(ACTION_TOKEN)) as server:
        session = requests.Session()

        @FUZZ
        @given(fuzz.action_bodies, st.booleans())
        def post(body, signed):
            headers = {"Content-Type": "application/json"}
            if signed:
                headers["Authorization"] = f"Bearer {ACTION_TOKEN}"
            answer = session.post(server.url + "/webhook", data=body, headers=headers, timeout=30)
            if not signed:
                assert answer.status_code == 401
            else:
                assert answer.status_code in (200, 400, 404), (answer.status_code, body[:120])

        post()
    assert errors_in(caplog) == []
