"""Cloud API webhook: handshake, signatures, payload reading (the patient's identity,
answering at once, duplicates and background turns: test_cloud_webhook_turns.py)."""

import logging

import pytest
import requests

from channels.whatsapp.cloud import CloudSettings, WhatsAppCloudInput
from channels.whatsapp.store import MemoryStore
from harness.whatsapp import meta
from tests.whatsapp.channel_app import ChannelApp, ScriptedBot
from tests.whatsapp.cloud_webhook import OTHER, PATIENT, post, texts

# --- verification handshake


def handshake(app, mode="subscribe", token=meta.VERIFY_TOKEN, challenge="1158201444"):
    params = {"hub.mode": mode, "hub.verify_token": token, "hub.challenge": challenge}
    return requests.get(app.url + "/webhook", params=params, timeout=5)


def test_handshake_echoes_the_challenge_for_the_right_token(make_cloud):
    with ChannelApp(make_cloud()) as app:
        answer = handshake(app)
    assert answer.status_code == 200
    assert answer.text == "1158201444"


@pytest.mark.parametrize(
    "mode,token",
    [
        ("subscribe", "wrong-token"),
        ("subscribe", ""),
        ("unsubscribe", meta.VERIFY_TOKEN),
        ("", meta.VERIFY_TOKEN),
    ],
)
def test_handshake_refuses_a_wrong_token_or_mode(make_cloud, mode, token):
    with ChannelApp(make_cloud()) as app:
        answer = handshake(app, mode=mode, token=token)
    assert answer.status_code == 403
    assert "1158201444" not in answer.text


def test_without_configuration_every_request_is_refused(graph):
    channel = WhatsAppCloudInput(CloudSettings(), store=MemoryStore())
    bot = ScriptedBot()
    with ChannelApp(channel, bot) as app:
        assert handshake(app, token="").status_code == 403
        assert post(app, meta.one(PATIENT, meta.text(PATIENT, "hi")), secret="").status_code == 403
        assert requests.post(app.url + "/webhook", data=b"{}", timeout=5).status_code == 403
    assert bot.received == []
    assert graph.attempts == []


# --- signatures


def test_a_signed_message_is_answered(make_cloud, graph):
    bot = ScriptedBot()
    with ChannelApp(make_cloud(), bot) as app:
        answer = post(app, meta.one(PATIENT, meta.text(PATIENT, "नमस्ते, is kyphoplasty safe?")))
        assert answer.status_code == 200
        sent = graph.wait_for(1)
    assert [m.text for m in bot.received] == ["नमस्ते, is kyphoplasty safe?"]
    assert bot.received[0].sender_id == PATIENT
    assert bot.received[0].input_channel == "whatsapp"
    request = sent[0]
    assert request.path == f"/v26.0/{meta.PHONE_NUMBER_ID}/messages"
    assert request.headers["Authorization"] == f"Bearer {meta.ACCESS_TOKEN}"
    assert request.body["messaging_product"] == "whatsapp"
    assert request.body["to"] == PATIENT
    assert request.body["text"]["body"] == "echo: नमस्ते, is kyphoplasty safe?"


def forged_requests():
    payload = meta.one(PATIENT, meta.text(PATIENT, "hello"))
    body, headers = meta.signed(payload)
    wrong_secret = meta.signed(payload, secret="not-the-app-secret")
    other_body, _ = meta.signed(meta.one(PATIENT, meta.text(PATIENT, "other")))
    return {
        "wrong secret": wrong_secret,
        "missing header": (body, {"Content-Type": "application/json"}),
        "empty header": (body, {**headers, "X-Hub-Signature-256": ""}),
        "sha1 header": (body, {**headers, "X-Hub-Signature-256": "sha1=" + "0" * 40}),
        "body changed after signing": (body.replace(b"hello", b"HELLO"), headers),
        "signature of another body": (other_body, headers),
        "bare hex digest": (
            body,
            {**headers, "X-Hub-Signature-256": headers["X-Hub-Signature-256"][len("sha256=") :]},
        ),
    }


@pytest.mark.parametrize("case", sorted(forged_requests()))
def test_forged_or_missing_signatures_are_refused_and_nothing_is_processed(make_cloud, graph, case):
    body, headers = forged_requests()[case]
    bot = ScriptedBot()
    with ChannelApp(make_cloud(), bot) as app:
        answer = requests.post(app.url + "/webhook", data=body, headers=headers, timeout=5)
        app.drain()
    assert answer.status_code == 403
    assert bot.received == []
    assert graph.attempts == []


def test_a_replayed_signed_request_is_processed_once(make_cloud, graph):
    body, headers = meta.signed(meta.one(PATIENT, meta.text(PATIENT, "hello")))
    bot = ScriptedBot()
    with ChannelApp(make_cloud(), bot) as app:
        for _ in range(3):
            assert (
                requests.post(
                    app.url + "/webhook", data=body, headers=headers, timeout=5
                ).status_code
                == 200
            )
        app.drain()
    assert len(bot.received) == 1
    assert len(graph.settle()) == 1


# --- payloads


def test_every_entry_change_and_message_is_handled(make_cloud, graph):
    payload = meta.webhook(
        [
            meta.value(
                [meta.text(PATIENT, "one"), meta.text(PATIENT, "two")], [meta.contact(PATIENT)]
            ),
            meta.value(statuses=[meta.status(PATIENT, "delivered"), meta.status(PATIENT, "read")]),
        ],
        [
            meta.value([meta.text(OTHER, "three")], [meta.contact(OTHER, name="Ravi")]),
            meta.value([meta.text(PATIENT, "four")], [meta.contact(PATIENT)]),
        ],
    )
    bot = ScriptedBot()
    with ChannelApp(make_cloud(), bot) as app:
        assert post(app, payload).status_code == 200
        sent = graph.wait_for(4)
        app.drain()
    assert sorted(m.text for m in bot.received) == ["four", "one", "three", "two"]
    by_patient = {}
    for request in sent:
        by_patient.setdefault(request.body["to"], []).append(request.body["text"]["body"])
    assert by_patient == {PATIENT: ["echo: one", "echo: two", "echo: four"], OTHER: ["echo: three"]}


