"""Add the console's indexes to Rasa's `events` table (IF NOT EXISTS; concurrently on
PostgreSQL). Run by scripts/run_console.sh at every start."""

from django.core.management.base import BaseCommand

from console.staff import tracker


class Command(BaseCommand):
    help = "Create the indexes the console needs on the tracker store's events table."

    def handle(self, **options):
        created = tracker.ensure_indexes()
        self.stdout.write("Created: " + ", ".join(created) if created else "Indexes present.")
