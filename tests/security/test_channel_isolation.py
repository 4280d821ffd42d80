"""A conversation belongs to its channel: no message on one channel reaches another's.

The finding: POST /webhooks/rest/webhook with "sender": "<a WhatsApp patient's number>"
read and changed that patient's appointment request, because Rasa kept every channel's
conversations under the bare sender id. These tests build the Rasa server's app the way
`rasa run` does (rasa.core.run.configure_app) with a stand-in agent that records the
conversation id of every message and answers through the message's output channel.
"""

import pytest
import requests
from rasa.core import run
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response

from assistant import rasa_patches
from channels.rest import RestInput
from contract import conversation_id, split_conversation_id
from tests.security.served import Served

PATIENT = "919876543210"


class RecordingAgent:
    def __init__(self):
        self.messages = []

    async def handle_message(self, message: UserMessage):
        self.messages.append((message.sender_id, message.input_channel))
        await message.output_channel.send_response(
            message.sender_id, {"text": f"conversation {message.sender_id}"}
        )


class WhatsAppLike(InputChannel):
    """A channel named like the Cloud API channel that posts `sender` as it comes."""

    @classmethod
    def name(cls):
        return "whatsapp"

    def blueprint(self, on_new_message):
        webhook = Blueprint("whatsapp_like", __name__)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request):
            collector = CollectingOutputChannel()
            await on_new_message(
                UserMessage(
                    request.json["message"],
                    collector,
                    request.json["sender"],
                    input_channel="whatsapp",
                )
            )
            return response.json(collector.messages)

        return webhook


@pytest.fixture(scope="module")
def server():
    app = run.configure_app([RestInput(), WhatsAppLike()], enable_api=False, route="/webhooks/")
    app.ctx.agent = RecordingAgent()
    with Served(app) as served:
        served.agent = app.ctx.agent
        yield served


def post(server, channel, body):
    return requests.post(f"{server.url}/webhooks/{channel}/webhook", json=body, timeout=10)


def test_a_rest_caller_naming_a_whatsapp_patient_reaches_a_conversation_of_its_own(server):
    server.agent.messages.clear()
    post(server, "whatsapp", {"sender": PATIENT, "message": "I'd like an appointment"})
    for sender in (PATIENT, f"whatsapp:{PATIENT}", conversation_id("whatsapp", PATIENT)):
        answer = post(
            server, "rest", {"sender": sender, "message": "/affirm", "input_channel": "whatsapp"}
        )
        assert answer.status_code == 200
        assert answer.json()[0]["recipient_id"] == sender  # the caller's own id, as before
    stored = [conversation for conversation, _ in server.agent.messages]
    assert stored[0] == "whatsapp:" + PATIENT
    assert all(c.startswith("rest:") for c in stored[1:])
    assert stored.count("whatsapp:" + PATIENT) == 1
    assert {channel for _, channel in server.agent.messages[1:]} == {"rest"}


def test_replies_reach_the_channel_s_own_sender_id(server):
    answer = post(server, "whatsapp", {"sender": PATIENT, "message": "hi"})
    assert answer.json() == [{"recipient_id": PATIENT, "text": f"conversation whatsapp:{PATIENT}"}]


def test_the_patches_refuse_another_rasa_version():
    with pytest.raises(RuntimeError, match="3.6.21"):
        rasa_patches.check_version("3.6.22")
    rasa_patches.check_version("3.6.21")


def test_conversation_ids_round_trip():
    assert split_conversation_id(conversation_id("twilio_whatsapp", "whatsapp:+91987")) == (
        "twilio_whatsapp",
        "whatsapp:+91987",
    )
    assert split_conversation_id("no-channel") == ("", "no-channel")


@pytest.mark.parametrize(
    "body",
    [
        b"[1, 2]",
        b'"x"',
        b"1",
        b"null",
        b"not json",
        b"",
        b'{"sender": 5, "message": "hi"}',
        b'{"sender": "a"}',
        b'{"sender": "a", "message": ["hi"]}',
        b'{"sender": "", "message": "hi"}',
        b'{"sender": "a", "message": "hi", "metadata": [1]}',
        b'{"message": "' + b"x" * 70000 + b'"}',
        b'{"message": "hi", "x": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        b'{"message": "hi", "x": ' + b'{"a":' * 900 + b"1" + b"}" * 900 + b"}",
    ],
    ids=lambda body: repr(body[:30]) + f"[{len(body)}]",
)
def test_the_rest_channel_answers_400_to_a_body_that_is_not_a_message(server, body):
    """The finding: [1,2] or "x" as the body got 500 (64 of 400 fuzzed bodies)."""
    answer = requests.post(
        f"{server.url}/webhooks/rest/webhook",
        data=body,
        timeout=10,
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 400
    assert set(answer.json()) == {"error"}
