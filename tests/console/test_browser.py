"""In a real browser (headless Chromium) against the console as `make run` starts it
(scripts/run_console.sh, gunicorn, development settings): sign in, filter to
escalations, open a transcript, set the follow-up status. The transcript's screenshot
is results/screenshots/console-escalations.png (`make docs` copies it into docs/)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from harness.processes import free_port, running

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "results" / "screenshots" / "console-escalations.png"
PORT = free_port()
BASE = f"http://127.0.0.1:{PORT}"
PASSWORD = "browser test password 1"
pytestmark = pytest.mark.servers


@pytest.fixture
def console(tmp_path, assistant_store_sqlite):
    source = Path(assistant_store_sqlite[0].split(":///", 1)[1])
    shutil.copy(source, tmp_path / "assistant.db")
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CONSOLE_"))
    }  # development defaults
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'assistant.db'}",
        CONSOLE_VAR_DIR=str(tmp_path),
        CONSOLE_PORT=str(PORT),
        CONSOLE_WORKERS="1",
        CONSOLE_ADMIN_PASSWORD=PASSWORD,
        PYTHONPATH=str(ROOT),
    )
    manage = [sys.executable, str(ROOT / "console" / "manage.py")]
    subprocess.run(manage + ["migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run(
        manage + ["create_admin", "boss"], env=env, check=True, cwd=ROOT, capture_output=True
    )
    command = [ROOT / "scripts" / "run_console.sh"]
    with running(command, env, tmp_path / "console.log", probe=f"{BASE}/login/", timeout=90):
        yield tmp_path


def test_sign_in_filter_open_and_follow_up(console):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{BASE}/conversations/")
        expect(page).to_have_url(f"{BASE}/login/?next=/conversations/")
        page.fill("#id_username", "boss")
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Conversations")).to_be_visible()
        expect(page.locator("table.list tbody tr")).to_have_count(7)

        page.select_option("#id_level", "escalated")
        page.get_by_role("button", name="Apply filters").click()
        expect(page.locator("table.list tbody tr")).to_have_count(3)
        expect(page.locator("tr.escalated.emergency")).to_have_count(2)
        expect(page.get_by_text("3 escalated conversations awaiting follow-up")).to_be_visible()

        page.locator("tr.escalated.urgent a").first.click()
        expect(page.get_by_role("heading", name="Escalations")).to_be_visible()
        expect(page.get_by_text("mujhe bukhar hai aur kamar dard")).to_be_visible()
        page.get_by_label("Follow-up status").select_option("called_back")
        page.get_by_label("Clinical note (optional)").fill("Called back; advised GP today.")
        page.get_by_role("button", name="Save follow-up").click()

        expect(page.get_by_text("Follow-up status: Called back.")).to_be_visible()
        expect(page.locator(".escalation .status strong")).to_have_text("Called back")
        expect(page.get_by_text("Called back; advised GP today.")).to_be_visible()
        expect(page.get_by_text("2 escalated conversations awaiting follow-up")).to_be_visible()
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)
        browser.close()
