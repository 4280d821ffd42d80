"""Twilio WhatsApp channel: X-Twilio-Signature checked with twilio's RequestValidator."""

import asyncio
import uuid
from urllib.parse import urlencode

import pytest
import requests
from twilio.request_validator import RequestValidator

from channels.whatsapp.store import RedisStore
from channels.whatsapp.twilio_channel import TwilioWhatsAppInput
from tests.whatsapp.channel_app import ChannelApp, ScriptedBot
from tests.whatsapp.test_cloud_replies import EMERGENCY, menu

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "twilio-test-auth-token"
BUSINESS = "+14155238886"
PATIENT = "whatsapp:+919876543210"
PUBLIC_URL = "https://clinic.example.org/webhooks/twilio_whatsapp/webhook"


def form(body="hello", **extra):
    """The form fields Twilio posts for an incoming WhatsApp message."""
    sid = "SM" + uuid.uuid4().hex
    fields = {
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "ProfileName": "Asha",
        "MessageType": "text",
        "SmsSid": sid,
        "WaId": "919876543210",
        "SmsStatus": "received",
        "Body": body,
        "To": f"whatsapp:{BUSINESS}",
        "NumSegments": "1",
        "ReferralNumMedia": "0",
        "MessageSid": sid,
        "AccountSid": ACCOUNT_SID,
        "From": PATIENT,
        "ApiVersion": "2010-04-01",
    }
    fields.update(extra)
    return fields


def send(app, fields, url=None, token=AUTH_TOKEN, signature=None):
    url = url or app.url + "/webhook"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if signature is not False:
        headers["X-Twilio-Signature"] = signature or RequestValidator(token).compute_signature(
            url, fields
        )
    return requests.post(app.url + "/webhook", data=urlencode(fields), headers=headers, timeout=5)


@pytest.fixture
def make_twilio(graph, prefix, redis_url):
    def make(**overrides):
        values = dict(
            account_sid=ACCOUNT_SID,
            auth_token=AUTH_TOKEN,
            twilio_number=BUSINESS,
            api_base_url=graph.url,
            store=RedisStore(redis_url),
            key_prefix=prefix,
        )
        values.update(overrides)
        return TwilioWhatsAppInput(**values)

    return make


def bodies(graph):
    return [s.body.get("Body") for s in graph.settle(quiet=0.3)]


def test_a_signed_message_is_answered_through_twilio(make_twilio, graph):
    bot = ScriptedBot()
    with ChannelApp(make_twilio(), bot) as app:
        answer = send(app, form("is kyphoplasty painful?"))
        sent = graph.wait_for(1)
    assert answer.status_code == 200 and "<Response>" in answer.text
    assert [(m.sender_id, m.text) for m in bot.received] == [(PATIENT, "is kyphoplasty painful?")]
    assert sent[0].path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert sent[0].body == {
        "To": PATIENT,
        "From": f"whatsapp:{BUSINESS}",
        "Body": "echo: is kyphoplasty painful?",
    }


@pytest.mark.parametrize("case", ["wrong token", "missing", "changed body", "other url"])
def test_forged_requests_are_refused(make_twilio, graph, case):
    bot = ScriptedBot()
    fields = form("hello")
    with ChannelApp(make_twilio(), bot) as app:
        if case == "wrong token":
            answer = send(app, fields, token="not-the-auth-token")
        elif case == "missing":
            answer = send(app, fields, signature=False)
        elif case == "changed body":
            good = RequestValidator(AUTH_TOKEN).compute_signature(app.url + "/webhook", fields)
            answer = send(app, {**fields, "Body": "changed"}, signature=good)
        else:
            answer = send(
                app,
                fields,
                signature=RequestValidator(AUTH_TOKEN).compute_signature(
                    "https://attacker.example/webhook", fields
                ),
            )
        app.drain()
    assert answer.status_code == 403
    assert bot.received == [] and graph.attempts == []


def test_behind_a_proxy_the_public_url_is_what_twilio_signed(make_twilio, graph):
    bot = ScriptedBot()
    with ChannelApp(make_twilio(public_url=PUBLIC_URL), bot) as app:
        signed_for_public = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL, form("a"))
        fields = form("through the proxy")
        assert send(app, fields, url=PUBLIC_URL).status_code == 200
        assert send(app, form("local url")).status_code == 403
        assert send(app, form("a"), signature=signed_for_public).status_code == 403  # other body
        app.drain()
    assert [m.text for m in bot.received] == ["through the proxy"]


