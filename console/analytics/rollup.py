"""Daily counts: the conversations' facts added up per day, channel and language, so a
year on the analytics page reads a few thousand rows instead of every conversation.

A day's rows are recomputed from analytics_conversationfacts whenever the sync writes
facts of that day (receivers.py), and when facts are deleted (erasure, retention, a
conversation left without events) their day is marked stale and recomputed before the
page is next read. A conversation's day is that of its first event, so it never moves.
"""

from typing import Any, Dict, Iterable, List

from django.db import transaction
from django.db.models import Count, Q, Sum

from console.analytics.models import ConversationFacts, DailyCounts, StaleDay
from contract import TRIAGE_LEVELS

FLAGS = {
    "greeted": Q(greeted=True),
    "faq": Q(faq=True),
    "symptom_check": Q(symptom_check=True),
    "faq_or_symptom": Q(faq=True) | Q(symptom_check=True),
    "triaged": ~Q(triage_level=""),
    "appointment": Q(appointment=True),
    "contained": Q(contained=True),
    "escalated": Q(escalated=True),
    "human_requested": Q(human_requested=True),
    "taken_over": Q(taken_over=True),
    "with_fallback": Q(fallback_replies__gt=0),
    **{f"triage_{level}": Q(triage_level=level) for level in TRIAGE_LEVELS},
}
SUMS = ("conversations", "patient_messages", "fallback_replies", *FLAGS)
DAYS_PER_QUERY = 200


def _counts(days: List[Any]) -> List[DailyCounts]:
    # annotated as n_<name>: a field's own name would shadow the field in the filters
    annotations: Dict[str, Any] = {f"n_{name}": Count("pk", filter=q) for name, q in FLAGS.items()}
    rows = (
        ConversationFacts.objects.filter(day__in=days)
        .values("day", "channel", "language")
        .annotate(
            n_conversations=Count("pk"),
            n_patient_messages=Sum("patient_messages"),
            n_fallback_replies=Sum("fallback_replies"),
            **annotations,
        )
        .order_by()
    )
    return [
        DailyCounts(
            day=row["day"],
            channel=row["channel"],
            language=row["language"],
            **{name: row[f"n_{name}"] or 0 for name in SUMS},
        )
        for row in rows
    ]


def refresh(days: Iterable[Any]) -> None:
    """Recompute these days' rows from the facts."""
    ordered = sorted(set(days))
    with transaction.atomic():
        for start in range(0, len(ordered), DAYS_PER_QUERY):
            chunk = ordered[start : start + DAYS_PER_QUERY]
            DailyCounts.objects.filter(day__in=chunk).delete()
            DailyCounts.objects.bulk_create(_counts(chunk), batch_size=1000)


def refresh_stale() -> None:
    """Recompute the days whose facts were deleted since the last read."""
    days = list(StaleDay.objects.values_list("day", flat=True))
    if days:
        with transaction.atomic():
            refresh(days)
            StaleDay.objects.filter(day__in=days).delete()
