#!/usr/bin/env python
"""Staff console with a large tracker store: page times with 100,000 conversations (the
conversation list, a transcript, the escalation worklist and its JSON).

Recreates the PostgreSQL database `console_bench` (127.0.0.1:5432, user postgres),
fills Rasa's `events` table (the SQLTrackerStore schema) with synthetic conversations
by COPY, runs what scripts/run_console.sh runs (migrate, the tracker indexes,
sync_conversations, clearsessions), then times console pages with Django's test
client signed in as an admin, and writes docs/bench-console.md. The synthetic
conversations are load/console_data.py's, the report load/console_report.py's.

    .venv/bin/python bench/bench_console.py                      # 100,000 conversations
    .venv/bin/python bench/bench_console.py --conversations 2000 --out -
"""

import argparse
import atexit
import csv
import datetime
import io
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, List, Tuple

ROOT = Path(__file__).resolve().parents[1]
# BENCH_CONSOLE_DB: another database name, e.g. for two runs side by side
DB = os.environ.get("BENCH_CONSOLE_DB", "console_bench")
URL = f"postgresql://postgres@127.0.0.1:5432/{DB}"
VAR = tempfile.mkdtemp(prefix="console-bench-")  # not the project's var/
atexit.register(shutil.rmtree, VAR, ignore_errors=True)
os.environ.update(
    DATABASE_URL=URL,
    DJANGO_SETTINGS_MODULE="console.settings",
    PYTHONPATH=str(ROOT),
    CONSOLE_VAR_DIR=VAR,
    SQLALCHEMY_SILENCE_UBER_WARNING="1",
    DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or uuid.uuid4().hex * 2,
)

import psycopg2  # noqa: E402
from load.console_data import DAYS, conversation, staff_data  # noqa: E402  (bench/ is on sys.path)
from load.console_report import machine, report  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402


def recreate_database():
    admin = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {DB}")
    admin.close()


def fill(count: int) -> int:
    """`count` conversations over the last DAYS days, ids in time order; returns events."""
    from rasa.core.tracker_store import SQLTrackerStore

    from tables import create_tables

    engine = create_engine(URL, future=True)
    SQLTrackerStore.SQLEvent.metadata.create_all(engine)  # as Rasa creates it
    create_tables(engine)
    rng, now, next_id = random.Random(42), time.time(), 1
    raw = engine.raw_connection()
    with raw.cursor() as cursor:
        for day in range(DAYS):
            n = count // DAYS + (day < count % DAYS)
            day_start = now - (DAYS - day) * 86400
            rows = [
                r
                for _ in range(n)
                for r in conversation(rng, day_start + rng.uniform(0, 86400 - 3600)).rows
            ]
            rows.sort(key=lambda r: r[0])
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for ts, sender, type_name, intent, action, data in rows:
                writer.writerow([next_id, sender, type_name, ts, intent, action, json.dumps(data)])
                next_id += 1
            buffer.seek(0)
            cursor.copy_expert(
                "COPY events (id, sender_id, type_name, timestamp, intent_name, "
                "action_name, data) FROM STDIN WITH (FORMAT csv)",
                buffer,
            )
        cursor.execute("SELECT setval(pg_get_serial_sequence('events', 'id'), max(id)) FROM events")
        cursor.execute("ANALYZE events")
    raw.commit()
    raw.close()
    engine.dispose()
    return next_id - 1


def manage(*args) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "console/manage.py"), *args], check=True, cwd=ROOT)
    return time.perf_counter() - started


