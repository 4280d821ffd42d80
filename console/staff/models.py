"""The console's own tables: staff accounts, the conversation summary it keeps in step
with the tracker store, escalation follow-up, tags, notes, intent annotations, the
safety review (flagged messages, missed red flags) and the audit log. The tracker store
itself is only read (tracker.py)."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q

REVIEWER, CLINICIAN, ADMIN = "reviewer", "clinician", "admin"
ROLES = [(REVIEWER, "Reviewer"), (CLINICIAN, "Clinician"), (ADMIN, "Admin")]
RANK = {REVIEWER: 1, CLINICIAN: 2, ADMIN: 3}


class User(AbstractUser):
    """A member of staff; each role can do everything the roles before it can."""

    role = models.CharField(max_length=16, choices=ROLES, default=REVIEWER)

    def has_role(self, role: str) -> bool:
        return self.is_active and RANK.get(self.role, 0) >= RANK[role]


class Tag(models.Model):
    name = models.CharField(max_length=40, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Conversation(models.Model):
    """One sender's conversation, summarised from the tracker store's events by sync.py.

    The derived columns are recomputed from the events; `reviewed_*` and the tags are
    staff data and survive a recomputation.
    """

    sender_id = models.CharField(max_length=255, unique=True)
    channel = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField()
    last_event_at = models.DateTimeField()
    last_event_id = models.BigIntegerField()
    message_count = models.PositiveIntegerField(default=0)
    escalation_level = models.CharField(max_length=16, blank=True)
    needs_followup = models.BooleanField(default=False)
    has_fallback = models.BooleanField(default=False)
    has_low_confidence = models.BooleanField(default=False)
    triage_level = models.CharField(max_length=16, blank=True)
    preview = models.CharField(max_length=200, blank=True)
    search_text = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tags = models.ManyToManyField(Tag, through="ConversationTag", related_name="conversations")

    class Meta:
        indexes = [
            # Newest first: every list page walks this index (or one below) backwards.
            models.Index(F("last_event_at").desc(), F("id").desc(), name="conv_recent"),
            models.Index(
                "escalation_level",
                F("last_event_at").desc(),
                F("id").desc(),
                name="conv_escalated",
                condition=~Q(escalation_level=""),
            ),
            models.Index(
                F("last_event_at").desc(),
                F("id").desc(),
                name="conv_followup",
                condition=Q(needs_followup=True),
            ),
            models.Index(
                F("last_event_at").desc(),
                F("id").desc(),
                name="conv_fallback",
                condition=Q(has_fallback=True),
            ),
            models.Index(
                F("last_event_at").desc(),
                F("id").desc(),
                name="conv_lowconf",
                condition=Q(has_low_confidence=True),
            ),
            models.Index(
                F("last_event_at").desc(),
                F("id").desc(),
                name="conv_reviewed",
                condition=Q(reviewed_at__isnull=False),
            ),
            models.Index("channel", F("last_event_at").desc(), name="conv_channel"),
        ]

    @property
    def escalated(self) -> bool:
        return bool(self.escalation_level)


class ConversationTag(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE)
    added_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tag", "conversation"], name="tag_once")]


FOLLOWUP_STATUSES = [
    ("pending", "Not yet followed up"),
    ("no_answer", "No answer"),
    ("called_back", "Called back"),
    ("advised", "Advised"),
    ("sent_to_emergency", "Sent to emergency care"),
    ("closed", "Closed, no action needed"),
]
OPEN_STATUSES = ("pending", "no_answer")


class Escalation(models.Model):
    """A red-flag or triage escalation found in the events, with its follow-up."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="escalations"
    )
    event_id = models.BigIntegerField(help_text="tracker event the escalation is anchored to")
    at = models.DateTimeField()
    level = models.CharField(max_length=16)
    categories = models.JSONField(default=list)
    recorded = models.BooleanField(default=False, help_text="escalation slots were set")
    followup_status = models.CharField(max_length=20, choices=FOLLOWUP_STATUSES, default="pending")
    followup_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    followup_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["event_id"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "event_id"], name="escalation_once")
        ]

    @property
    def is_open(self) -> bool:
        return self.followup_status in OPEN_STATUSES


