"""What staff see of patients' personal data: masked everywhere by default (phone
numbers, e-mail addresses, Aadhaar and ABHA numbers, names), revealed one conversation
at a time, for CONSOLE_REVEAL_MINUTES, by a clinician or an admin who asks for it
(audited by the caller). The rules themselves are in console/pii."""

import re
import time
from datetime import datetime, timezone
from typing import Iterable, List, Optional, Sequence

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from console import pii
from console.staff.models import CLINICIAN

# Slots of the appointment form that hold personal data, and what they hold.
PII_SLOTS = {"patient_name": "name", "phone": "phone"}
NAME_SLOTS = ("patient_name",)
SHOWN_AS = {
    "name": "name",
    "phone": "phone number",
    "email": "e-mail",
    "aadhaar": "Aadhaar number",
    "abha": "ABHA",
}
# What pii.redact leaves in stored text (previews, annotations): shown as hidden too.
PLACEHOLDER = re.compile(r"<({})>".format("|".join(pii.LABELS)))
SESSION_KEY = "revealed"


def known_names(events: Iterable, extra: Iterable[str] = ()) -> List[str]:
    """Every value the conversation's name slots ever held (the form empties them
    once it is done), and names from elsewhere (its appointment requests)."""
    names = [str(v) for v in extra if v]
    for event in events:
        if event.type_name == "slot" and event.action_name in NAME_SLOTS:
            value = event.data.get("value")
            if isinstance(value, str) and value.strip():
                names.append(value)
    return list(dict.fromkeys(names))


def _hidden(label: str) -> str:
    return f'<span class="pii">{SHOWN_AS[label]} hidden</span>'


def html(text, names: Sequence[str] = ()) -> SafeString:
    """`text` escaped, each piece of personal data (or a placeholder pii.redact left)
    replaced by a 'hidden' marker."""
    out = []
    for piece, label in pii.segments(str(text or ""), names):
        if label is not None:
            out.append(_hidden(label))
            continue
        at = 0
        for match in PLACEHOLDER.finditer(piece):
            out.append(escape(piece[at : match.start()]))
            out.append(_hidden(match.group(1)))
            at = match.end()
        out.append(escape(piece[at:]))
    return mark_safe("".join(out))


def shortened(text, length: int) -> SafeString:
    """Masked, then cut to about `length` characters (never inside a number)."""
    plain = pii.redact(str(text or ""))
    if len(plain) > length:
        plain = plain[: length - 1].rstrip() + "…"
        plain = re.sub(r"<[a-z]*$", "", plain)  # a placeholder cut in two
    return html(plain)


def slot_value(name: str, value, names: Sequence[str]):
    """A slot's value as shown: the form's personal slots hidden whole."""
    if value in (None, "", []):
        return value
    if name in PII_SLOTS:
        return mark_safe(_hidden(PII_SLOTS[name]))
    if isinstance(value, str):
        return html(value, names)
    return value


# --- revealing one conversation


def reveal(request, pk: int) -> datetime:
    """Show conversation `pk` unmasked to this session for CONSOLE_REVEAL_MINUTES."""
    now = time.time()
    shown = {k: v for k, v in request.session.get(SESSION_KEY, {}).items() if v > now}
    shown[str(pk)] = now + settings.CONSOLE_REVEAL_MINUTES * 60
    request.session[SESSION_KEY] = shown
    return datetime.fromtimestamp(shown[str(pk)], tz=timezone.utc)


def revealed_until(request, pk: int) -> Optional[datetime]:
    """Until when conversation `pk` is shown unmasked to this user, if it is."""
    if not request.user.is_authenticated or not request.user.has_role(CLINICIAN):
        return None
    until = request.session.get(SESSION_KEY, {}).get(str(pk))
    if until is None or until <= time.time():
        return None
    return datetime.fromtimestamp(until, tz=timezone.utc)
