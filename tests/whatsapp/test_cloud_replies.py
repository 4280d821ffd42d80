"""Cloud API replies: long texts, buttons, lists, numbered options, emergency first, retries."""

import asyncio
import json
import logging

from channels.whatsapp.cloud_output import WhatsAppCloudOutput
from channels.whatsapp.graph_client import GraphClient
from channels.whatsapp.options import OptionMemory
from channels.whatsapp.store import MemoryStore, Namespace
from channels.whatsapp.window import ServiceWindow
from harness.whatsapp import meta
from tests.whatsapp.channel_app import ChannelApp, ScriptedBot
from tests.whatsapp.cloud_webhook import PATIENT, post

EMERGENCY_TEXT = (
    "⚠️ You mentioned loss of bladder control. Please go to the nearest emergency "
    "department now, or call 112 or the hospital's emergency line 011-2345-6789."
)
EMERGENCY = {
    "text": EMERGENCY_TEXT,
    "custom": {
        "emergency": {"level": "EMERGENCY", "call": "112", "hospital_line": "011-2345-6789"}
    },
}


def buttons(count, title="Option"):
    return [
        {"title": f"{title} {n}", "payload": f'/choose{{"n": {n}}}'} for n in range(1, count + 1)
    ]


def deliver(graph, *replies, attempts=5, store=None, window=None, recipient=PATIENT):
    """Send one turn's replies through a Cloud output; returns what the fake Graph accepted."""

    async def turn():
        client = GraphClient(
            meta.ACCESS_TOKEN,
            meta.PHONE_NUMBER_ID,
            "v26.0",
            graph.url,
            attempts=attempts,
            backoff=0.01,
            max_delay=0.05,
        )
        namespace = Namespace(store or MemoryStore(), "t:")
        output = WhatsAppCloudOutput(
            client,
            OptionMemory(namespace),
            tag="turn1",
            window=ServiceWindow(namespace) if window else None,
        )
        if window == "open":
            await ServiceWindow(namespace).patient_wrote(recipient)
        for reply in replies:
            await output.send_response(recipient, dict(reply))
        await output.flush(recipient)
        await client.close()

    asyncio.run(turn())
    return graph.sent


def body_text(message):
    if message["type"] == "text":
        return message["text"]["body"]
    return message["interactive"]["body"]["text"]


def test_a_long_reply_is_split_at_sentence_ends_under_4096_characters(graph):
    sentences = [
        f"Sentence number {n} explains one more detail of the recovery plan." for n in range(200)
    ]
    text = " ".join(sentences)
    sent = [s.body for s in deliver(graph, {"text": text})]
    assert len(sent) >= 3
    assert all(len(m["text"]["body"]) < 4096 for m in sent)
    assert all(m["text"]["body"].endswith(".") for m in sent)
    assert " ".join(m["text"]["body"] for m in sent) == text
    tags = [m["biz_opaque_callback_data"] for m in sent]
    assert tags == [f"turn1:{n}/{len(sent)}" for n in range(1, len(sent) + 1)]


def test_markdown_becomes_whatsapp_formatting(graph):
    sent = deliver(
        graph,
        {
            "text": "**Recovery**: most people walk *the same day*. "
            "See [the page](https://example.org/kyphoplasty)."
        },
    )
    assert sent[0].body["text"]["body"] == (
        "*Recovery*: most people walk _the same day_. "
        "See the page (https://example.org/kyphoplasty)."
    )
    assert sent[0].body["text"]["preview_url"] is True


def test_up_to_three_buttons_are_reply_buttons_with_short_distinct_titles(graph):
    offered = [
        {"title": "What is kyphoplasty and how does it work?", "payload": "What is kyphoplasty?"},
        {"title": "Check my symptoms", "payload": "/report_back_pain"},
        {"title": "What is kyphoplasty and who needs it?", "payload": "/faq_who"},
    ]
    sent = deliver(graph, {"text": "How can I help?", "buttons": offered})
    assert len(sent) == 1
    interactive = sent[0].body["interactive"]
    assert interactive["type"] == "button"
    assert interactive["body"]["text"] == "How can I help?"
    replies = [b["reply"] for b in interactive["action"]["buttons"]]
    titles = [r["title"] for r in replies]
    assert all(len(t) <= 20 for t in titles)
    assert len(set(titles)) == 3
    assert titles[1] == "Check my symptoms"
    assert titles[0].endswith("…") and titles[0].startswith("What is")
    assert [r["id"] for r in replies] == [
        "p:What is kyphoplasty?",
        "p:/report_back_pain",
        "p:/faq_who",
    ]


def test_four_to_ten_buttons_are_an_interactive_list(graph):
    offered = buttons(9, title="A rather long option title number")
    sent = deliver(graph, {"text": "Pick one", "buttons": offered})
    assert len(sent) == 1
    interactive = sent[0].body["interactive"]
    assert interactive["type"] == "list"
    action = interactive["action"]
    assert len(action["button"]) <= 20
    rows = action["sections"][0]["rows"]
    assert len(rows) == 9
    assert all(len(r["title"]) <= 24 and len(r["id"]) <= 200 for r in rows)
    assert len({r["title"] for r in rows}) == 9
    assert rows[0]["description"] == "A rather long option title number 1"


def test_more_than_ten_buttons_are_numbered_text(graph):
    sent = deliver(graph, {"text": "Which area hurts?", "buttons": buttons(12)})
    assert [s.body["type"] for s in sent] == ["text"]
    body = sent[0].body["text"]["body"]
    assert body.startswith("Which area hurts?\n\n1. Option 1\n2. Option 2\n")
    assert "12. Option 12" in body and "Reply with the number" in body


