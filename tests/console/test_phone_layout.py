"""The console on a 390 px phone in headless Chromium (Debian's, as in tests/browser/):
no page may be wider than the screen. The pages are rendered by Django's test client
and handed to the browser through Playwright's request routing, with the console's
own stylesheet, so no server is started."""

import os
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import sync_playwright

from console.staff.models import Conversation
from console.staff.sync import sync
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "console" / "staff" / "static"
ORIGIN = "http://console.test"
PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("CONSOLE_PHONE_SCREENSHOTS")  # a folder: keep what the phone showed


def page_width(html: str) -> int:
    """scrollWidth of the page in a phone-sized window. Playwright runs an event loop
    in this thread while it is open, so Django (which refuses database work inside one)
    has rendered the page before."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure_chromium.sh")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            return _width(browser, html)
        finally:
            browser.close()


def _width(browser, html: str) -> int:
    page = browser.new_page(viewport=PHONE, device_scale_factor=1)

    def serve(route):
        path = route.request.url[len(ORIGIN) :].split("?")[0]
        if path.startswith("/static/"):
            route.fulfill(path=str(STATIC / path[len("/static/") :]), content_type="text/css")
        else:
            route.fulfill(body=html, content_type="text/html; charset=utf-8")

    page.route(f"{ORIGIN}/**", serve)
    page.goto(f"{ORIGIN}/page")
    page.wait_for_load_state("load")
    assert page.evaluate("getComputedStyle(document.body).margin") == "0px"  # CSS loaded
    width = page.evaluate("document.documentElement.scrollWidth")
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"phone-{len(html)}.png"), full_page=True)
    page.close()
    return width


@pytest.fixture
def busy(db, tracker):
    for n in range(8):
        sender = f"5f0c2a4e-{n:04d}-4c7e-9a55-0d6f3b1e{n:04d}"
        tracker.turn(
            sender,
            "mujhe kamar mein bahut dard hai aur pair sunn ho rahe hain "
            "kya mujhe kyphoplasty karwani chahiye?" * 2,
        )
        if n % 2:
            tracker.escalation(sender, "I cannot pass urine since yesterday evening")
    sync()
    return Conversation.objects.order_by("id").first()


@pytest.mark.parametrize("role", ["reviewer", "admin"])
def test_the_conversation_list_fits_a_phone(busy, client_for, role):
    html = client_for(role).get(reverse("staff:conversations")).content.decode()
    assert html.count("<tr") > 8
    assert page_width(html) <= PHONE["width"]


def test_the_transcript_fits_a_phone(busy, client_for):
    html = client_for("clinician").get(reverse("staff:transcript", args=[busy.pk])).content.decode()
    assert page_width(html) <= PHONE["width"]


def test_the_safety_review_and_a_marked_message_fit_a_phone(busy, client_for):
    from console.staff.tracker import events_of

    message = next(e.id for e in events_of(busy.sender_id) if e.type_name == "user")
    client = client_for("clinician")
    client.post(
        reverse("staff:missed_red_flag", args=[busy.pk, message]),
        {
            "level": "EMERGENCY",
            "category": "bilateral_symptoms",
            "note": "numbness in both legs written as pair sunn ho rahe hain " * 4,
        },
    )
    html = client.get(reverse("staff:transcript", args=[busy.pk])).content.decode()
    assert "Marked as a missed red flag" in html
    assert page_width(html) <= PHONE["width"]
    html = client.get(reverse("staff:safety_review"), {"certainty": "any"}).content.decode()
    assert html.count("<tr") > 5
    assert page_width(html) <= PHONE["width"]
