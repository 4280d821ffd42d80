"""What the worklist adds to an escalated conversation: who owns it now (Claim) and every
step taken on it (Step: claim, assign, release, resolve with an outcome and a note), which
the transcript shows. Escalations themselves, with their follow-up status, stay the staff
app's (console/staff/models.py); a resolve sets that status."""

from django.conf import settings
from django.db import models

from console.staff.models import FOLLOWUP_STATUSES, Conversation, Note

CLAIM, ASSIGN, RELEASE, RESOLVE = "claim", "assign", "release", "resolve"
STEPS = [(CLAIM, "Claimed"), (ASSIGN, "Assigned"), (RELEASE, "Released"), (RESOLVE, "Resolved")]
# A resolve's outcome is one of the follow-up statuses ("No answer" keeps it open).
OUTCOMES = [(value, label) for value, label in FOLLOWUP_STATUSES if value != "pending"]


class Claim(models.Model):
    """The member of staff who has an escalated conversation in hand (one at a time)."""

    conversation = models.OneToOneField(
        Conversation, on_delete=models.CASCADE, related_name="worklist_claim"
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index("owner", name="worklist_claim_owner")]


class Step(models.Model):
    """One action on the worklist; never changed."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="worklist_steps"
    )
    kind = models.CharField(max_length=10, choices=STEPS)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=OUTCOMES, blank=True)
    escalations = models.JSONField(default=list, help_text="ids of the escalations resolved")
    note = models.ForeignKey(
        Note, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index("conversation", "at", name="worklist_step_conv")]
