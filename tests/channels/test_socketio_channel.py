"""The website's socket.io channel (channels/socketio.py).

* Origins: a browser page from an origin outside ALLOWED_ORIGINS cannot open a
  socket (polling or websocket); an allowed origin can. Checked against a real
  Sanic server running the channel's blueprint (no model needed).
* Custom payloads: the emergency advice reaches the widget as one message with
  its `custom` part.
* credentials.yml loads this channel with session persistence.
"""

import asyncio
import os
import re
import subprocess
import sys
import time
from typing import Any, Dict, List, Tuple

import pytest
import requests
import socketio
import websockets

from channels.socketio import SocketIOInput, SocketIOOutput, allowed_origins
from tests.servers import ROOT, free_port

ALLOWED = "http://localhost:8080"
FOREIGN = "http://evil.example"
EMERGENCY = {"emergency": {"level": "EMERGENCY", "call": "112", "hospital_line": ""}}
SESSION = "0123456789abcdef0123456789abcdef"


def serve(port: int) -> None:
    """A Sanic app with only the channel; each user message gets an emergency-style reply."""
    from sanic import Sanic

    async def on_new_message(message) -> None:
        await message.output_channel.send_response(
            message.sender_id,
            {"text": f"You said: {message.text}\n\nSecond paragraph.", "custom": EMERGENCY},
        )

    channel = SocketIOInput.from_credentials({"session_persistence": True})
    app = Sanic("socketio_channel_test")
    app.config.GRACEFUL_SHUTDOWN_TIMEOUT = 1  # abandoned long-polls need not be waited for
    app.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/socketio")
    app.run(host="127.0.0.1", port=port, access_log=False)


