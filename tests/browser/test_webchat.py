"""The website chat widget in headless Chromium, against the real Rasa and
action servers and the demo page served by scripts/run_web.sh.

The servers, the page and the browser start once for the module (conftest.py);
each test opens the page in a fresh browser context. The last test stops and
restarts the Rasa server; tests run in file order.
"""

import pytest
import requests
from playwright.sync_api import expect

from contract import conversation_id
from harness.servers import AUTH_TOKEN
from tests.browser.conftest import (
    EMERGENCY_NUMBER,
    REPLY_TIMEOUT_MS,
    SCREENSHOTS,
    visible_in_viewport,
)

pytestmark = pytest.mark.servers

RED_FLAG = "I can't control my bladder"
RED_FLAG_HINDI = "पेशाब पर कंट्रोल नहीं है"
MARKUP = "<img src=x onerror=alert(1)>"
TEL = f'a[href="tel:{EMERGENCY_NUMBER}"]'
CALL = f"Call {EMERGENCY_NUMBER}"


def has_focus_ring(chat) -> bool:
    return chat.shadow("root => getComputedStyle(root.activeElement).outlineStyle") == "solid"


def test_keyboard_only_greeting_faq_and_quick_reply(new_chat):
    chat = new_chat()
    for _ in range(60):  # Tab through the article to the widget's launcher
        chat.page.keyboard.press("Tab")
        if chat.focused_class() == "sc-launcher":
            break
    assert chat.focused_class() == "sc-launcher", "the launcher cannot be reached with Tab"
    assert has_focus_ring(chat)
    expect(chat.launcher).to_have_attribute("aria-expanded", "false")

    chat.page.keyboard.press("Enter")
    expect(chat.panel).to_be_visible()
    expect(chat.launcher).to_have_attribute("aria-expanded", "true")
    expect(chat.input).to_be_focused()
    chat.wait_for_greeting()  # "/greet" went out on first open; it is not shown as a message
    expect(chat.user).to_have_count(0)
    greeting = chat.bot.filter(has_text="not a diagnosis")
    expect(greeting).to_contain_text(f"In an emergency, call {EMERGENCY_NUMBER}")
    expect(greeting.locator("button.sc-reply")).to_have_count(3)

    # The typing indicator shows while the server works on the question.
    chat.shadow(
        "root => { const typing = root.querySelector('.sc-typing');"
        " new MutationObserver(() => { if (!typing.hidden) window.__typed = true; })"
        ".observe(typing, {attributes: true}); }"
    )
    chat.page.keyboard.type("what is kyphoplasty")
    chat.page.keyboard.press("Enter")
    answer = chat.bot.filter(has_text="balloon")
    expect(answer).to_have_count(1, timeout=REPLY_TIMEOUT_MS)
    chat.wait_until_idle()
    assert chat.page.evaluate("() => window.__typed === true")
    expect(greeting.locator(".sc-reply")).to_have_count(0)  # answered: old suggestions go

    # Back from the input to the answer's suggested replies, and choose one.
    for _ in range(5):
        chat.page.keyboard.press("Shift+Tab")
        if chat.shadow("root => root.activeElement.textContent") == "Kypho vs vertebro":
            break
    assert chat.focused_class() == "sc-reply"
    assert has_focus_ring(chat)
    before = chat.bot.count()
    chat.page.keyboard.press("Enter")
    expect(chat.user.last).to_contain_text("Kypho vs vertebro")
    expect(chat.bot.nth(before)).to_contain_text("vertebroplasty", timeout=REPLY_TIMEOUT_MS)
    chat.wait_until_idle()
    assert chat.focused_class() == "sc-log"  # not the text box: no phone keyboard after a tap

    chat.page.keyboard.press("Escape")
    expect(chat.panel).to_be_hidden()
    assert chat.focused_class() == "sc-launcher"


