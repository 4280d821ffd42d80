"""Retention: delete every tracker event older than CONSOLE_RETENTION_DAYS (or --days),
with what the console kept about those conversations; audited."""

from django.conf import settings
from django.core.management.base import BaseCommand

from console.staff.retention import preview, purge_older_than


class Command(BaseCommand):
    help = "Delete conversations older than the retention period from the tracker store."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.CONSOLE_RETENTION_DAYS)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, days, dry_run, **options):
        if dry_run:
            found = preview(days)
            self.stdout.write(
                f"Would delete {found['events']} events of "
                f"{found['senders']} senders (older than {days} days)."
            )
            return
        result = purge_older_than(days, actor="purge_old_conversations command")
        self.stdout.write(
            f"Deleted {result['events']} events older than {days} days; "
            f"{result['conversations_removed']} conversations removed, "
            f"{result['senders_touched']} senders touched."
        )
