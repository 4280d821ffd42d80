"""The worklist on a 390 px phone in headless Chromium (as tests/console/test_phone_layout.py
checks the other pages): no wider than the screen, rows and their forms wrap. The page is
rendered by Django's test client and served to the browser through request routing, with
the console's and the worklist's own static files."""

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import sync_playwright

from console.staff.sync import sync
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.console.test_phone_layout import ORIGIN, PHONE

ROOT = Path(__file__).resolve().parents[2]
STATIC = [ROOT / "console" / "staff" / "static", ROOT / "console" / "worklist" / "static"]
TYPES = {".css": "text/css", ".js": "text/javascript"}
pytestmark = pytest.mark.browser


def serve(route):
    path = route.request.url[len(ORIGIN) :].split("?")[0]
    if path.startswith("/static/"):
        found = next(r / path[len("/static/") :] for r in STATIC if (r / path[8:]).exists())
        route.fulfill(path=str(found), content_type=TYPES[found.suffix])
    else:
        route.fulfill(body=serve.html, content_type="text/html; charset=utf-8")


def test_the_worklist_fits_a_phone(db, tracker, client_for):
    for n in range(6):
        tracker.escalation(
            f"socketio:{n:04d}-5f0c2a4e-4c7e-9a55-0d6f3b1e",
            "mujhe peshab nahi ho raha hai kal raat se aur dono pair sunn ho rahe hain " * 2,
            channel="socketio",
        )
    sync()
    serve.html = client_for("admin").get(reverse("worklist:list")).content.decode()
    assert serve.html.count('<tr id="wl-') == 6
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure_chromium.sh")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=PHONE, device_scale_factor=1)
        page.route(f"{ORIGIN}/**", serve)
        page.goto(f"{ORIGIN}/worklist/")
        page.wait_for_load_state("load")
        # both stylesheets applied: the console's (body margin) and the worklist's (cards)
        assert page.evaluate("getComputedStyle(document.body).margin") == "0px"
        assert (
            page.evaluate("getComputedStyle(document.querySelector('.worklist td')).display")
            == "block"
        )
        width = page.evaluate("document.documentElement.scrollWidth")
        browser.close()
    assert width <= PHONE["width"]
