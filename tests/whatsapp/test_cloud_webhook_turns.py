"""Cloud API webhook: who the patient is (phone number and BSUID), answering before the
turn is processed, duplicates, and the background turns with or without Redis."""

import logging
import threading
import time

import redis
import requests

from channels.whatsapp.cloud import WhatsAppCloudInput
from channels.whatsapp.store import MemoryStore
from harness.processes import free_port
from harness.whatsapp import meta
from tests.whatsapp.channel_app import ChannelApp, ScriptedBot
from tests.whatsapp.cloud_webhook import OTHER, PATIENT, post, texts
from tests.whatsapp.conftest import REDIS_URL, cloud_settings, fast_graph, redis_keys

# --- the patient's identity


def only_bsuid(bsuid: str, body: str):
    """A payload from a patient whose phone number Meta withholds (username adopted)."""
    message = meta.text(PATIENT, body, user_id=bsuid)
    del message["from"]
    return meta.webhook([meta.value([message], [{"profile": {"name": "A"}, "user_id": bsuid}])])


def test_a_patient_keeps_one_conversation_when_the_bsuid_arrives_beside_the_phone(
    make_cloud, graph
):
    """The conversation that exists (under the phone number) stays the patient's one
    conversation when Meta adds the business-scoped user id, and when it later sends
    the BSUID alone."""
    bsuid = "IN.1648738043044942"
    bot = ScriptedBot()
    with ChannelApp(make_cloud(), bot) as app:
        post(app, meta.one(PATIENT, meta.text(PATIENT, "phone only")))
        app.drain()
        post(app, meta.one(PATIENT, meta.text(PATIENT, "with phone"), user_id=bsuid))
        app.drain()
        post(app, only_bsuid(bsuid, "username only"))
        sent = graph.wait_for(3)
        app.drain()
    assert [m.sender_id for m in bot.received] == [PATIENT, PATIENT, PATIENT]
    assert sent[1].body["to"] == PATIENT and "recipient" not in sent[1].body
    assert sent[2].body["recipient"] == bsuid and "to" not in sent[2].body


def test_a_patient_first_seen_by_bsuid_keeps_that_conversation_when_the_phone_appears(
    make_cloud, graph
):
    bsuid = "IN.99887766554433"
    bot = ScriptedBot()
    with ChannelApp(make_cloud(), bot) as app:
        post(app, only_bsuid(bsuid, "username only"))
        app.drain()
        post(app, meta.one(PATIENT, meta.text(PATIENT, "with phone"), user_id=bsuid))
        app.drain()
    assert [m.sender_id for m in bot.received] == [bsuid, bsuid]


def test_the_bsuid_link_keeps_no_phone_number_in_redis(make_cloud, graph, prefix):
    bsuid = "IN.1648738043044942"
    with ChannelApp(make_cloud(), ScriptedBot()) as app:
        post(app, meta.one(PATIENT, meta.text(PATIENT, "with phone"), user_id=bsuid))
        app.drain()
    client = redis.Redis.from_url(REDIS_URL)
    try:
        stored = b"".join(k + (client.get(k) or b"") for k in client.scan_iter(f"{prefix}*"))
    finally:
        client.close()
    assert stored and PATIENT.encode() not in stored and bsuid.encode() not in stored


def test_the_sender_is_the_wa_id_without_a_user_id(make_cloud, graph):
    bot = ScriptedBot()
    with ChannelApp(make_cloud(), bot) as app:
        post(app, meta.one(PATIENT, meta.text(PATIENT, "first")))
        post(app, meta.one(PATIENT, meta.text(PATIENT, "second")))
        app.drain()
    assert {m.sender_id for m in bot.received} == {PATIENT}


# --- answering at once, duplicates


def test_the_webhook_answers_before_the_turn_is_processed(make_cloud, graph):
    bot = ScriptedBot(delay=2.0)
    with ChannelApp(make_cloud(), bot) as app:
        started = time.monotonic()
        answer = post(app, meta.one(PATIENT, meta.text(PATIENT, "slow one")))
        answered = time.monotonic() - started
        assert graph.attempts == []
        sent = graph.wait_for(1, timeout=10)
    assert answer.status_code == 200
    assert answered < 1.0
    assert texts(sent) == ["echo: slow one"]


def test_a_patients_messages_are_processed_in_order(make_cloud, graph):
    bot = ScriptedBot(delay=0.05)
    with ChannelApp(make_cloud(), bot) as app:
        for number in range(8):
            post(app, meta.one(PATIENT, meta.text(PATIENT, f"message {number}")))
        app.drain()
    assert [m.text for m in bot.received] == [f"message {n}" for n in range(8)]
    assert texts(graph.settle()) == [f"echo: message {n}" for n in range(8)]