def test_statuses_alone_are_accepted_and_send_nothing(make_cloud, graph):
    failed = meta.status(PATIENT, "failed", errors=[{"code": 131047, "title": "Re-engagement"}])
    payload = meta.webhook([meta.value(statuses=[meta.status(PATIENT, "sent"), failed])])
    bot = ScriptedBot()
    with ChannelApp(make_cloud(), bot) as app:
        assert post(app, payload).status_code == 200
        app.drain()
    assert bot.received == [] and graph.attempts == []


@pytest.mark.parametrize("kind", sorted(meta.MEDIA))
def test_messages_that_are_not_text_get_the_polite_text_only_reply(make_cloud, graph, kind):
    bot = ScriptedBot()
    with ChannelApp(make_cloud(), bot) as app:
        assert post(app, meta.one(PATIENT, meta.media(PATIENT, kind))).status_code == 200
        sent = graph.wait_for(1)
        app.drain()
    assert bot.received == []
    assert len(sent) == 1
    body = sent[0].body["text"]["body"]
    assert "I can only read text" in body and "112" in body
    assert sent[0].body["to"] == PATIENT


def signed_raw(app, body: bytes):
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": meta.signature(body)}
    return requests.post(app.url + "/webhook", data=body, headers=headers, timeout=5)


def test_signed_but_malformed_json_is_acknowledged_and_dropped(make_cloud, graph, caplog):
    """Meta retries every answer but 200 for up to 7 days and documents no 4xx it would not
    retry: an unreadable body is answered 200, dropped and logged without its content."""
    bot = ScriptedBot()
    bodies = (b'{"entry": [', b"", b"\xff\xfe not utf-8 919876543210", b"NaN]")
    with caplog.at_level(logging.INFO), ChannelApp(make_cloud(), bot) as app:
        answers = [signed_raw(app, body).status_code for body in bodies]
        app.drain()
    assert answers == [200, 200, 200, 200]
    assert bot.received == [] and graph.attempts == []
    assert "unreadable" in caplog.text and PATIENT not in caplog.text


def test_a_signed_body_nested_5000_levels_deep_is_acknowledged_and_dropped(
    make_cloud, graph, caplog
):
    bot = ScriptedBot()
    deep = b'{"entry": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    deeper = b'{"entry": [' + b'{"a": ' * 5000 + b"1" + b"}" * 5000 + b"]}"
    with caplog.at_level(logging.INFO), ChannelApp(make_cloud(), bot) as app:
        answers = [signed_raw(app, body).status_code for body in (deep, deeper)]
        good = post(app, meta.one(PATIENT, meta.text(PATIENT, "still here")))
        graph.wait_for(1)
        app.drain()
    assert answers == [200, 200] and good.status_code == 200
    assert [m.text for m in bot.received] == ["still here"]


def test_odd_payloads_are_accepted_and_their_good_messages_answered(make_cloud, graph):
    good = meta.text(PATIENT, "still answered")
    odd_message = {**meta.text(PATIENT, "x"), "text": "not an object"}
    no_id = {k: v for k, v in meta.text(PATIENT, "no id").items() if k != "id"}
    payloads = [
        [1, 2],
        {"entry": "nonsense"},
        {"entry": [{"changes": 7}]},
        {"entry": [{"changes": [{"field": "messages", "value": {"messages": "x"}}]}]},
        meta.webhook([meta.value([odd_message, no_id, good], [meta.contact(PATIENT)])]),
    ]
    bot = ScriptedBot()
    with ChannelApp(make_cloud(), bot) as app:
        answers = [post(app, payload).status_code for payload in payloads]
        sent = graph.wait_for(1)
        app.drain()
    assert answers == [200] * len(payloads)
    assert [m.text for m in bot.received] == ["still answered"]
    assert texts(graph.settle()) == ["echo: still answered"] == texts(sent)


def test_an_interactive_message_of_an_unknown_kind_gets_the_polite_reply(make_cloud, graph):
    flow = meta._message(
        PATIENT,
        "interactive",
        {
            "interactive": {
                "type": "nfm_reply",
                "nfm_reply": {"response_json": "{}", "body": "Sent"},
            }
        },
        None,
    )
    bot = ScriptedBot()
    with ChannelApp(make_cloud(), bot) as app:
        assert post(app, meta.one(PATIENT, flow)).status_code == 200
        sent = graph.wait_for(1)
        app.drain()
    assert bot.received == []
    assert "I can only read text" in texts(sent)[0]


def test_reactions_and_unknown_phone_numbers_are_ignored(make_cloud, graph):
    reaction = meta._message(
        PATIENT, "reaction", {"reaction": {"message_id": "wamid.X", "emoji": "👍"}}, None
    )
    elsewhere = meta.webhook(
        [
            meta.value(
                [meta.text(PATIENT, "hi")], [meta.contact(PATIENT)], phone_number_id="999999999"
            )
        ]
    )
    bot = ScriptedBot()
    with ChannelApp(make_cloud(), bot) as app:
        assert post(app, meta.one(PATIENT, reaction)).status_code == 200
        assert post(app, elsewhere).status_code == 200
        app.drain()
    assert bot.received == [] and graph.attempts == []
