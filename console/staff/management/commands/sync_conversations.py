"""Bring the console's conversation summary up to date with the tracker store
(`--follow` keeps doing so; `--rebuild` recomputes every conversation)."""

import time

from django.core.management.base import BaseCommand

from console.staff import tracker
from console.staff.models import SyncState
from console.staff.sync import sync


class Command(BaseCommand):
    help = "Summarise new tracker events into the console's tables."

    def add_arguments(self, parser):
        parser.add_argument("--follow", action="store_true", help="keep syncing every few seconds")
        parser.add_argument("--rebuild", action="store_true", help="re-read every event")
        parser.add_argument("--interval", type=float, default=5.0)

    def handle(self, follow, rebuild, interval, **options):
        created = tracker.ensure_indexes()
        if created:
            self.stdout.write(f"Created indexes on events: {', '.join(created)}")
        if rebuild:
            SyncState.objects.filter(pk=1).update(last_event_id=0)
        while True:
            total, started = 0, time.monotonic()
            while True:
                updated, done = sync(max_events=50000, force=rebuild)
                total += updated
                if done:
                    break
            if total or not follow:
                self.stdout.write(
                    f"{total} conversations updated in {time.monotonic() - started:.1f} s"
                )
            if not follow:
                return
            rebuild = False
            time.sleep(interval)
