"""The chat widget in Hindi and Hinglish, on a desktop and on a phone, in headless Chromium
against the real servers: replies and the widget's own labels in the patient's language,
the हिंदी / English control, quick replies that leave the text box alone, the full-screen
panel as a modal dialog, "Clear conversation" with a confirmation that keeps an emergency
notice, and the Call buttons while the assistant can't be reached. axe-core finds no
serious or critical violation in any language.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import EMERGENCY_NUMBER, REPLY_TIMEOUT_MS

pytestmark = pytest.mark.servers

PHONE = dict(width=360, height=740, is_mobile=True, has_touch=True, device_scale_factor=2)
CLINIC_TEL = 'a[href="tel:+911140000000"]'  # assistant/settings.py's example clinic number
TEL = f'a[href="tel:{EMERGENCY_NUMBER}"]'
RED_FLAG_HINDI = "पेशाब पर कंट्रोल नहीं है"


IN_PANEL = (
    "() => { const host = document.activeElement;"
    " if (!host || host.id !== 'spine-chat-widget') return false;"
    " const root = host.shadowRoot;"
    " return root.querySelector('.sc-panel').contains(root.activeElement); }"
)


def slot(chat, name):
    return chat.tracker()["slots"][name]


def test_hindi_on_a_desktop_replies_labels_and_a_quick_reply(new_chat):
    chat = new_chat()
    chat.open()
    chat.wait_for_greeting()
    chat.ask("नमस्ते", "का वर्चुअल असिस्टेंट हूँ")
    assert slot(chat, "language") == "hi"
    # the widget's own words follow the conversation
    expect(chat.page.locator(".sc-send")).to_have_text("भेजें")
    expect(chat.input).to_have_attribute("placeholder", "अपना सवाल लिखें…")
    assert chat.shadow("root => root.querySelector('.sc-root').lang") == "hi"
    expect(chat.page.locator(".sc-language")).to_have_text("English")
    assert chat.axe_violations() == []

    greeting = chat.bot.filter(has_text="मैं सिर्फ़ सामान्य जानकारी")
    before = chat.bot.count()
    greeting.get_by_role("button", name="काइफ़ोप्लास्टी").click()
    expect(chat.bot.nth(before)).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    chat.wait_until_idle()
    assert chat.focused_class() == "sc-log"  # a tap leaves the text box (and keyboard) alone
    said = [e["text"] for e in chat.tracker()["events"] if e["event"] == "user"]
    assert said[-1] == "topic:kyphoplasty"  # language-neutral: the conversation stays Hindi
    assert slot(chat, "language") == "hi"
    expect(chat.page.locator(".sc-send")).to_have_text("भेजें")

    chat.ask("डॉक्टर का फ़ोन नंबर क्या है", "पर कॉल करें")
    expect(chat.page.locator(f".sc-msg--bot {CLINIC_TEL}").last).to_be_visible()  # tap to call
    assert chat.axe_violations() == []


def test_the_language_control_switches_replies_and_labels(new_chat):
    chat = new_chat()
    chat.open()
    chat.wait_for_greeting()
    control = chat.page.locator(".sc-language")
    expect(control).to_have_text("हिंदी")
    before = chat.bot.count()
    control.click()
    expect(chat.bot.nth(before)).to_contain_text("अब से मैं हिंदी में लिखूँगा", timeout=REPLY_TIMEOUT_MS)
    chat.wait_until_idle()
    expect(chat.user).to_have_count(0)  # the control's payload is not shown as a message
    expect(chat.page.get_by_role("button", name="बातचीत मिटाएँ")).to_be_visible()
    assert slot(chat, "language") == "hi"
    assert chat.axe_violations() == []
    before = chat.bot.count()
    chat.page.locator(".sc-language").click()
    expect(chat.bot.nth(before)).to_contain_text("I'll write in English", timeout=REPLY_TIMEOUT_MS)
    chat.wait_until_idle()
    expect(chat.page.get_by_role("button", name="Clear conversation")).to_be_visible()
    assert slot(chat, "language") == "en"


def test_hinglish_on_a_phone_modal_panel_and_tappable_clinic_number(new_chat):
    chat = new_chat(**PHONE)
    chat.open()
    chat.wait_for_greeting()
    chat.ask("doctor ka number kya hai", "par call karein")
    assert slot(chat, "language") == "hinglish"
    expect(chat.page.locator(".sc-send")).to_have_text("Bhejein")
    assert chat.shadow("root => root.querySelector('.sc-root').lang") == "hi-Latn"
    expect(chat.page.locator(f".sc-msg--bot {CLINIC_TEL}").last).to_be_visible()

    # the full-screen panel is a modal dialog that keeps the focus
    expect(chat.panel).to_have_attribute("aria-modal", "true")
    expect(chat.launcher).to_be_hidden()
    for _ in range(25):
        chat.page.keyboard.press("Tab")
        assert chat.page.evaluate(IN_PANEL), "focus left the open panel"
    for _ in range(5):
        chat.page.keyboard.press("Shift+Tab")
        assert chat.page.evaluate(IN_PANEL), "focus left the open panel"
    chat.page.evaluate("() => document.querySelector('a').focus()")  # a link under the panel
    assert chat.page.evaluate(IN_PANEL), "focus left the open panel"
    assert chat.axe_violations() == []

    # a quick reply does not open the phone's keyboard
    before = chat.bot.count()
    chat.bot.last.get_by_role("button", name="Appointment lein").tap()
    # the privacy notice and its consent question come first (DPDP)
    expect(chat.bot.nth(before)).to_contain_text("privacy ke baare mein", timeout=REPLY_TIMEOUT_MS)
    chat.wait_until_idle()
    assert chat.focused_class() == "sc-log"

    # closed: focus back on the launcher, which now says it opens the assistant
    chat.page.get_by_role("button", name="Chat band karein").click()
    expect(chat.panel).to_be_hidden()
    assert chat.focused_class() == "sc-launcher"
    expect(chat.launcher).to_have_text("Assistant se poochiye")
    chat.launcher.click()
    expect(chat.launcher).to_be_hidden()  # (full screen: the panel covers it)
    assert chat.panel.get_attribute("aria-modal") == "true"
    assert chat.axe_violations() == []


def test_launcher_label_says_open_or_close_on_a_desktop(new_chat):
    chat = new_chat()
    expect(chat.launcher).to_have_text("Ask our assistant")
    chat.open()
    expect(chat.launcher).to_have_text("Close the assistant")
    assert chat.panel.get_attribute("aria-modal") is None  # beside the page, not over it


def test_clearing_asks_first_and_keeps_the_emergency_notice_in_hindi_on_a_phone(new_chat):
    chat = new_chat(**PHONE)
    chat.open()
    chat.wait_for_greeting()
    chat.ask(RED_FLAG_HINDI, "कृपया अभी")
    expect(chat.alert.locator(TEL)).to_be_visible()
    shown = chat.bot.count()

    clear = chat.page.locator(".sc-header__button", has_text="बातचीत मिटाएँ")
    clear.click()
    confirm = chat.page.locator(".sc-confirm")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text("इमरजेंसी की सूचना स्क्रीन पर बनी रहेगी")
    assert chat.axe_violations() == []
    confirm.get_by_role("button", name="नहीं, रहने दें").click()
    expect(confirm).to_be_hidden()
    expect(chat.bot).to_have_count(shown)  # nothing was cleared

    clear.click()
    confirm.get_by_role("button", name="हाँ, मिटाएँ").click()
    expect(chat.page.locator(".sc-note")).to_have_text("बातचीत मिटा दी गई।")
    expect(chat.alert.locator(TEL)).to_be_visible()  # the emergency notice stays
    expect(chat.page.locator(".sc-msg--emergency")).to_have_count(0)
    chat.page.reload()
    expect(chat.alert.locator(TEL)).to_be_visible()
    assert chat.axe_violations() == []


@pytest.mark.parametrize("size", [dict(width=1280, height=800), dict(width=360, height=740)])
def test_call_buttons_stay_while_the_assistant_cannot_be_reached(new_chat, foreign_site, size):
    chat = new_chat(url=foreign_site, config={"lang": "hinglish"}, **size)
    chat.open()
    expect(chat.status).to_contain_text("sampark nahi ho pa raha", timeout=30_000)
    call = chat.status.locator(f"{TEL}.sc-call")
    expect(call).to_be_visible()
    expect(call).to_have_text(f"{EMERGENCY_NUMBER} par call karein")
    expect(chat.status.locator(CLINIC_TEL)).to_be_visible()
    assert chat.axe_violations() == []
