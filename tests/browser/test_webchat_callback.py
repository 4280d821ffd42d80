"""The call-back offer in the chat widget (socket.io, its default channel): it comes after
the emergency advice, its Yes button asks for a number, and the number reaches the table
the console's worklist reads (docs/worklist.md)."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from tests.browser.conftest import REPLY_TIMEOUT_MS

pytestmark = pytest.mark.servers
RED_FLAG = "I can't control my bladder"


def test_the_offer_follows_the_advice_and_takes_a_number(new_chat, servers):
    chat = new_chat()
    chat.open()
    chat.wait_for_greeting()
    chat.ask(RED_FLAG, "emergency department")
    offer = chat.bot.filter(has_text="the clinic can also call you back")
    expect(offer).to_have_count(1, timeout=REPLY_TIMEOUT_MS)
    # the advice first: the offer is a later message than the emergency one
    texts = chat.bot.all_inner_texts()
    advice = next(i for i, t in enumerate(texts) if "emergency department" in t)
    assert advice < next(i for i, t in enumerate(texts) if "call you back" in t)
    offer.locator("button.sc-reply", has_text="Yes, call me back").click()
    expect(chat.bot.last).to_contain_text("Which phone number", timeout=REPLY_TIMEOUT_MS)
    chat.ask("98100 12345", "call you back on +919810012345")
    sender = "socketio:" + chat.stored()["sessionId"]
    engine = create_engine(servers.env["DATABASE_URL"])
    with engine.connect() as connection:
        phone = connection.execute(
            text("SELECT phone FROM callback_requests WHERE sender_id = :s"), {"s": sender}
        ).scalar()
    engine.dispose()
    assert phone == "+919810012345"
