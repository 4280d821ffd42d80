"""Erasing a patient's data on their own request in the chat, with the console's code.

The staff console already erases one sender on an admin's request
(console/staff/retention.py `erase_sender`: tracker events, appointment requests,
call-back numbers, the console's own rows, one audit entry). A patient's "delete my data"
runs exactly that, with Django set up from console/settings.py on first use (the same
DATABASE_URL, CONSOLE_DATABASE_URL and DJANGO_SECRET_KEY as the console), and erases the
consent records the action server keeps (actions/consent.py) as well.

The Rasa server still holds the conversation while the turn runs; the action's
`data_erased` slot tells the tracker store not to write it back (assistant/tracker_store.py).
"""

import os
import threading
from typing import Dict

from actions import consent

_setup = threading.Lock()


def _django() -> None:
    """Set Django up with the console's settings once (a no-op when it already is)."""
    with _setup:
        from django.conf import settings

        if settings.configured:
            import django

            django.setup()
            return
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")
        import django

        django.setup()


def erase_conversation(conversation_id: str) -> Dict[str, int]:
    """Erase one conversation: events, appointment requests, console rows, consents.
    The console's audit log gets one `erasure` entry (with a keyed hash of the id)."""
    _django()
    from django.conf import settings

    from console.staff import retention

    result = dict(retention.erase_sender(None, conversation_id, appointments=True))
    result["consents"] = consent.delete_for(conversation_id, url=settings.TRACKER_DATABASE_URL)
    return result