def test_conversation_survives_a_reload_and_can_be_cleared(new_chat):
    chat = new_chat()
    chat.open()
    chat.wait_for_greeting()
    greeting = chat.bot.all_inner_texts()  # Rasa sends it as two messages (two paragraphs)
    before = chat.bot.count()
    chat.page.get_by_role("button", name="What is kyphoplasty?").click()  # a suggested reply
    expect(chat.bot.nth(before)).to_contain_text("balloon", timeout=REPLY_TIMEOUT_MS)
    chat.wait_until_idle()
    chat.ask("what is sacroplasty", "sacrum")
    shown = chat.bot.all_inner_texts() + chat.user.all_inner_texts()
    session_id = chat.stored()["sessionId"]

    chat.page.reload()
    expect(chat.panel).to_be_visible()  # still open, as it was
    expect(chat.bot).to_have_count(len(shown) - 2)
    chat.page.wait_for_timeout(1500)  # nothing arrives twice, no second greeting
    assert chat.bot.all_inner_texts() + chat.user.all_inner_texts() == shown
    assert chat.stored()["sessionId"] == session_id
    chat.ask("what are the risks", "leak")

    # ... and the server kept the same conversation (session_persistence).
    said = [e["text"] for e in chat.tracker()["events"] if e["event"] == "user"]
    assert said == ["/greet", "topic:kyphoplasty", "what is sacroplasty", "what are the risks"]

    chat.page.get_by_role("button", name="Clear conversation").click()
    chat.page.get_by_role("button", name="Yes, clear it").click()
    expect(chat.page.locator(".sc-note")).to_have_text("Conversation cleared.")
    chat.wait_for_greeting()
    assert chat.bot.all_inner_texts() == greeting  # a new conversation, greeted again
    expect(chat.user).to_have_count(0)
    assert chat.stored()["sessionId"] not in (None, session_id)
    chat.page.reload()  # and the old one does not come back
    expect(chat.bot).to_have_count(len(greeting))
    expect(chat.user).to_have_count(0)
    # (new_chat checks that neither localStorage nor cookies were used)


def test_emergency_reply_opens_the_widget_with_a_call_link(new_chat):
    chat = new_chat()
    chat.open()
    chat.wait_for_greeting()
    # Sent, and the widget closed in the same task, so before the answer can arrive.
    chat.input.fill(RED_FLAG)
    assert chat.shadow(
        "root => { root.querySelector('.sc-form').requestSubmit();"
        " window.SpineChat.close(); return root.querySelector('.sc-panel').hidden; }"
    )

    emergency = chat.page.locator(".sc-msg--emergency")
    expect(emergency).to_have_count(1, timeout=REPLY_TIMEOUT_MS)
    expect(chat.panel).to_be_visible()  # opened by the emergency, never left behind a closed widget
    expect(emergency).to_contain_text("emergency department")
    expect(emergency).to_contain_text(f"call {EMERGENCY_NUMBER}")
    expect(chat.alert).to_have_attribute("role", "alert")
    expect(chat.alert).to_have_class("sc-alert sc-alert--emergency")
    expect(chat.alert.locator(TEL)).to_have_text(CALL)
    expect(chat.alert.locator(TEL)).to_be_visible()
    expect(emergency.locator(TEL)).to_have_text(CALL)

    # One language per reply: the English advice has no Hindi part (a Hindi message gets
    # the advice in Hindi, test_phone_width_emergency_in_hindi).
    expect(emergency.locator('p[lang="hi"]')).to_have_count(0)

    chat.wait_until_idle()
    chat.page.wait_for_timeout(300)
    chat.page.screenshot(path=str(SCREENSHOTS / "webchat-emergency-desktop.png"))
    assert chat.axe_violations() == []

    # Closed again (Escape works with the focus still on the launcher): the
    # notice stays on the page, with its call link.
    assert chat.focused_class() == "sc-launcher"
    chat.page.keyboard.press("Escape")
    expect(chat.panel).to_be_hidden()
    expect(chat.page_alert).to_be_visible()
    expect(chat.page_alert.locator(TEL)).to_have_text(CALL)
    assert chat.axe_violations() == []
    chat.page.reload()  # and after a reload too
    expect(chat.page_alert.locator(TEL)).to_be_visible()
    chat.page_alert.get_by_role("button", name="Open chat").click()
    expect(chat.panel).to_be_visible()
    expect(chat.alert.locator(TEL)).to_be_visible()