def test_without_credentials_every_request_is_refused(graph):
    channel = TwilioWhatsAppInput("", "", "")
    bot = ScriptedBot()
    with ChannelApp(channel, bot) as app:
        assert send(app, form("hi"), token="").status_code == 403
        assert send(app, form("hi"), signature=False).status_code == 403
    assert bot.received == []
    assert channel.get_output_channel() is None


def test_button_payload_is_used_when_present(make_twilio, graph):
    bot = ScriptedBot()
    with ChannelApp(make_twilio(), bot) as app:
        send(
            app,
            form(
                "Yes, send it",
                MessageType="button",
                ButtonText="Yes, send it",
                ButtonPayload="/affirm",
            ),
        )
        app.drain()
    assert [m.text for m in bot.received] == ["/affirm"]


def test_buttons_are_numbered_options_answered_by_number(make_twilio, graph):
    bot = ScriptedBot(menu)
    with ChannelApp(make_twilio(), bot) as app:
        for text in ("menu3", "1", "menu6", "6", "menu3", "Yes"):
            send(app, form(text))
            app.drain()
    received = [m.text for m in bot.received]
    assert received[1] == "/affirm"
    assert received[3] == '/choose{"n": 6}'
    assert received[5] == "/affirm"
    numbered = bodies(graph)[0]
    assert numbered.startswith("Pick\n\n1. Yes\n2. No\n3. Severe pain")
    assert "Reply with the number" in numbered


def test_media_gets_the_text_only_reply_and_duplicates_are_dropped(make_twilio, graph):
    bot = ScriptedBot()
    photo = form(
        "",
        NumMedia="1",
        MessageType="image",
        MediaContentType0="image/jpeg",
        MediaUrl0="https://api.twilio.com/media/ME1",
    )
    with ChannelApp(make_twilio(), bot) as app:
        send(app, photo)
        send(app, photo)
        app.drain()
    assert bot.received == []
    sent = bodies(graph)
    assert len(sent) == 1 and "I can only read text" in sent[0]


def test_emergency_advice_goes_first_and_long_texts_are_split_for_twilio(make_twilio, graph):
    long_text = " ".join(f"Sentence {n} about recovery after the procedure." for n in range(80))

    def replies(message):
        return [{"text": long_text}, dict(EMERGENCY)]

    with ChannelApp(make_twilio(), ScriptedBot(replies)) as app:
        send(app, form("I can't control my bladder"))
        app.drain()
    sent = bodies(graph)
    assert sent[0].startswith("⚠️ You mentioned") and "📞 112" in sent[0]
    assert len(sent) >= 3 and all(len(body) <= 1600 for body in sent)
    assert all("EMERGENCY" not in body for body in sent)


def test_twilio_sends_are_retried_on_429_and_5xx(make_twilio, graph):
    graph.fail_next(429, 503)
    channel = make_twilio()
    output = channel.output()
    output.backoff = 0.01

    async def turn():
        await output.send_response(PATIENT, {"text": "hello"})
        return await output.flush(PATIENT)

    assert asyncio.run(turn()) == 1
    assert [a.status for a in graph.attempts] == [429, 503, 201]


def test_a_location_gets_the_text_only_reply(make_twilio, graph):
    bot = ScriptedBot()
    place = form("", MessageType="location", Latitude="28.5672", Longitude="77.2100")
    with ChannelApp(make_twilio(), bot) as app:
        assert send(app, place).status_code == 200
        app.drain()
    assert bot.received == []
    sent = bodies(graph)
    assert len(sent) == 1 and "I can only read text" in sent[0] and "112" in sent[0]


def test_status_callbacks_and_empty_messages_are_accepted_and_send_nothing(make_twilio, graph):
    bot = ScriptedBot()
    with ChannelApp(make_twilio(), bot) as app:
        answers = [
            send(app, fields).status_code
            for fields in (form("", MessageStatus="delivered"), form("   "), form("x", From=""))
        ]
        raw = requests.post(
            app.url + "/webhook",
            data=b"\xff\xfe",
            timeout=5,
            headers={"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},
        )
        app.drain()
    assert answers == [200, 200, 200] and raw.status_code == 403
    assert bot.received == [] and graph.attempts == []


def test_a_repeated_message_sid_is_ignored_after_a_restart(make_twilio, graph):
    fields = form("hello once")
    first, second = ScriptedBot(), ScriptedBot()
    with ChannelApp(make_twilio(), first) as app:
        send(app, fields)
    with ChannelApp(make_twilio(), second) as app:
        assert send(app, fields).status_code == 200
    assert [m.text for m in first.received] == ["hello once"] and second.received == []
    assert len(bodies(graph)) == 1