def test_a_long_text_with_buttons_keeps_the_button_body_under_1024(graph):
    text = " ".join(f"This is sentence {n} of a long explanation." for n in range(60))
    sent = [s.body for s in deliver(graph, {"text": text, "buttons": buttons(2)})]
    assert [m["type"] for m in sent] == ["text", "interactive"]
    assert len(sent[1]["interactive"]["body"]["text"]) <= 1024
    assert " ".join(body_text(m) for m in sent) == text


def test_the_emergency_advice_goes_first_as_its_own_message_with_tappable_numbers(graph):
    sent = [
        s.body
        for s in deliver(
            graph,
            {"text": "Thanks for telling me."},
            EMERGENCY,
            {"text": "Anything else?", "buttons": buttons(2)},
        )
    ]
    first = sent[0]["text"]["body"]
    assert first.startswith("⚠️ You mentioned loss of bladder control.")
    assert "Thanks for telling me" not in first
    assert "+91 11 2345 6789" in first  # international format: WhatsApp links it
    assert first.rstrip().endswith("📞 112\n📞 +91 11 2345 6789")
    assert body_text(sent[1]) == "Thanks for telling me."
    assert all('"emergency"' not in json.dumps(m) for m in sent)
    assert all("EMERGENCY" not in json.dumps(m) for m in sent)


def test_sends_are_retried_with_backoff_on_429_and_5xx(graph):
    graph.fail_next(429, 500, 503, retry_after="0")
    sent = deliver(graph, {"text": "hello"})
    assert [a.status for a in graph.attempts] == [429, 500, 503, 200]
    assert len(sent) == 1


def test_failures_are_logged_without_text_or_phone_number(graph, caplog):
    graph.fail_next(500, 500, 500)
    with caplog.at_level(logging.DEBUG):
        sent = deliver(graph, {"text": "my secret symptom"}, attempts=3)
    assert sent == [] and len(graph.attempts) == 3
    assert "WhatsApp send failed" in caplog.text
    assert "secret symptom" not in caplog.text and PATIENT not in caplog.text
    assert meta.ACCESS_TOKEN not in caplog.text


def test_a_rejected_message_is_not_retried(graph):
    graph.fail_next(400)
    deliver(graph, {"text": "hello"})
    assert [a.status for a in graph.attempts] == [400]


def test_outside_a_turn_nothing_is_sent_once_the_24_hour_window_is_closed(graph, caplog):
    with caplog.at_level(logging.WARNING):
        assert deliver(graph, {"text": "reminder"}, window="closed") == []
    assert "24-hour window is closed" in caplog.text
    assert len(deliver(graph, {"text": "reminder"}, window="open")) == 1


# --- the patient's answer to buttons reaches Rasa as the button's payload


def menu(message):
    if message.text == "menu3":
        return [
            {
                "text": "Pick",
                "buttons": [
                    {"title": "Yes", "payload": "/affirm"},
                    {"title": "No", "payload": "/deny"},
                    {
                        "title": "Severe pain",
                        "payload": "/inform" + json.dumps({"tr_severity": "severe"}) + "x" * 300,
                    },
                ],
            }
        ]
    if message.text == "menu6":
        return [{"text": "Pick", "buttons": buttons(6)}]
    if message.text == "menu12":
        return [{"text": "Pick", "buttons": buttons(12)}]
    return [{"text": f"echo: {message.text}"}]


def test_button_and_list_replies_map_to_the_button_payload(make_cloud, graph):
    bot = ScriptedBot(menu)
    with ChannelApp(make_cloud(), bot) as app:
        post(app, meta.one(PATIENT, meta.text(PATIENT, "menu3")))
        app.drain()
        offered = graph.sent[-1].body["interactive"]["action"]["buttons"]
        post(app, meta.one(PATIENT, meta.button_reply(PATIENT, offered[0]["reply"]["id"], "Yes")))
        app.drain()
        post(
            app,
            meta.one(
                PATIENT,
                meta.button_reply(PATIENT, offered[2]["reply"]["id"], offered[2]["reply"]["title"]),
            ),
        )
        app.drain()
        post(app, meta.one(PATIENT, meta.text(PATIENT, "menu6")))
        app.drain()
        rows = graph.sent[-1].body["interactive"]["action"]["sections"][0]["rows"]
        post(app, meta.one(PATIENT, meta.list_reply(PATIENT, rows[4]["id"], rows[4]["title"])))
        app.drain()
    assert len(offered[2]["reply"]["id"]) <= 256 and offered[2]["reply"]["id"].startswith("h:")
    received = [m.text for m in bot.received]
    assert received[1] == "/affirm"
    assert received[2] == '/inform{"tr_severity": "severe"}' + "x" * 300
    assert received[4] == '/choose{"n": 5}'


def test_numbered_options_are_answered_by_number_once(make_cloud, graph):
    bot = ScriptedBot(menu)
    with ChannelApp(make_cloud(), bot) as app:
        for text in ("menu12", "2", "2", "menu12", "12.", "menu12", "Option 7", "menu12", "13"):
            post(app, meta.one(PATIENT, meta.text(PATIENT, text)))
            app.drain()
    received = [m.text for m in bot.received]
    assert received[1] == '/choose{"n": 2}'
    assert received[2] == "2"  # the options answered only the message right after them
    assert received[4] == '/choose{"n": 12}'
    assert received[6] == '/choose{"n": 7}'  # a title typed out
    assert received[8] == "13"  # no such option


def test_typing_a_reply_buttons_title_picks_its_payload(make_cloud, graph):
    bot = ScriptedBot(menu)
    with ChannelApp(make_cloud(), bot) as app:
        for text in ("menu3", "yes"):
            post(app, meta.one(PATIENT, meta.text(PATIENT, text)))
            app.drain()
    assert [m.text for m in bot.received] == ["menu3", "/affirm"]
