"""Keeping the analytics tables in step: after staff/sync.py writes a batch of
conversation summaries (its `summarized` signal, which also refreshes those days' daily
counts), when a conversation's facts are deleted (its day's counts go stale), and when an
escalation's follow-up status first leaves "pending"."""

from typing import Any, Dict, List

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from console.analytics import rollup
from console.analytics.facts import facts
from console.analytics.models import ConversationFacts, Feedback, FirstFollowUp, StaleDay
from console.staff.models import Conversation, Escalation
from console.staff.sync import CHUNK, summarized
from console.staff.tracker import iter_chunks

COLUMNS = [f.name for f in ConversationFacts._meta.get_fields() if f.concrete and not f.primary_key]


@receiver(summarized)
def write_facts(
    sender: Any, groups: Dict[str, list], conversations: Dict[str, Conversation], **kwargs: Any
) -> None:
    rows: List[ConversationFacts] = []
    ratings: List[Feedback] = []
    for sender_id, events in groups.items():
        conversation = conversations.get(sender_id)
        if conversation is None or not events:
            continue
        row, found = facts(
            events,
            settings.CONSOLE_LOW_CONFIDENCE,
            conversation.triage_level,
            bool(conversation.escalation_level),
        )
        rows.append(ConversationFacts(conversation=conversation, **row))
        ratings += [Feedback(conversation=conversation, **r) for r in found]
    pks = [r.conversation_id for r in rows]
    for chunk in iter_chunks(pks, CHUNK):
        Feedback.objects.filter(conversation_id__in=chunk).delete()
    ConversationFacts.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        update_fields=COLUMNS,
        unique_fields=["conversation"],
    )
    Feedback.objects.bulk_create(ratings, batch_size=500)
    rollup.refresh({r.day for r in rows})


@receiver(post_delete, sender=ConversationFacts)
def facts_deleted(sender: Any, instance: ConversationFacts, **kwargs: Any) -> None:
    StaleDay.objects.bulk_create([StaleDay(day=instance.day)], ignore_conflicts=True)


@receiver(post_save, sender=Escalation)
def first_followup(sender: Any, instance: Escalation, **kwargs: Any) -> None:
    if instance.followup_status != "pending" and instance.followup_at is not None:
        FirstFollowUp.objects.get_or_create(
            escalation_id=instance.pk, defaults={"at": instance.followup_at}
        )
