"""Tells each patient left waiting in a taken-over conversation how to reach the clinic.

The live page does this on every poll; this command covers takeovers whose page nobody
has open (run it every minute, e.g. from cron, beside purge_old_conversations)."""

from django.core.management.base import BaseCommand

from console.takeover.models import Takeover
from console.takeover.service import remind_if_unanswered


class Command(BaseCommand):
    help = "Send the no-reply notice to patients of takeovers left without a staff reply."

    def handle(self, *args, **options):
        sent = sum(
            remind_if_unanswered(t)
            for t in Takeover.objects.filter(ended_at__isnull=True).select_related("conversation")
        )
        self.stdout.write(f"{sent} patient(s) told how to reach the clinic")