class Note(models.Model):
    """A reviewer's annotation or a clinician's clinical note; never edited."""

    REVIEW, CLINICAL = "review", "clinical"
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="notes")
    escalation = models.ForeignKey(
        Escalation, null=True, blank=True, on_delete=models.CASCADE, related_name="notes"
    )
    kind = models.CharField(max_length=10, choices=[(REVIEW, "Review"), (CLINICAL, "Clinical")])
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class IntentAnnotation(models.Model):
    """A reviewer's verdict on the intent predicted for one patient message."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="annotations"
    )
    event_id = models.BigIntegerField()
    text = models.TextField()
    predicted_intent = models.CharField(max_length=120)
    correct_intent = models.CharField(max_length=120)
    annotator = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "event_id"], name="annotation_once")
        ]

    @property
    def corrected(self) -> bool:
        return self.correct_intent != self.predicted_intent


# What the patient answered to "Is this happening now?" (utter_ask_red_flag_now).
ANSWERS = [
    ("", "Not asked"),
    ("pending", "No answer yet"),
    ("yes", "Yes"),
    ("no", "No"),
    ("not_sure", "Not sure"),
    ("other", "Wrote something else"),
]
RED_FLAG_LEVELS = [("EMERGENCY", "Emergency"), ("URGENT", "Urgent")]


class FlaggedMessage(models.Model):
    """A patient message with red-flag findings, derived from the events by sync.py
    (recomputed with its conversation; no staff data lives here). The message text
    stays in the tracker store and is read when the review list is shown."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="flagged_messages"
    )
    event_id = models.BigIntegerField(help_text="the patient's `user` event")
    at = models.DateTimeField()
    level = models.CharField(max_length=16)
    certainty = models.CharField(max_length=16, help_text="possible if any finding is")
    categories = models.JSONField(default=list)
    category_key = models.CharField(
        max_length=400, blank=True, help_text="|cat|cat| for filtering on any database"
    )
    findings = models.JSONField(default=list, help_text="category, level, certainty each")
    reply = models.CharField(max_length=120, blank=True, help_text="first action after it")
    answer = models.CharField(max_length=16, choices=ANSWERS, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "event_id"], name="flagged_once")
        ]
        indexes = [
            models.Index(
                F("at").desc(),
                F("id").desc(),
                name="flag_possible",
                condition=Q(certainty="possible"),
            ),
            models.Index("certainty", "level", F("at").desc(), name="flag_level"),
        ]


class MissedRedFlag(models.Model):
    """A reviewer's verdict that a patient message was a red flag the screen missed (or
    under-rated); exported as a test case of tests/redflags/. The text is kept redacted."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="missed_red_flags"
    )
    event_id = models.BigIntegerField()
    text = models.TextField(help_text="the message, personal data redacted")
    level = models.CharField(max_length=16, choices=RED_FLAG_LEVELS)
    category = models.CharField(max_length=60, blank=True)
    note = models.TextField(max_length=1000, blank=True, help_text="redacted")
    marked_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-marked_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "event_id"], name="missed_once")
        ]


class SyncState(models.Model):
    """How far sync.py has read the events table (a single row)."""

    last_event_id = models.BigIntegerField(default=0)
    synced_at = models.DateTimeField(null=True)
    channels = models.JSONField(default=list)


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("the audit log cannot be changed")

    def delete(self):
        raise PermissionError("the audit log cannot be changed")


AUDIT_ACTIONS = [
    ("login", "Login"),
    ("login_failed", "Failed login"),
    ("lockout", "Locked out"),
    ("logout", "Logout"),
    ("password_change", "Password change"),
    ("transcript_view", "Transcript view"),
    ("reveal", "Personal data revealed"),
    ("appointments_view", "Appointment requests view"),
    ("export_csv", "CSV export"),
    ("export_nlu", "NLU export"),
    ("annotation", "Annotation"),
    ("followup", "Follow-up status"),
    ("appointment_status", "Appointment status"),
    ("erasure", "Erasure"),
    ("retention", "Retention run"),
    ("user_created", "User created"),
    ("role_change", "Role change"),
    ("user_change", "User change"),
    ("lockout_cleared", "Lockout cleared"),
    ("2fa_enrolled", "Two-step sign-in turned on"),
    ("2fa_verified", "Sign-in code accepted"),
    ("2fa_failed", "Wrong sign-in code"),
    ("2fa_reset", "Two-step sign-in reset"),
    ("reauth_failed", "Admin password wrong"),
    ("missed_red_flag", "Missed red flag marked"),
    ("export_cases", "Red-flag cases export"),
    ("takeover_start", "Live takeover started"),
    ("takeover_message", "Staff message sent"),
    ("takeover_red_flag", "Red flag during a takeover"),
    ("takeover_no_reply", "Patient told how to reach the clinic"),
    ("takeover_end", "Handed back to the assistant"),
]


class AuditEntry(models.Model):
    """Who did what, when, from where. Insert-only: the application cannot change or
    delete a row, and database triggers refuse it too (migration 0002)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user_id = models.BigIntegerField(null=True)
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=32, choices=AUDIT_ACTIONS, db_index=True)
    target = models.CharField(max_length=200, blank=True)
    sender_hash = models.CharField(max_length=64, blank=True, db_index=True)
    detail = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("the audit log cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the audit log cannot be changed")