@pytest.fixture(scope="module")
def server_url(tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("socketio") / "server.log"
    env = {
        **os.environ,
        "ALLOWED_ORIGINS": f"{ALLOWED} http://127.0.0.1:8080",
        "PYTHONPATH": str(ROOT),
    }
    code = f"from tests.channels.test_socketio_channel import serve; serve({port})"
    with open(log, "w") as handle:
        process = subprocess.Popen(
            [sys.executable, "-c", code], cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                requests.get(f"{url}/webhooks/socketio/", timeout=2)
                break
            except requests.RequestException:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"channel test server did not start:\n{log.read_text()[-3000:]}")
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def handshake(url: str, origin: str) -> requests.Response:
    return requests.get(
        f"{url}/socket.io/",
        params={"EIO": "4", "transport": "polling"},
        headers={"Origin": origin},
        timeout=10,
    )


def test_polling_from_a_foreign_origin_is_refused(server_url):
    response = handshake(server_url, FOREIGN)
    assert response.status_code == 400
    assert "Access-Control-Allow-Origin" not in response.headers


def test_polling_from_an_allowed_origin_is_accepted(server_url):
    response = handshake(server_url, ALLOWED)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert response.text.startswith("0{")  # engine.io "open" packet


def test_websocket_from_a_foreign_origin_is_refused(server_url):
    ws_url = server_url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket"

    async def connect(origin: str) -> str:
        async with websockets.connect(ws_url, origin=origin) as ws:
            return await asyncio.wait_for(ws.recv(), 10)

    with pytest.raises(websockets.exceptions.InvalidStatusCode) as refused:
        asyncio.run(connect(FOREIGN))
    assert refused.value.status_code == 400
    assert asyncio.run(connect(ALLOWED)).startswith("0{")


def _conversation(
    server_url: str, origin: str, session_id: str = SESSION, sender: str = ""
) -> Tuple[List[str], List[Dict[str, Any]]]:
    """Connect, ask for `session_id`, say hello as `sender` (default: the confirmed id)."""
    client = socketio.Client(reconnection=False)
    received: List[Dict[str, Any]] = []
    confirmed: List[str] = []
    client.on("session_confirm", lambda session_id: confirmed.append(session_id))
    client.on("bot_uttered", lambda message: received.append(message))
    client.connect(
        server_url, headers={"Origin": origin}, transports=["polling"], socketio_path="/socket.io"
    )
    try:
        client.emit("session_request", {"session_id": session_id})
        deadline = time.monotonic() + 10
        while not confirmed and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(confirmed) == 1
        reply = client.call(
            "user_uttered", {"message": "hello", "session_id": sender or confirmed[0]}, timeout=10
        )
        assert reply is None  # acknowledged after the replies were emitted
        deadline = time.monotonic() + 2  # the client hands events to its own thread
        while not received and time.monotonic() < deadline:
            time.sleep(0.05)
        return confirmed, received
    finally:
        # Close without waiting out the open long-poll (up to the 25 s ping interval).
        client.eio.disconnect(abort=True)


def test_allowed_origin_gets_the_emergency_reply_as_one_message(server_url):
    confirmed, received = _conversation(server_url, ALLOWED)
    assert confirmed == [SESSION]  # a session id it handed out earlier is kept
    assert received == [{"text": "You said: hello\n\nSecond paragraph.", "custom": EMERGENCY}]


def test_session_ids_of_another_form_are_not_accepted(server_url):
    confirmed, received = _conversation(server_url, ALLOWED, session_id="919876543210")
    assert re.fullmatch(r"[0-9a-f]{32}", confirmed[0])  # a fresh id instead
    assert received  # and the conversation works under it
    confirmed, received = _conversation(server_url, ALLOWED, sender="919876543210")
    assert received == []  # a message for a WhatsApp-like sender id is ignored


def test_foreign_origin_cannot_connect(server_url):
    with pytest.raises(socketio.exceptions.ConnectionError):
        _conversation(server_url, FOREIGN)


# ---- the output channel, without a server


class RecordingServer:
    def __init__(self) -> None:
        self.emitted: List[Any] = []

    async def emit(self, *args: Any, **kwargs: Any) -> None:
        self.emitted.append((args, kwargs))


def _send(message: Dict[str, Any]) -> List[Any]:
    sio = RecordingServer()
    asyncio.run(SocketIOOutput(sio, "bot_uttered").send_response("room-1", message))
    return sio.emitted


def test_text_with_custom_is_one_message_with_its_buttons():
    emitted = _send(
        {
            "text": "Go now.\n\nकृपया अभी जाएँ।",
            "custom": EMERGENCY,
            "buttons": [{"title": "OK", "payload": "/affirm"}],
        }
    )
    assert emitted == [
        (
            (
                "bot_uttered",
                {
                    "text": "Go now.\n\nकृपया अभी जाएँ।",
                    "custom": EMERGENCY,
                    "quick_replies": [
                        {"content_type": "text", "title": "OK", "payload": "/affirm"}
                    ],
                },
            ),
            {"room": "room-1"},
        )
    ]


def test_custom_alone_is_sent_as_custom():
    assert _send({"custom": EMERGENCY}) == [
        (("bot_uttered", {"custom": EMERGENCY}), {"room": "room-1"})
    ]


def test_plain_text_is_split_as_before():
    assert [args[1] for args, _ in _send({"text": "One.\n\nTwo."})] == [
        {"text": "One."},
        {"text": "Two."},
    ]


def test_allowed_origins_come_from_the_environment():
    assert allowed_origins({"ALLOWED_ORIGINS": "https://a.example/  http://b.example:8080"}) == [
        "https://a.example",
        "http://b.example:8080",
    ]
    assert SocketIOInput(cors_allowed_origins=["https://a.example"]).cors_allowed_origins == [
        "https://a.example"
    ]
    # none configured: same origin only, never "no check"
    assert SocketIOInput(cors_allowed_origins=[]).cors_allowed_origins is None


def test_credentials_load_this_channel_with_session_persistence():
    import yaml
    from rasa.shared.utils.common import class_from_module_path

    credentials = yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8"))
    assert "socketio" not in credentials  # the stock channel accepts any origin
    path = "channels.socketio.SocketIOInput"
    channel = class_from_module_path(path).from_credentials(credentials[path])
    assert isinstance(channel, SocketIOInput)
    assert channel.session_persistence is True
    assert (channel.user_message_evt, channel.bot_message_evt) == ("user_uttered", "bot_uttered")


def test_an_faq_answer_is_followed_by_the_offer_of_thumbs():
    emitted = _send(
        {"text": "Kyphoplasty is ...", "utter_action": "utter_faq/kyphoplasty", "language": "hi"}
    )
    assert [args[1] for args, _ in emitted] == [
        {"text": "Kyphoplasty is ...", "language": "hi"},
        {"feedback": {"topic": "kyphoplasty"}, "language": "hi"},
    ]


def test_no_thumbs_under_other_replies():
    for utter in ("utter_greet", "utter_emergency_advice", "utter_faq_did_you_mean", None):
        emitted = _send({"text": "Hello.", "utter_action": utter})
        assert [args[1] for args, _ in emitted] == [{"text": "Hello."}]
