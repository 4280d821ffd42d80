"""The worklist in headless Chromium against the console as `make run` starts it
(scripts/run_console.sh, gunicorn): a new emergency written to the tracker store appears
without a reload, flagged as new for the sound and notification, and the strict script
policy holds (nothing blocked, nothing inline)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from harness.processes import free_port, running
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.console import helpers

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "worklist browser password 1"
pytestmark = [pytest.mark.servers, pytest.mark.browser]


@pytest.fixture
def console(tmp_path):
    url = f"sqlite:///{tmp_path / 'assistant.db'}"
    helpers.create_tracker(url)
    store = helpers.Tracker(url)
    store.escalation(
        "socketio:first",
        "fever and chills with back pain",
        level="URGENT",
        category="infection",
        channel="socketio",
    )
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CONSOLE_"))}
    env.update(
        DATABASE_URL=url,
        CONSOLE_VAR_DIR=str(tmp_path),
        CONSOLE_PORT=str(port),
        CONSOLE_WORKERS="1",
        CONSOLE_ADMIN_PASSWORD=PASSWORD,
        PYTHONPATH=str(ROOT),
        CONSOLE_WORKLIST_POLL_SECONDS="5",
    )
    manage = [sys.executable, str(ROOT / "console" / "manage.py")]
    subprocess.run(manage + ["migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run(
        manage + ["create_admin", "boss"], env=env, check=True, cwd=ROOT, capture_output=True
    )
    base = f"http://127.0.0.1:{port}"
    command = [ROOT / "scripts" / "run_console.sh"]
    try:
        with running(command, env, tmp_path / "console.log", probe=f"{base}/login/", timeout=90):
            yield base, store
    finally:
        store.engine.dispose()


def test_a_new_emergency_appears_without_a_reload(console):
    base, store = console
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure_chromium.sh")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        problems = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        failed = []
        page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
        page.goto(f"{base}/login/")
        page.fill("#id_username", "boss")
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        # an admin lands on the worklist
        expect(page.get_by_role("heading", name="Escalation worklist")).to_be_visible()
        rows = page.locator("table.worklist tbody tr")
        expect(rows).to_have_count(1)
        page.evaluate("window.notReloaded = true")
        page.get_by_role("button", name="Turn on sound and notifications").click()

        store.escalation(
            "socketio:second", "I can't control my bladder since this morning", channel="socketio"
        )

        expect(rows).to_have_count(2, timeout=20_000)
        newest = rows.nth(1)
        expect(newest).to_contain_text("EMERGENCY")
        expect(newest).to_contain_text("I can't control my bladder since this morning")
        expect(page.locator("#worklist-status")).to_contain_text("Updated")
        assert page.evaluate("window.notReloaded") is True
        new = page.locator("#worklist").get_attribute("data-new-emergencies")
        assert new == newest.get_attribute("data-conversation")
        # no script or policy error; the only failed request is the browser's favicon
        assert {u.rsplit("/", 1)[1] for u in failed} <= {"favicon.ico"}, failed
        assert [p for p in problems if "Failed to load resource" not in p] == [], problems
        browser.close()
