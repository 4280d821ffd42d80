"""Thumbs up / down under an FAQ answer in the widget, in headless Chromium against the
real servers: they appear under the answer (and under no other message), a tap sends the
rating as a hidden payload that the assistant records as intent `feedback` with its
entities, the answer keeps one rating, and a rating survives a reload of the page."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import REPLY_TIMEOUT_MS

pytestmark = pytest.mark.servers

PAYLOAD = '/feedback{"rating": "up", "feedback_topic": "kyphoplasty"}'


def test_thumbs_under_an_faq_answer_and_a_tap_is_recorded(new_chat):
    chat = new_chat()
    chat.open()
    chat.wait_for_greeting()
    expect(chat.page.locator(".sc-feedback")).to_have_count(0)  # not under the greeting
    before = chat.bot.count()
    chat.page.get_by_role("button", name="What is kyphoplasty?").click()
    answer = chat.bot.nth(before)
    expect(answer).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    chat.wait_until_idle()
    thumbs = chat.page.locator(".sc-msg--bot").last.locator(".sc-feedback")
    expect(thumbs).to_have_count(1, timeout=REPLY_TIMEOUT_MS)
    expect(thumbs).to_contain_text("Was this answer helpful?")
    assert chat.axe_violations() == []

    users_before = chat.user.count()
    bots_before = chat.bot.count()
    thumbs.get_by_role("button", name="Helpful", exact=True).click()
    expect(chat.bot.nth(bots_before)).to_contain_text(
        "Thank you for your feedback", timeout=REPLY_TIMEOUT_MS
    )
    chat.wait_until_idle()
    expect(chat.user).to_have_count(users_before)  # the payload is not shown as a message
    rated = chat.page.locator(".sc-feedback").first
    expect(rated.get_by_role("button", name="Helpful", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(rated.get_by_role("button", name="Not helpful")).to_be_disabled()
    expect(chat.page.locator(".sc-feedback")).to_have_count(1)  # not under the thanks

    users = [e for e in chat.tracker()["events"] if e["event"] == "user"]
    assert users[-1]["text"] == PAYLOAD
    parse = users[-1]["parse_data"]
    assert parse["intent"]["name"] == "feedback"
    entities = {e["entity"]: e["value"] for e in parse["entities"]}
    assert entities == {"rating": "up", "feedback_topic": "kyphoplasty"}
    assert sum(1 for e in users if e["text"].startswith("/feedback")) == 1

    chat.page.reload()  # the rating is kept with the conversation in the tab
    expect(chat.page.locator(".sc-feedback")).to_have_count(1)
    expect(
        chat.page.locator(".sc-feedback").get_by_role("button", name="Helpful", exact=True)
    ).to_have_attribute("aria-pressed", "true")
