"""The worklist's rows: one per conversation with open EMERGENCY or URGENT escalations,
oldest waiting first, filtered by the URL's querystring (WorklistFilter).

The open escalations are grouped in SQL (index worklist_open_escalations, migration 0001):
per conversation the oldest open escalation's time (how long the patient has waited) and
whether any is an emergency; only the page's conversations are then read in full.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Max, Min, Q, When
from django.utils import timezone

from console.staff.models import OPEN_STATUSES, Conversation, Escalation, SyncState
from console.worklist import reading
from contract import EMERGENCY, URGENT

PAGE_SIZE = 50
LANGUAGE_NAMES = {"en": "English", "hi": "Hindi", "hinglish": "Hinglish"}


def targets() -> Dict[str, int]:
    """Minutes an escalation may wait before it is overdue, per level (console settings)."""
    return {
        EMERGENCY: settings.CONSOLE_WORKLIST_TARGET_EMERGENCY_MINUTES,
        URGENT: settings.CONSOLE_WORKLIST_TARGET_URGENT_MINUTES,
    }


class WorklistFilter(forms.Form):
    """The filters, all in the querystring so that a view can be shared."""

    level = forms.ChoiceField(
        required=False,
        choices=[("", "Emergency and urgent"), (EMERGENCY, "Emergency"), (URGENT, "Urgent")],
    )
    owner = forms.ChoiceField(
        required=False, choices=[("", "Anyone's"), ("mine", "Mine"), ("unclaimed", "Unclaimed")]
    )
    channel = forms.ChoiceField(required=False)
    overdue = forms.BooleanField(required=False, label="Overdue only")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        state = SyncState.objects.filter(pk=1).first()
        channels = state.channels if state else []
        self.fields["channel"].choices = [("", "All channels")] + [(c, c) for c in channels]


@dataclass
class Item:
    conversation: Conversation
    level: str
    since: datetime
    minutes: int
    overdue: bool
    categories: List[str] = field(default_factory=list)
    words: str = ""
    language: str = ""
    owner: Any = None
    callback_phone: str = ""
    whatsapp_number: str = ""


def grouped(data: Dict[str, Any], user, now: datetime):
    """Open escalations per conversation, oldest first (a values() queryset)."""
    open_ = Escalation.objects.filter(
        followup_status__in=OPEN_STATUSES, level__in=[EMERGENCY, URGENT]
    )
    if data.get("level"):
        open_ = open_.filter(level=data["level"])
    if data.get("channel"):
        open_ = open_.filter(conversation__channel=data["channel"])
    if data.get("owner") == "mine":
        open_ = open_.filter(conversation__worklist_claim__owner=user)
    elif data.get("owner") == "unclaimed":
        open_ = open_.filter(conversation__worklist_claim__isnull=True)
    rows = open_.values("conversation_id").annotate(
        since=Min("at"),
        emergency=Max(Case(When(level=EMERGENCY, then=1), default=0, output_field=IntegerField())),
    )
    if data.get("overdue"):
        limits = targets()
        rows = rows.filter(
            Q(emergency=1, since__lt=now - timedelta(minutes=limits[EMERGENCY]))
            | Q(emergency=0, since__lt=now - timedelta(minutes=limits[URGENT]))
        )
    return rows.order_by("since", "conversation_id")


def page_of(data: Dict[str, Any], user, number: Optional[str] = None, now=None):
    """(the Paginator page, its Items)."""
    now = now or timezone.now()
    page = Paginator(grouped(data, user, now), PAGE_SIZE).get_page(number)
    return page, items(list(page.object_list), now)


def items(rows: List[dict], now: datetime) -> List[Item]:
    ids = [r["conversation_id"] for r in rows]
    conversations = Conversation.objects.select_related("worklist_claim__owner").in_bulk(ids)
    escalations: Dict[int, List[Escalation]] = {}
    for esc in Escalation.objects.filter(
        conversation_id__in=ids, followup_status__in=OPEN_STATUSES, level__in=[EMERGENCY, URGENT]
    ).order_by("event_id"):
        escalations.setdefault(esc.conversation_id, []).append(esc)
    limits = targets()
    found = []
    for row in rows:
        conv = conversations[row["conversation_id"]]
        open_ = escalations.get(conv.pk, [])
        level = EMERGENCY if row["emergency"] else URGENT
        minutes = max(0, int((now - row["since"]).total_seconds() // 60))
        claim = getattr(conv, "worklist_claim", None)
        found.append(
            Item(
                conversation=conv,
                level=level,
                since=row["since"],
                minutes=minutes,
                overdue=minutes >= limits[level],
                categories=list(dict.fromkeys(c for e in open_ for c in e.categories or [])),
                owner=claim.owner if claim else None,
            )
        )
    _read_tracker(found, escalations)
    return found


def _read_tracker(found: List[Item], escalations: Dict[int, List[Escalation]]) -> None:
    """The patient's words (the first open escalation, of the highest level) and the
    numbers the clinic can call."""
    anchors = {}
    for item in found:
        open_ = escalations.get(item.conversation.pk, [])
        first = next((e for e in open_ if e.level == item.level), open_[0] if open_ else None)
        if first is not None:
            anchors[item.conversation.pk] = (item.conversation.sender_id, first.event_id)
    messages = reading.trigger_messages(anchors.values())
    numbers = reading.callback_numbers([i.conversation.sender_id for i in found])
    for item in found:
        anchor = anchors.get(item.conversation.pk)
        words, language = messages.get(anchor[1], ("", "")) if anchor else ("", "")
        item.words, item.language = words, LANGUAGE_NAMES.get(language, language)
        item.callback_phone = numbers.get(item.conversation.sender_id, "")
        item.whatsapp_number = reading.whatsapp_number(item.conversation.sender_id)