def vacuum():
    """What autovacuum does soon after the first sync (it is off on some servers)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in (
            "staff_conversation",
            "staff_escalation",
            "staff_conversationtag",
            "analytics_conversationfacts",
            "analytics_dailycounts",
            "analytics_feedback",
            "analytics_firstfollowup",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")


def indexes_used(queries) -> list:
    """Index names in the plans of the SELECTs on the conversation and events tables."""
    from django.db import connection

    names = []
    with connection.cursor() as cursor:
        for sql, params in queries:
            if sql.startswith("SELECT") and any(
                table in sql
                for table in (
                    'FROM "staff_conversation"',
                    "FROM events",
                    'FROM "analytics_',
                    'FROM "staff_escalation"',
                )
            ):
                cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
                plan = json.dumps(cursor.fetchone()[0])
                found = [part.split('"')[0] for part in plan.split('"Index Name": "')[1:]]
                names += [n for n in found if n not in names]
    return names


def page_cases() -> list:
    """(name, filters to POST, or None for a plain URL, path) of the pages timed."""
    from console.staff.models import Conversation

    deep = max(1, Conversation.objects.count() // 50 // 2)
    today = datetime.date.today()
    year = f"from={today - datetime.timedelta(days=DAYS)}&to={today}"
    transcript = (
        Conversation.objects.filter(escalation_level="EMERGENCY")
        .order_by("-message_count", "id")
        .first()
        or Conversation.objects.first()
    )
    return [
        ("list, page 1", {}, "/conversations/"),
        (f"list, page {deep} (offset {(deep - 1) * 50:,})", {}, f"/conversations/?page={deep}"),
        (
            "filter: EMERGENCY, awaiting follow-up",
            {"level": "EMERGENCY", "followup": "open"},
            "/conversations/",
        ),
        ('search "bladder" (rare word)', {"q": "bladder"}, "/conversations/"),
        ('search "kyphoplasty" (common word)', {"q": "kyphoplasty"}, "/conversations/"),
        (
            "filter: one month, 3 months ago",
            {
                "date_from": today - datetime.timedelta(days=90),
                "date_to": today - datetime.timedelta(days=61),
            },
            "/conversations/",
        ),
        (
            f"transcript ({transcript.message_count} patient messages, escalated)",
            None,
            f"/conversations/{transcript.pk}/",
        ),
        ("worklist (open escalations, oldest first)", {}, "/worklist/"),
        ("worklist JSON (what the open page polls)", {}, "/worklist/items.json"),
        (
            "worklist: EMERGENCY, overdue, unclaimed",
            {},
            "/worklist/?level=EMERGENCY&overdue=on&owner=unclaimed",
        ),
        ("analytics, last 30 days (the default)", None, "/analytics/"),
        ("analytics, 365 days", None, f"/analytics/?{year}"),
        (
            "analytics CSV: conversations per day by channel, 365 days",
            None,
            f"/analytics/export.csv?table=per_day_channel&{year}",
        ),
    ]


def fetch(client, path: str):
    """The response and its whole body (a CSV export streams)."""
    response = client.get(path)
    if response.streaming:
        return response, b"".join(response.streaming_content)
    return response, response.content


def time_pages(client, cases, repeat: int) -> list:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from console.staff.models import Conversation

    results = []
    for name, filters, path in cases:
        if filters is not None:  # the console keeps filters in the session
            client.post("/conversations/", {"reset": "1"})
            if filters:
                client.post("/conversations/", {"apply": "1", **filters})
        for _ in range(2):  # warm up
            assert fetch(client, path)[0].status_code == 200, path
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            response, body = fetch(client, path)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, path
        with CaptureQueriesContext(connection) as captured:
            fetch(client, path)
        queries: List[Tuple[str, Any]] = [
            (q["sql"].replace("%", "%%"), ()) for q in captured.captured_queries
        ]
        if path.startswith("/conversations/") and filters is None:
            # the transcript reads the events through SQLAlchemy
            sender = Conversation.objects.get(pk=path.split("/")[2]).sender_id
            queries.append(
                ("SELECT * FROM events WHERE sender_id IN (%s) ORDER BY sender_id, id", [sender])
            )
        shown = body.decode()
        rows = shown.split("<caption>")[1].split(" conversation")[0] if "<caption>" in shown else ""
        if 'id="summary"' in shown:  # the analytics page: conversations in the range
            rows = shown.split('id="summary"')[1].split("<strong>")[1].split("</strong>")[0]
        elif path.startswith("/analytics/export"):
            rows = str(body.count(b"\n") - 1)  # days in the CSV
        rows = f"{int(rows):,}" if rows.isdigit() else "–"
        results.append(
            {
                "name": name,
                "rows": rows,
                "median": statistics.median(times),
                "p95": sorted(times)[max(0, round(0.95 * len(times)) - 1)],
                "queries": len(captured),
                "indexes": indexes_used(queries),
            }
        )
        print(
            f"{name:<50} {rows:>7} {results[-1]['median']:6.1f} ms  "
            f"p95 {results[-1]['p95']:6.1f} ms"
        )
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--out", default=str(ROOT / "docs/bench-console.md"), help="'-' for stdout")
    args = parser.parse_args()
    started = time.perf_counter()
    recreate_database()
    timings = {}
    t = time.perf_counter()
    events = fill(args.conversations)
    timings["fill"] = time.perf_counter() - t
    print(
        f"filled {args.conversations:,} conversations, {events:,} events in {timings['fill']:.0f} s"
    )
    timings["migrate"] = manage("migrate", "--noinput", "-v", "0")
    timings["indexes"] = manage("ensure_tracker_indexes")
    timings["sync"] = manage("sync_conversations")
    timings["resync"] = manage("sync_conversations")
    manage("clearsessions")

    import django

    django.setup()
    from django.test import Client

    from console.staff.models import ADMIN, Conversation, User

    staff_data()
    escalated = Conversation.objects.exclude(escalation_level="")
    counts = {
        "conversations": Conversation.objects.count(),
        "events": events,
        "escalated": escalated.count(),
        "emergency": escalated.filter(escalation_level="EMERGENCY").count(),
        "open": Conversation.objects.filter(needs_followup=True).count(),
    }
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.create(username="bench-admin", role=ADMIN))
    cases = page_cases()
    print("just synced:")
    loads = [os.getloadavg()[0]]
    fresh = time_pages(client, cases, args.repeat)
    vacuum()
    print("vacuumed:")
    loads.append(os.getloadavg()[0])
    steady = time_pages(client, cases, args.repeat)
    loads.append(os.getloadavg()[0])
    timings["load"] = max(loads)
    timings["total"] = time.perf_counter() - started
    text = report(args, counts, timings, fresh, steady, machine())
    if args.out == "-":
        print(text)
    else:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
