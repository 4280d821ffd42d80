"""Live takeover with two Rasa replicas: the patient's socket is on one replica, the
console's calls reach the other, and every message still reaches the patient (the
socket.io servers share their emits through Redis, channels/socketio.py).

Runs the cluster of harness/cluster.py (nginx, two Rasa replicas, two action servers,
PostgreSQL, Redis). The console's Rasa client (console/takeover/rasa.py) is used as the
console uses it, against the replica that does not hold the socket.
"""

import asyncio
import time
from typing import Any, Dict, List

import pytest
import socketio

from console.takeover import rasa
from contract import (
    SLOT_STAFF_TAKEOVER,
    STAFF_MESSAGE_KEY,
    UTTER_TAKEOVER_ENDED,
    UTTER_TAKEOVER_STARTED,
    conversation_id,
)
from harness.servers import AUTH_TOKEN

pytestmark = pytest.mark.servers
ORIGIN = "http://localhost:8080"  # in ALLOWED_ORIGINS' default


class Patient:
    """A widget's socket, connected straight to one replica."""

    def __init__(self) -> None:
        self.client = socketio.AsyncClient()
        self.received: List[Dict[str, Any]] = []
        self.session_id = ""
        self.client.on("bot_uttered", self.received.append)
        self.client.on("session_confirm", self._confirmed)

    def _confirmed(self, session_id: str) -> None:
        self.session_id = session_id

    async def connect(self, url: str) -> None:
        await self.client.connect(url, transports=["polling"], headers={"Origin": ORIGIN})
        await self.client.emit("session_request", {})
        await self.until(lambda: bool(self.session_id), "no session id")

    async def say(self, text: str) -> None:
        await self.client.emit("user_uttered", {"message": text, "session_id": self.session_id})

    async def until(self, done, what: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while not done():
            assert time.monotonic() < deadline, f"{what}; received: {self.texts()}"
            await asyncio.sleep(0.2)

    async def wait_for_text(self, part: str) -> None:
        await self.until(lambda: any(part in t for t in self.texts()), f"no {part!r}")

    def texts(self) -> List[str]:
        return [m.get("text") or "" for m in self.received]


def test_staff_messages_reach_a_socket_held_by_the_other_replica(cluster, monkeypatch):
    socket_replica, api_replica = cluster.replica_urls
    monkeypatch.setenv("CONSOLE_RASA_URL", api_replica)
    monkeypatch.setenv("RASA_AUTH_TOKEN", AUTH_TOKEN)

    async def scenario() -> None:
        patient = Patient()
        await patient.connect(socket_replica)
        await patient.say("hello")
        await patient.wait_for_text("not a diagnosis")
        conversation = conversation_id("socketio", patient.session_id)
        loop = asyncio.get_running_loop()

        def call(function, *args, **kwargs):
            return loop.run_in_executor(None, lambda: function(*args, **kwargs))

        await call(
            rasa.append,
            conversation,
            [{"event": "slot", "name": SLOT_STAFF_TAKEOVER, "value": {"by": "dr-rao"}}],
        )
        await call(rasa.say, conversation, UTTER_TAKEOVER_STARTED)
        await patient.wait_for_text("A member of the clinic's team is now replying")
        await call(
            rasa.append,
            conversation,
            [
                {
                    "event": "bot",
                    "text": "Dr Rao here, from the other replica.",
                    "metadata": {STAFF_MESSAGE_KEY: "dr-rao"},
                }
            ],
            send=True,
        )
        await patient.wait_for_text("Dr Rao here, from the other replica.")

        # The patient's reply on the socket's replica gets no answer from the assistant ...
        before = len(patient.received)
        await patient.say("thank you doctor")
        await asyncio.sleep(5)
        assert patient.texts()[before:] == []
        # ... but a red flag still gets the emergency advice.
        await patient.say("I can't control my bladder since yesterday")
        await patient.wait_for_text("emergency department")

        await call(
            rasa.append,
            conversation,
            [{"event": "slot", "name": SLOT_STAFF_TAKEOVER, "value": None}],
        )
        await call(rasa.say, conversation, UTTER_TAKEOVER_ENDED)
        await patient.wait_for_text("handed this conversation back to the assistant")
        await patient.client.disconnect()

    asyncio.run(scenario())
    for replica in ("rasa1", "rasa2"):
        log = cluster.logs[replica].read_text(errors="replace")
        assert " ERROR " not in log, log[-3000:]
