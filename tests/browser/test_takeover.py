"""Live takeover in two browsers: a patient in the chat widget, a clinician in the console.

Against the real Rasa and action servers (tests/browser/conftest.py) and the console as
`make run` starts it (scripts/run_console.sh), both on the same tracker store: the
patient's urgent sign appears on the clinician's open worklist without a reload, the
clinician claims it and takes the conversation over from there, the patient is told,
messages go both ways (also after the patient's page reloads and its socket reconnects),
a red flag during the takeover still gets the emergency advice and alerts the clinician,
and after handing back the assistant answers again. Every step is in the transcript and
in the audit log. The console's live page with the red-flag alert is
docs/console-takeover.png.
"""

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Page, expect

from harness.processes import ROOT, free_port, running
from harness.servers import AUTH_TOKEN
from tests.browser.conftest import REPLY_TIMEOUT_MS, SCREENSHOTS

pytestmark = [pytest.mark.servers, pytest.mark.browser]
PASSWORD = "takeover test password 1"
STARTED = "A member of the clinic's team is now replying"
ENDED = "handed this conversation back to the assistant"


@pytest.fixture(scope="module")
def console(tmp_path_factory, servers) -> Iterator[dict]:
    """The console on a free port, reading the servers' tracker store, reaching their API."""
    tmp = tmp_path_factory.mktemp("takeover-console")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CONSOLE_"))}
    env.update(
        DATABASE_URL=servers.env["DATABASE_URL"],
        CONSOLE_VAR_DIR=str(tmp),
        CONSOLE_PORT=str(port),
        CONSOLE_WORKERS="1",
        CONSOLE_RASA_URL=servers.rasa_url,
        RASA_AUTH_TOKEN=AUTH_TOKEN,
        TAKEOVER_NO_REPLY_SECONDS="3600",
        CONSOLE_WORKLIST_POLL_SECONDS="2",
    )
    manage = [sys.executable, str(ROOT / "console" / "manage.py")]
    subprocess.run(manage + ["migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
    make_user = (
        "from console.staff.models import User; "
        f"User.objects.create_user('dr-rao', password={PASSWORD!r}, role='clinician')"
    )
    subprocess.run(manage + ["shell", "-c", make_user], env=env, check=True, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    with running(
        [ROOT / "scripts" / "run_console.sh"],
        env,
        tmp / "console.log",
        probe=f"{url}/login/",
        timeout=90,
    ):
        yield {"url": url, "db": Path(tmp) / "console.db"}


def sign_in(page: Page, url: str) -> None:
    page.goto(f"{url}/login/")
    page.fill("#id_username", "dr-rao")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # a clinician's home page is the escalation worklist
    expect(page.get_by_role("heading", name="Escalation worklist")).to_be_visible()


def audit_actions(db: Path) -> list:
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT action FROM staff_auditentry WHERE action LIKE 'takeover%' ORDER BY id"
        )
        return [row[0] for row in rows]


def test_takeover_messages_both_ways_red_flag_and_hand_back(new_chat, browser, console):
    staff = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(staff, console["url"])
    chat = new_chat()
    chat.open()
    chat.wait_for_greeting()
    chat.ask("what is kyphoplasty?", "kyphoplasty")

    # An urgent sign: the open worklist shows it without a reload; claim it, take it over.
    chat.say("I have had fever and chills for three days with this back pain")
    chat.wait_until_idle()
    row = staff.locator("table.worklist tbody tr").first
    expect(row).to_contain_text("URGENT", timeout=60_000)
    expect(row).to_contain_text("fever and chills")
    row.get_by_role("button", name="Claim").click()
    row = staff.locator("table.worklist tbody tr").first
    expect(row).to_contain_text("dr-rao")
    row.get_by_role("button", name="Take over").click()
    expect(staff.get_by_role("heading", name="Live conversation")).to_be_visible()
    expect(staff.locator("#takeover-state")).to_contain_text("Taken over by dr-rao")
    expect(chat.bot.filter(has_text=STARTED)).to_have_count(1, timeout=REPLY_TIMEOUT_MS)

    staff.fill("#takeover-text", "Hello, this is Dr Rao from the clinic. How is the pain today?")
    staff.get_by_role("button", name="Send").click()
    expect(chat.bot.filter(has_text="this is Dr Rao")).to_have_count(1, timeout=30_000)

    # The patient's reply reaches the console; the assistant stays silent.
    before = chat.bot.count()
    chat.say("It is a bit better, thank you doctor")
    expect(staff.locator("#takeover-messages li.live-patient")).to_contain_text(
        "a bit better", timeout=30_000
    )
    chat.wait_until_idle()
    staff.wait_for_timeout(2000)
    assert chat.bot.count() == before
    events = chat.tracker()["events"]
    after_reply = [
        e
        for e in events[
            [e.get("text") for e in events].index("It is a bit better, thank you doctor") :
        ]
        if e["event"] == "bot"
    ]
    assert after_reply == []

    # The same session after a reload (a new socket) still gets the staff's messages.
    chat.page.reload()
    expect(chat.launcher).to_be_visible()
    if not chat.input.is_visible():
        chat.launcher.click()
    expect(chat.input).to_be_visible()
    staff.fill("#takeover-text", "Please keep resting and tell me if anything changes.")
    staff.get_by_role("button", name="Send").click()
    expect(chat.bot.filter(has_text="keep resting")).to_be_visible(timeout=30_000)

    # A red flag during the takeover: the advice goes out at once, the clinician is alerted.
    chat.say("I can't control my bladder since yesterday")
    expect(chat.bot.filter(has_text="102").last).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    alert = staff.locator("#takeover-alert")
    expect(alert).to_be_visible(timeout=30_000)
    expect(alert).to_contain_text("RED FLAG (EMERGENCY)")
    expect(staff).to_have_title(re.compile("^RED FLAG"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    staff.screenshot(path=str(SCREENSHOTS / "console-takeover.png"), full_page=True)
    names = [e.get("name") for e in chat.tracker()["events"] if e["event"] == "action"]
    assert "utter_emergency_advice" in names

    # Hand back: the patient is told, and the assistant answers again.
    staff.get_by_role("button", name="Hand back to the assistant").click()
    expect(staff.get_by_text("Handed back")).to_be_visible()
    expect(chat.bot.filter(has_text=ENDED)).to_have_count(1, timeout=30_000)
    chat.wait_until_idle()
    # the assistant answers again: after that emergency, with its reminder (24 hours)
    chat.ask("what is vertebroplasty?", "emergency department")

    events = chat.tracker()["events"]
    slots = [e["value"] for e in events if e["event"] == "slot" and e["name"] == "staff_takeover"]
    assert slots[0]["by"] == "dr-rao" and slots[-1] is None
    staff_messages = [
        e["text"]
        for e in events
        if e["event"] == "bot" and (e.get("metadata") or {}).get("staff_takeover") == "dr-rao"
    ]
    assert len(staff_messages) == 2
    actions = [e.get("name") for e in events if e["event"] == "action"]
    assert actions.count("utter_takeover_started") == 1
    assert actions.count("utter_takeover_ended") == 1
    logged = audit_actions(console["db"])
    assert [a for a in logged if a != "takeover_red_flag"] == [
        "takeover_start",
        "takeover_message",
        "takeover_message",
        "takeover_end",
    ]
    assert logged.index("takeover_red_flag") == 3
