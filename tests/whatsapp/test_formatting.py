"""Text helpers: markdown conversion, splitting, titles, phone numbers, signatures, payloads."""

import asyncio

import pytest

from channels.whatsapp import signature
from channels.whatsapp.cloud_inbound import read_webhook
from channels.whatsapp.formatting import (
    emergency_text,
    short_title,
    split_tail,
    split_text,
    tappable_number,
    to_whatsapp,
    unique_titles,
)
from channels.whatsapp.inbound import CHOICE, NOT_TEXT, TEXT
from channels.whatsapp.options import OptionMemory
from channels.whatsapp.replies import TurnBuffer
from channels.whatsapp.store import MemoryStore, Namespace
from harness.whatsapp import meta


@pytest.mark.parametrize(
    "markdown,whatsapp",
    [
        ("**bold** and __bold__", "*bold* and *bold*"),
        ("*italic* and _italic_", "_italic_ and _italic_"),
        ("~~gone~~", "~gone~"),
        ("# Recovery\ntext", "*Recovery*\ntext"),
        ("* one\n* two", "- one\n- two"),
        ("[Max Hospital](https://example.org)", "Max Hospital (https://example.org)"),
        ("`**kept**`", "`**kept**`"),
        ("2 * 3 = 6", "2 * 3 = 6"),
        ("नमस्ते **डॉक्टर**", "नमस्ते *डॉक्टर*"),
    ],
)
def test_markdown_to_whatsapp(markdown, whatsapp):
    assert to_whatsapp(markdown) == whatsapp


def test_split_text_prefers_paragraphs_then_sentences_then_words():
    paragraph = "First sentence here. Second sentence here."
    assert split_text(f"{paragraph}\n\n{paragraph}", 50) == [paragraph, paragraph]
    assert split_text("One two three. Four five six.", 20) == ["One two three.", "Four five six."]
    assert split_text("word " * 10, 12) == [
        "word word",
        "word word",
        "word word",
        "word word",
        "word word",
    ]
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]
    assert split_text("दर्द बढ़ गया है। पैर सुन्न है।", 18) == ["दर्द बढ़ गया है।", "पैर सुन्न है।"]
    assert split_text("   ", 10) == []


def test_split_tail_keeps_the_longest_ending_within_the_limit():
    assert split_tail("One. Two. Three.", 12) == ("One.", "Two. Three.")
    assert split_tail("short", 10) == ("", "short")


def test_titles_are_shortened_at_words_and_kept_distinct():
    assert short_title("Check my symptoms", 20) == "Check my symptoms"
    assert short_title("Book an appointment with the doctor", 20) == "Book an appointment…"
    assert short_title("**Risks** of the procedure explained", 20) == "Risks of the…"
    assert len(short_title("Supercalifragilisticexpialidocious", 20)) == 20
    titles = unique_titles(["Yes, send it to the clinic", "Yes, send it to the doctor"], 20)
    assert len(set(titles)) == 2 and all(len(t) <= 20 for t in titles)


@pytest.mark.parametrize(
    "number,written",
    [
        ("112", "112"),
        ("108", "108"),
        ("011-2345-6789", "+91 11 2345 6789"),
        ("+91 98765 43210", "+91 98765 43210"),
        ("98765 43210", "+91 98765 43210"),
    ],
)
def test_numbers_are_written_so_whatsapp_links_them(number, written):
    assert tappable_number(number) == written


def test_emergency_text_lists_the_numbers_alone_at_the_end():
    text = emergency_text("Call **112** now.", {"call": "112", "hospital_line": ""})
    assert text == "Call 112 now.\n\n📞 112"


def test_meta_signature_check():
    body, headers = meta.signed(meta.one("919876543210", meta.text("919876543210", "hi/é")))
    assert b"\\/" in body and b"\\u00e9" in body  # escaped the way Meta sends them
    assert signature.is_valid(meta.APP_SECRET, body, headers["X-Hub-Signature-256"])
    assert not signature.is_valid("", body, signature.sign("", body))
    assert not signature.is_valid(meta.APP_SECRET, body, "sha256=é")
    assert not signature.is_valid(meta.APP_SECRET, body, None)


