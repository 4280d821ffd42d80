"""A possible emergency in the website widget, in headless Chromium against the real
servers: the patient writes a red flag the screen is unsure of, sees the emergency number
in conditional form with "Is this happening now?" and its buttons, and taps Yes (the full
emergency advice and the escalation record) or No (the conversation goes on).

Servers, page and browser come from conftest.py (started once for this module).
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import EMERGENCY_NUMBER, REPLY_TIMEOUT_MS

pytestmark = pytest.mark.servers

POSSIBLE = "I think maybe I can't feel my bottom"
QUESTION = "Is this happening now?"
TEL = f'a[href="tel:{EMERGENCY_NUMBER}"]'


def ask_possible(chat):
    """Say the possible emergency; returns the question's message."""
    chat.open()
    chat.wait_for_greeting()
    before = chat.bot.count()
    chat.say(POSSIBLE)
    question = chat.bot.nth(before)
    expect(question).to_contain_text(QUESTION, timeout=REPLY_TIMEOUT_MS)
    chat.wait_until_idle()
    expect(question).to_contain_text(
        "If this is happening now, go to the nearest emergency department or call "
        f"{EMERGENCY_NUMBER}"
    )
    expect(question).to_have_class("sc-msg sc-msg--bot sc-msg--emergency")
    expect(question.locator(TEL)).to_have_count(1)  # the number is one tap away
    for title in ("Yes, now", "No", "Not sure"):
        expect(question.get_by_role("button", name=title, exact=True)).to_be_visible()
    assert chat.tracker()["slots"]["escalation_level"] is None  # asked, not yet escalated
    return question


def test_yes_to_a_possible_emergency_gives_the_full_advice(new_chat):
    chat = new_chat()
    question = ask_possible(chat)
    before = chat.bot.count()
    question.get_by_role("button", name="Yes, now", exact=True).click()
    expect(chat.user.last).to_contain_text("Yes, now")
    advice = chat.bot.nth(before)
    expect(advice).to_contain_text("needs urgent medical attention", timeout=REPLY_TIMEOUT_MS)
    chat.wait_until_idle()
    expect(advice).to_contain_text("numbness around the genitals, bottom")
    expect(advice).to_contain_text(
        f"please go to the nearest emergency department now, or call {EMERGENCY_NUMBER}"
    )
    expect(advice).to_have_class("sc-msg sc-msg--bot sc-msg--emergency")
    expect(advice.locator(TEL)).to_have_count(1)
    expect(question.locator(".sc-reply")).to_have_count(0)  # answered: the buttons go
    slots = chat.tracker()["slots"]
    assert slots["escalation_level"] == "EMERGENCY"
    assert slots["escalation_categories"] == ["saddle_numbness"]
    assert slots["emergency_active"] is True


def test_no_to_a_possible_emergency_continues_the_conversation(new_chat):
    chat = new_chat()
    question = ask_possible(chat)
    before = chat.bot.count()
    question.get_by_role("button", name="No", exact=True).click()
    reply = chat.bot.nth(before)
    expect(reply).to_contain_text("If it does happen", timeout=REPLY_TIMEOUT_MS)
    chat.wait_until_idle()
    expect(reply).not_to_contain_text("needs urgent medical attention")
    chat.ask("what is kyphoplasty", "balloon")
    slots = chat.tracker()["slots"]
    assert slots["escalation_level"] is None and not slots["emergency_active"]