def test_phone_width_emergency_in_hindi(new_chat):
    chat = new_chat(360, 740, is_mobile=True, has_touch=True, device_scale_factor=2)
    assert chat.axe_violations() == []  # the article with the closed widget
    chat.open()
    chat.wait_for_greeting()
    assert chat.axe_violations() == []  # greeting with its quick replies
    chat.ask(RED_FLAG_HINDI, "कृपया अभी")
    expect(chat.page.locator(".sc-msg--emergency")).to_have_count(1)
    expect(chat.user.last.locator('p[lang="hi"]')).to_have_text(RED_FLAG_HINDI)
    fonts = chat.platform_fonts('.sc-msg--user p[lang="hi"]')
    assert any("Devanagari" in font for font in fonts), fonts
    # The advice comes in Hindi, marked as Hindi and drawn with a Devanagari font.
    hindi = chat.page.locator(".sc-msg--emergency").locator('p[lang="hi"]').first
    expect(hindi).to_contain_text("कृपया")
    assert "Noto Sans Devanagari" in hindi.evaluate("p => getComputedStyle(p).fontFamily")
    fonts = chat.platform_fonts('.sc-msg--emergency p[lang="hi"]')
    assert any("Devanagari" in font for font in fonts), fonts
    expect(chat.alert.locator(TEL)).to_be_visible()
    assert visible_in_viewport(chat.alert.locator(TEL), 360, 740)
    box = chat.panel.bounding_box()
    assert box["x"] == 0 and box["width"] == 360  # the open panel takes the whole phone screen
    assert chat.page.evaluate("() => document.documentElement.scrollWidth") <= 360
    assert chat.shadow(
        "root => root.querySelector('.sc-log').scrollWidth"
        " <= root.querySelector('.sc-log').clientWidth"
    )
    chat.page.wait_for_timeout(300)
    chat.page.screenshot(path=str(SCREENSHOTS / "webchat-emergency-phone.png"))
    assert chat.axe_violations() == []

    # Closed: the notice and its call link stay on the phone's screen. (The patient wrote
    # in Hindi, so the widget's own labels are in Hindi now.)
    chat.page.get_by_role("button", name="चैट बंद करें").click()
    expect(chat.panel).to_be_hidden()
    assert visible_in_viewport(chat.page_alert.locator(TEL), 360, 740)
    assert chat.axe_violations() == []


def test_desktop_accessibility_scan(new_chat):
    chat = new_chat()
    assert chat.axe_violations() == []  # the article with the closed widget
    chat.open()
    chat.wait_for_greeting()
    chat.ask("what is kyphoplasty", "balloon")
    assert chat.axe_violations() == []
    expect(chat.page.locator('.sc-log[role="log"]')).to_have_count(1)
    label = chat.shadow("root => root.querySelector('label[for=sc-input]').textContent")
    assert label == "Type your message"


def test_reflows_at_200_percent_zoom_and_respects_reduced_motion(new_chat):
    # 1280x800 at 200% zoom is a 640x400 CSS-pixel viewport.
    chat = new_chat(640, 400, reduced_motion="reduce")
    chat.open()
    chat.wait_for_greeting()
    assert visible_in_viewport(chat.panel, 640, 400)
    expect(chat.input).to_be_in_viewport()
    assert chat.page.evaluate("() => document.documentElement.scrollWidth") <= 640
    assert (
        chat.shadow("root => getComputedStyle(root.querySelector('.sc-dots span')).animationName")
        == "none"
    )

    moving = new_chat(reduced_motion="no-preference")
    assert (
        moving.shadow("root => getComputedStyle(root.querySelector('.sc-dots span')).animationName")
        != "none"
    )


