"""The appointment requests page, on a tracker store in SQLite (the default) and in
PostgreSQL, with requests saved the way the action server saves them."""

import re
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from actions.store import save_request


def test_received_shows_when_the_request_arrived(db, any_tracker, client_for):
    save_request(
        {
            "sender_id": "appt-patient",
            "channel": "rest",
            "patient_name": "Meena Gupta",
            "phone": "+919810012345",
            "preferred_time": "friday evening",
            "reason": "back pain",
        },
        url=any_tracker.url,
    )
    page = client_for("clinician").get(reverse("staff:appointments")).content.decode()
    row = re.search(r'<tr class="status-new">\s*<td[^>]*>(.*?)</td>', page, re.S)
    assert row, page
    now = timezone.localtime(timezone.now(), timezone.get_current_timezone())
    shown = datetime.strptime(row.group(1), "%d %b %Y %H:%M")
    assert (
        shown.date() == now.date()
        and abs(shown.hour * 60 + shown.minute - now.hour * 60 - now.minute) <= 1
    )
    assert settings.TIME_ZONE == "Asia/Kolkata"
