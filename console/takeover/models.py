"""The console's record of each live takeover: who took over which conversation, when,
and what the console already told the patient or the member of staff."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from console.staff.models import Conversation


class Takeover(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="takeovers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    # the tracker event the takeover began after: the live page shows what came later
    first_event_id = models.BigIntegerField(default=0)
    last_staff_message_at = models.DateTimeField(null=True, blank=True)
    # when the patient was told how to reach the clinic (no staff reply in time)
    no_reply_notice_at = models.DateTimeField(null=True, blank=True)
    # the highest patient message whose red flag the member of staff was alerted to
    alerted_event_id = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation"],
                condition=Q(ended_at__isnull=True),
                name="one_open_takeover_per_conversation",
            )
        ]

    @property
    def active(self) -> bool:
        return self.ended_at is None