def test_markup_from_the_user_or_the_bot_is_shown_as_text(new_chat):
    chat = new_chat()
    chat.open()
    chat.wait_for_greeting()
    chat.say(MARKUP)
    expect(chat.user.last.locator(".sc-msg__text")).to_have_text(MARKUP)
    chat.wait_until_idle()

    # The bot repeating it: the emergency advice names the red flag from a slot.
    session_id = conversation_id("socketio", chat.stored()["sessionId"])
    rasa, token = chat.servers.rasa_url, {"token": AUTH_TOKEN}
    requests.post(
        f"{rasa}/conversations/{session_id}/tracker/events",
        params=token,
        timeout=30,
        json=[{"event": "slot", "name": "red_flag_summary", "value": MARKUP}],
    ).raise_for_status()
    requests.post(
        f"{rasa}/conversations/{session_id}/execute",
        params={**token, "output_channel": "latest"},
        timeout=60,
        json={"name": "utter_emergency_advice"},
    ).raise_for_status()
    emergency = chat.page.locator(".sc-msg--emergency")
    expect(emergency).to_contain_text(MARKUP, timeout=REPLY_TIMEOUT_MS)

    assert chat.shadow("root => root.querySelectorAll('img').length") == 0
    assert chat.page.evaluate("() => document.querySelectorAll('img').length") == 0
    chat.page.wait_for_timeout(500)
    assert chat.dialogs == []


def test_lang_option_translates_the_widget(new_chat):
    chat = new_chat(config={"lang": "hi", "title": "स्पाइन क्लिनिक सहायक"})
    expect(chat.launcher).to_have_text("सहायक से पूछें")
    assert chat.shadow("root => root.querySelector('.sc-root').lang") == "hi"
    fonts = chat.platform_fonts(".sc-launcher span")
    assert any("Devanagari" in font for font in fonts), fonts


def test_a_page_from_another_origin_cannot_connect(new_chat, foreign_site, servers, site):
    # The real Rasa server, started by scripts/run_rasa.sh with ALLOWED_ORIGINS.
    handshake = f"{servers.rasa_url}/socket.io/?EIO=4&transport=polling"
    refused = requests.get(handshake, headers={"Origin": foreign_site.rstrip("/")}, timeout=10)
    assert refused.status_code == 400
    assert "Access-Control-Allow-Origin" not in refused.headers
    accepted = requests.get(handshake, headers={"Origin": site.rstrip("/")}, timeout=10)
    assert accepted.status_code == 200 and accepted.text.startswith("0{")

    # The same page served from that origin: the browser gets no connection.
    chat = new_chat(url=foreign_site)
    chat.open()
    expect(chat.status).to_contain_text("can't be reached", timeout=30_000)
    expect(chat.status.locator(TEL)).to_have_text(CALL)
    expect(chat.bot).to_have_count(0)


def test_reconnects_without_losing_or_doubling_messages(new_chat, servers):
    chat = new_chat()
    chat.open()
    chat.wait_for_greeting()
    chat.ask("what is kyphoplasty", "balloon")

    servers.stop_rasa()
    expect(chat.status).to_contain_text("can't be reached", timeout=60_000)
    expect(chat.status.locator(TEL)).to_have_text(CALL)
    assert chat.axe_violations() == []
    chat.say("what is sacroplasty")  # typed while the server is down
    expect(chat.user.last).to_contain_text("Waiting to send")

    servers.start_rasa()
    expect(chat.bot.filter(has_text="sacrum")).to_have_count(1, timeout=REPLY_TIMEOUT_MS)
    chat.wait_until_idle()
    expect(chat.status).to_have_text("")
    expect(chat.user.last).not_to_contain_text("Waiting to send")
    chat.ask("what are the risks", "leak")

    # The widget shows exactly what the server recorded: every message once, in order.
    events = chat.tracker()["events"]
    said = [e["text"] for e in events if e["event"] == "user"]
    assert said == ["/greet", "what is kyphoplasty", "what is sacroplasty", "what are the risks"]
    answered = "\n\n".join(
        e["text"].strip() for e in events if e["event"] == "bot" and e.get("text")
    )
    stored = chat.stored()["messages"]
    assert [m["text"] for m in stored if m["from"] == "user"] == said[1:]
    assert "\n\n".join(m["text"] for m in stored if m["from"] == "bot") == answered
    expect(chat.bot).to_have_count(len([m for m in stored if m["from"] == "bot"]))