def test_a_repeated_message_id_is_processed_once_even_in_another_payload(make_cloud, graph):
    mid = meta.message_id()
    bot = ScriptedBot()
    with ChannelApp(make_cloud(), bot) as app:
        post(app, meta.one(PATIENT, meta.text(PATIENT, "once", mid=mid)))
        post(
            app,
            meta.webhook(
                [
                    meta.value(
                        [meta.text(PATIENT, "once", mid=mid), meta.text(PATIENT, "new")],
                        [meta.contact(PATIENT)],
                    )
                ]
            ),
        )
        app.drain()
    assert [m.text for m in bot.received] == ["once", "new"]
    assert texts(graph.settle()) == ["echo: once", "echo: new"]


def test_a_repeated_message_is_ignored_after_a_restart(make_cloud, graph, prefix):
    payload = meta.one(PATIENT, meta.text(PATIENT, "before the restart"))
    first, second = ScriptedBot(), ScriptedBot()
    with ChannelApp(make_cloud(), first) as app:
        post(app, payload)
    seen = [key for key in redis_keys(prefix) if key.startswith(f"{prefix}seen:")]
    assert len(seen) == 1 and PATIENT not in seen[0]  # in Redis, hashed
    with ChannelApp(make_cloud(), second) as app:  # a new process: nothing kept in memory
        assert post(app, payload).status_code == 200
        post(app, meta.one(PATIENT, meta.text(PATIENT, "after the restart")))
    assert [m.text for m in first.received] == ["before the restart"]
    assert [m.text for m in second.received] == ["after the restart"]


def test_two_instances_process_a_message_delivered_to_both_once(make_cloud, graph):
    payloads = [meta.one(PATIENT, meta.text(PATIENT, f"both {n}")) for n in range(10)]
    bot_a, bot_b = ScriptedBot(), ScriptedBot()
    with ChannelApp(make_cloud(), bot_a) as a, ChannelApp(make_cloud(), bot_b) as b:

        def deliver(app):
            for payload in payloads:
                post(app, payload)

        threads = [threading.Thread(target=deliver, args=(app,)) for app in (a, b)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        a.drain()
        b.drain()
    handled = sorted(m.text for m in bot_a.received + bot_b.received)
    assert handled == sorted(f"both {n}" for n in range(10))
    assert len(graph.settle()) == 10


def test_without_a_redis_url_duplicates_are_caught_in_process_memory(graph):
    settings = cloud_settings(graph.url, redis_url="")
    channel = WhatsAppCloudInput(settings, graph=fast_graph(settings))
    assert isinstance(channel.turns.store, MemoryStore)
    body, headers = meta.signed(meta.one(PATIENT, meta.text(PATIENT, "hello")))
    bot = ScriptedBot()
    with ChannelApp(channel, bot) as app:
        for _ in range(2):
            requests.post(app.url + "/webhook", data=body, headers=headers, timeout=5)
        app.drain()
    assert [m.text for m in bot.received] == ["hello"]
    assert texts(graph.settle(quiet=0.3)) == ["echo: hello"]


def test_when_redis_is_down_messages_are_still_answered_once(graph, caplog):
    settings = cloud_settings(graph.url, redis_url=f"redis://127.0.0.1:{free_port()}/0")
    channel = WhatsAppCloudInput(settings, graph=fast_graph(settings))
    body, headers = meta.signed(meta.one(PATIENT, meta.text(PATIENT, "hello")))
    bot = ScriptedBot()
    with caplog.at_level(logging.WARNING), ChannelApp(channel, bot) as app:
        for _ in range(2):
            requests.post(app.url + "/webhook", data=body, headers=headers, timeout=5)
        app.drain()
    assert [m.text for m in bot.received] == ["hello"]
    assert "Redis unavailable" in caplog.text


def test_the_text_only_reply_follows_the_conversation_language(make_cloud, graph):
    from assistant import channel_labels

    channel_labels.keep({"hi": {"not_text": "माफ़ कीजिए, सिर्फ़ लिखे हुए संदेश। इमरजेंसी: 112"}})
    bot = ScriptedBot(lambda message: [{"text": "नमस्ते", "language": "hi"}])
    try:
        with ChannelApp(make_cloud(), bot) as app:
            assert post(app, meta.one(PATIENT, meta.text(PATIENT, "नमस्ते"))).status_code == 200
            graph.wait_for(1)
            app.drain()
            assert post(app, meta.one(PATIENT, meta.media(PATIENT, "image"))).status_code == 200
            sent = graph.wait_for(2)
            app.drain()
            assert post(app, meta.one(OTHER, meta.media(OTHER, "image"))).status_code == 200
            other = graph.wait_for(3)
            app.drain()
    finally:
        channel_labels.keep({})
    assert sent[1].body["text"]["body"] == "माफ़ कीजिए, सिर्फ़ लिखे हुए संदेश। इमरजेंसी: 112"
    assert "I can only read text" in other[2].body["text"]["body"]  # no language known yet