def test_reading_a_payload_with_everything_in_it():
    patient = "919876543210"
    payload = meta.webhook(
        [
            meta.value(
                [meta.text(patient, "a"), meta.button_reply(patient, "p:/affirm", "Yes")],
                [meta.contact(patient)],
            ),
            meta.value(statuses=[meta.status(patient)]),
        ],
        [
            meta.value(
                [meta.media(patient, "audio"), meta.list_reply(patient, "p:/deny", "No")],
                [meta.contact(patient)],
            )
        ],
    )
    webhook = read_webhook(payload, meta.PHONE_NUMBER_ID)
    assert [(m.kind, m.text) for m in webhook.messages] == [
        (TEXT, "a"),
        (CHOICE, "p:/affirm"),
        (NOT_TEXT, ""),
        (CHOICE, "p:/deny"),
    ]
    assert len(webhook.statuses) == 1
    assert read_webhook({"entry": "nonsense"}).messages == []
    assert read_webhook([1, 2]).messages == []


def test_custom_payloads_are_never_replies_and_emergencies_come_first():
    buffer = TurnBuffer()
    buffer.add({"text": "hello"})
    buffer.add({"custom": {"emergency": {"level": "EMERGENCY", "call": "112"}}})
    buffer.add({"text": "advice", "custom": {"emergency": {"level": "URGENT", "call": "112"}}})
    replies = buffer.take()
    assert [r.text for r in replies] == ["advice", "hello"]
    assert len(buffer) == 0


def test_option_memory_answers_only_the_next_message():
    async def scenario():
        memory = OptionMemory(Namespace(MemoryStore(), "t:"))
        await memory.remember("p", [("Yes", "/affirm"), ("No", "/deny")], numbered=True)
        first = await memory.answer("p", " 2. ")
        second = await memory.answer("p", "2")
        await memory.remember("p", [("Yes", "/affirm")], numbered=False)
        unnumbered = await memory.answer("p", "1")
        long_id = await memory.reply_id("/inform" + "x" * 300, 256)
        return first, second, unnumbered, await memory.payload_for(long_id, "title")

    first, second, unnumbered, long_payload = asyncio.run(scenario())
    assert (first, second, unnumbered) == ("/deny", "2", "1")
    assert long_payload == "/inform" + "x" * 300


def test_titles_are_counted_in_characters_and_devanagari_letters_stay_whole():
    import unicodedata

    from channels.whatsapp.formatting import short_title

    title = "क्या प्रक्रिया में दर्द होता है"  # 31 characters, far more bytes
    assert len(title.encode("utf-8")) > 60
    assert short_title("डॉक्टर को कब दिखाएँ", 20) == "डॉक्टर को कब दिखाएँ"  # 19 characters: kept
    short = short_title(title, 20)
    assert len(short) <= 20 and short.endswith("…")
    assert short == "क्या प्रक्रिया में…"
    word = "प्रक्रियाप्रक्रियाप्रक्रिया"
    for limit in range(3, 14):
        cut = short_title(word, limit)
        kept = cut[:-1]
        assert len(cut) <= limit and cut.endswith("…") and word.startswith(kept)
        assert not kept.endswith("\u094d")  # no half letter
        assert not unicodedata.category(word[len(kept)]).startswith("M")  # no sign cut off


def test_numbered_options_take_the_hint_in_the_conversation_language():
    from channels.whatsapp.formatting import numbered_options

    assert numbered_options(["हाँ", "नहीं"], "अपनी पसंद का नंबर लिखकर भेजें।") == (
        "1. हाँ\n2. नहीं\n\nअपनी पसंद का नंबर लिखकर भेजें।"
    )
    assert numbered_options(["Yes"]).endswith("Reply with the number of your choice.")
