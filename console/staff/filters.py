"""The list queries: conversations, and flagged messages of the safety review, filtered
on the console's summary tables, newest first.

Every filter is a column of staff_conversation (or an EXISTS on the tag link table),
and each selective one has a partial index ordered like the list (models.py), so a
page is an index walk that stops after PAGE_SIZE rows. Free text uses a trigram index
on PostgreSQL (migration 0002).
"""

from datetime import datetime, time, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from console.staff.models import Conversation, ConversationTag, FlaggedMessage

FILTER_KEYS = (
    "level",
    "followup",
    "channel",
    "date_from",
    "date_to",
    "reviewed",
    "tag",
    "quality",
    "q",
)


def _start_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _in_dates(qs: QuerySet, field: str, data: dict) -> QuerySet:
    """`qs` narrowed to `field` within the filter's days (`date_from`, `date_to`, both
    included, in the console's time zone)."""
    if data.get("date_from"):
        qs = qs.filter(**{f"{field}__gte": _start_of(data["date_from"])})
    if data.get("date_to"):
        qs = qs.filter(**{f"{field}__lt": _start_of(data["date_to"] + timedelta(days=1))})
    return qs


def conversations(data: dict) -> QuerySet:
    """Conversations matching cleaned FilterForm data, newest first."""
    qs = Conversation.objects.all()
    level = data.get("level")
    if level == "escalated":
        qs = qs.exclude(escalation_level="")
    elif level == "none":
        qs = qs.filter(escalation_level="")
    elif level:
        qs = qs.filter(escalation_level=level)
    if data.get("followup") == "open":
        qs = qs.filter(needs_followup=True)
    if data.get("channel"):
        qs = qs.filter(channel=data["channel"])
    qs = _in_dates(qs, "last_event_at", data)
    if data.get("reviewed") == "yes":
        qs = qs.filter(reviewed_at__isnull=False)
    elif data.get("reviewed") == "no":
        qs = qs.filter(reviewed_at__isnull=True)
    if data.get("tag"):
        qs = qs.filter(
            Exists(
                ConversationTag.objects.filter(conversation=OuterRef("pk"), tag_id=int(data["tag"]))
            )
        )
    quality = data.get("quality")
    if quality == "fallback":
        qs = qs.filter(has_fallback=True)
    elif quality == "low_confidence":
        qs = qs.filter(has_low_confidence=True)
    elif quality == "either":
        qs = qs.filter(Q(has_fallback=True) | Q(has_low_confidence=True))
    if data.get("q"):
        qs = qs.filter(search_text__contains=data["q"].strip().lower())
    return qs.order_by("-last_event_at", "-id")


def to_session(data: dict) -> dict:
    return {
        k: (v.isoformat() if hasattr(v, "isoformat") else v)
        for k, v in data.items()
        if k in FILTER_KEYS and v not in (None, "")
    }


def flagged_messages(data: dict) -> QuerySet:
    """Flagged patient messages matching cleaned SafetyFilterForm data, newest first;
    possible findings unless the filter asks for confirmed ones (partial index
    flag_possible, or flag_level)."""
    qs = FlaggedMessage.objects.all()
    certainty = data.get("certainty") or "possible"
    if certainty != "any":
        qs = qs.filter(certainty=certainty)
    if data.get("level"):
        qs = qs.filter(level=data["level"])
    if data.get("category"):
        qs = qs.filter(category_key__contains=f"|{data['category']}|")
    if data.get("answer"):
        qs = qs.filter(answer=data["answer"])
    qs = _in_dates(qs, "at", data)
    return qs.order_by("-at", "-id")
