"""What the analytics page adds up, one row per conversation, rating and escalation.

Derived from the tracker events when staff/sync.py summarises a conversation
(receivers.py), so the page only aggregates these narrow, indexed tables and never
reads events. The first follow-up of an escalation is kept here because the staff
table only remembers the latest status change.
"""

from django.db import models

from console.staff.models import Conversation, Escalation


class ConversationFacts(models.Model):
    """One conversation as the page counts it (facts.py says how each column is read)."""

    conversation = models.OneToOneField(
        Conversation, primary_key=True, on_delete=models.CASCADE, related_name="facts"
    )
    day = models.DateField(help_text="local date of the conversation's first event")
    channel = models.CharField(max_length=64, blank=True)
    language = models.CharField(max_length=16, blank=True)
    greeted = models.BooleanField(default=False)
    faq = models.BooleanField(default=False)
    symptom_check = models.BooleanField(default=False)
    triage_level = models.CharField(max_length=16, blank=True)
    appointment = models.BooleanField(default=False)
    escalated = models.BooleanField(default=False)
    human_requested = models.BooleanField(default=False)
    taken_over = models.BooleanField(default=False)
    contained = models.BooleanField(default=False, help_text="needed no staff")
    patient_messages = models.PositiveIntegerField(default=0)
    fallback_replies = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index("day", "channel", "language", name="facts_day")]


class Feedback(models.Model):
    """A patient's rating of an answer (contract.INTENT_FEEDBACK), one per `user` event."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="feedback"
    )
    event_id = models.BigIntegerField()
    at = models.DateTimeField()
    day = models.DateField()
    rating = models.CharField(max_length=8)
    topic = models.CharField(max_length=80, blank=True)
    language = models.CharField(max_length=16, blank=True)
    channel = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "event_id"], name="feedback_once")
        ]
        indexes = [models.Index("day", name="feedback_day")]


class FirstFollowUp(models.Model):
    """When staff first changed an escalation's follow-up status from "pending"."""

    escalation = models.OneToOneField(
        Escalation, primary_key=True, on_delete=models.CASCADE, related_name="first_followup"
    )
    at = models.DateTimeField()


class DailyCounts(models.Model):
    """ConversationFacts added up per day, channel and language (rollup.py): one column
    per count the page shows (rollup.SUMS)."""

    day = models.DateField()
    channel = models.CharField(max_length=64, blank=True)
    language = models.CharField(max_length=16, blank=True)
    conversations = models.PositiveIntegerField(default=0)
    patient_messages = models.PositiveIntegerField(default=0)
    fallback_replies = models.PositiveIntegerField(default=0)
    greeted = models.PositiveIntegerField(default=0)
    faq = models.PositiveIntegerField(default=0)
    symptom_check = models.PositiveIntegerField(default=0)
    faq_or_symptom = models.PositiveIntegerField(default=0)
    triaged = models.PositiveIntegerField(default=0)
    appointment = models.PositiveIntegerField(default=0)
    contained = models.PositiveIntegerField(default=0)
    escalated = models.PositiveIntegerField(default=0)
    human_requested = models.PositiveIntegerField(default=0)
    taken_over = models.PositiveIntegerField(default=0)
    with_fallback = models.PositiveIntegerField(default=0)
    triage_EMERGENCY = models.PositiveIntegerField(default=0)
    triage_URGENT = models.PositiveIntegerField(default=0)
    triage_ROUTINE = models.PositiveIntegerField(default=0)
    triage_SELF_CARE = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "channel", "language"], name="daily_once")
        ]


class StaleDay(models.Model):
    """A day whose facts were deleted: its DailyCounts are recomputed before the next read."""

    day = models.DateField(primary_key=True)
