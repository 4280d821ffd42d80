"""Deleting conversations: retention (everything older than N days) and erasure (one
patient on request). Both remove the tracker events and what the console kept about
them (summary, escalations, notes, annotations) and the call-back numbers left in the chat
(`callback_requests`), and are audited."""

import time
from datetime import datetime, timezone
from typing import Any, Dict, List

from django.db import transaction

from console.staff import audit, sync, tracker
from console.staff.models import Conversation
from console.worklist.reading import delete_callbacks_before, delete_callbacks_of


def erase_sender(request, sender_id: str, appointments: bool) -> Dict[str, int]:
    """Erase one sender's conversation (and, if asked, appointment requests). `found`
    is False when nothing had that sender id (a mistyped id, most likely)."""
    events = tracker.delete_sender(sender_id)
    requests = tracker.delete_appointments_of(sender_id) if appointments else 0
    callbacks = delete_callbacks_of(sender_id)  # a number left for a call back, always
    with transaction.atomic():
        conversations = (
            Conversation.objects.filter(sender_id=sender_id)
            .delete()[1]
            .get("staff.Conversation", 0)
        )
        result = {
            "events": events,
            "appointment_requests": requests,
            "callback_requests": callbacks,
            "console_rows": conversations,
        }
        found = any(result.values())
        audit.record(
            request,
            "erasure",
            target="one sender",
            sender_id=sender_id,
            **result,
            found=None if found else False,
        )
    return {**result, "found": found}


def purge_older_than(days: int, request=None, actor: str = "") -> Dict[str, int]:
    """Delete every tracker event older than `days` days; senders left with nothing
    disappear from the console, the others are re-summarised."""
    if days < 1:
        raise ValueError("retention must be at least one day")
    cutoff = time.time() - days * 86400
    senders: List[str] = []
    deleted = 0
    if tracker.has_table("events"):
        senders, deleted = tracker.delete_before(cutoff)
    removed = sync.resync(senders)
    callbacks = delete_callbacks_before(datetime.fromtimestamp(cutoff, tz=timezone.utc))
    result = {
        "days": days,
        "events": deleted,
        "senders_touched": len(senders),
        "conversations_removed": removed,
        "callback_requests": callbacks,
    }
    detail: Dict[str, Any] = dict(result)
    if request is None:  # from the command line: no signed-in user to name
        detail["username"] = actor
    audit.record(request, "retention", target=f"older than {days} days", **detail)
    return result


def preview(days: int) -> Dict[str, int]:
    if not tracker.has_table("events"):
        return {"events": 0, "senders": 0}
    events, senders = tracker.count_before(time.time() - days * 86400)
    return {"events": events, "senders": senders}
