"""Helpers for the console tests: a tracker store with Rasa's `events` schema filled
event by event (for cases real conversations cannot produce, such as old timestamps),
and staff accounts."""

import itertools
import json
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, List, Optional

from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import override_settings
from sqlalchemy import create_engine, text

EVENTS_DDL = """CREATE TABLE IF NOT EXISTS events (
  id INTEGER NOT NULL PRIMARY KEY, sender_id VARCHAR(255) NOT NULL,
  type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255),
  action_name VARCHAR(255), data TEXT)"""
PASSWORD = "a long test password 1"
_names = itertools.count()


def create_tracker(url: str) -> None:
    """The `events` table as Rasa's SQLTrackerStore creates it, and the practice's
    appointment table as `python -m tables` creates it (not `consents`: the console works
    without it, and tests/console/test_consents.py creates its own)."""
    from tables import appointment_requests, metadata

    engine = create_engine(url, future=True)
    ddl = EVENTS_DDL
    if url.startswith("postgresql"):  # Rasa numbers PostgreSQL's events from a sequence
        ddl = ddl.replace("id INTEGER NOT NULL PRIMARY KEY", "id SERIAL PRIMARY KEY")
    with engine.begin() as connection:
        connection.execute(text(ddl))
        connection.execute(
            text("CREATE INDEX IF NOT EXISTS ix_events_sender_id ON events (sender_id)")
        )
    metadata.create_all(engine, tables=[appointment_requests])
    engine.dispose()


class Tracker:
    """Appends events the way Rasa writes them."""

    def __init__(self, url: str):
        self.url = url
        self.engine = create_engine(url, future=True)
        self.clock = time.time() - 3600

    def add(
        self,
        sender: str,
        type_name: str,
        data: dict,
        *,
        ts: Optional[float] = None,
        intent: Optional[str] = None,
        action: Optional[str] = None,
        event_id: Optional[int] = None,
    ) -> int:
        self.clock += 1
        ts = self.clock if ts is None else ts
        row = {
            "sender_id": sender,
            "type_name": type_name,
            "timestamp": ts,
            "intent_name": intent,
            "action_name": action,
            "data": json.dumps({"event": type_name, "timestamp": ts, **data}),
        }
        columns = "sender_id, type_name, timestamp, intent_name, action_name, data"
        values = ":sender_id, :type_name, :timestamp, :intent_name, :action_name, :data"
        if event_id is not None:
            row["id"], columns, values = event_id, "id, " + columns, ":id, " + values
        with self.engine.begin() as connection:
            result = connection.execute(
                text(f"INSERT INTO events ({columns}) VALUES ({values}) RETURNING id"), row
            )
            return result.scalar_one()

    def user(
        self,
        sender: str,
        message: str,
        intent: str = "greet",
        confidence: float = 0.99,
        red_flags: Optional[List[dict]] = None,
        channel: str = "rest",
        **kwargs,
    ) -> int:
        parse = {
            "intent": {"name": intent, "confidence": confidence},
            "entities": [],
            "text": message,
            "red_flags": red_flags or [],
        }
        if red_flags:
            level = "EMERGENCY" if any(f["level"] == "EMERGENCY" for f in red_flags) else "URGENT"
            parse["screened_intent"] = parse["intent"]
            parse["intent"] = {"name": f"red_flag_{level.lower()}", "confidence": 1.0}
        return self.add(
            sender,
            "user",
            {"text": message, "parse_data": parse, "input_channel": channel},
            intent=parse["intent"]["name"],
            **kwargs,
        )

    def bot(self, sender: str, message: str, **kwargs) -> int:
        return self.add(sender, "bot", {"text": message, "data": {}, "metadata": {}}, **kwargs)

    def action(self, sender: str, name: str, **kwargs) -> int:
        return self.add(
            sender,
            "action",
            {"name": name, "policy": "RulePolicy", "confidence": 1.0},
            action=name,
            **kwargs,
        )

    def slot(self, sender: str, name: str, value: Any, **kwargs) -> int:
        return self.add(sender, "slot", {"name": name, "value": value}, action=name, **kwargs)

    def turn(self, sender: str, message: str, reply: str = "ok", **kwargs) -> int:
        """A patient message with the bot's answer; returns the user event id."""
        ts = kwargs.pop("ts", None)
        event_id = self.user(sender, message, ts=ts, **kwargs)
        self.action(sender, "utter_x", ts=ts)
        self.bot(sender, reply, ts=ts)
        self.action(sender, "action_listen", ts=ts)
        return event_id

    def escalation(
        self,
        sender: str,
        message: str,
        level: str = "EMERGENCY",
        category: str = "bladder",
        **kwargs,
    ) -> int:
        """A red-flag message, its advice and the recorded escalation slots."""
        ts = kwargs.pop("ts", None)
        flags = [{"category": category, "level": level, "text": message}]
        event_id = self.user(sender, message, intent="inform", red_flags=flags, ts=ts, **kwargs)
        self.action(sender, f"utter_{level.lower()}_advice", ts=ts)
        self.bot(sender, "Please get help now.", ts=ts)
        self.action(sender, "action_record_escalation", ts=ts)
        self.slot(sender, "escalation_level", level, ts=ts)
        self.slot(sender, "escalation_categories", [category], ts=ts)
        return event_id

    def appointment(self, sender: str, name: str = "Meena Gupta") -> int:
        from datetime import datetime, timezone

        with self.engine.begin() as connection:
            return connection.execute(
                text(
                    "INSERT INTO appointment_requests (created_at, sender_id, channel, "
                    "patient_name, phone, preferred_time, reason, status) "
                    "VALUES (:c, :s, 'rest', :n, '+919810012345', 'friday', 'back pain', 'new') "
                    "RETURNING id"
                ),
                {"c": datetime.now(timezone.utc), "s": sender, "n": name},
            ).scalar_one()

    def count(self, sql: str, **params) -> int:
        with self.engine.connect() as connection:
            return connection.execute(text(sql), params).scalar()


@contextmanager
def tracker_at(directory: Path) -> Iterator["Tracker"]:
    """An empty SQLite tracker store that the console reads meanwhile."""
    url = f"sqlite:///{directory / 'tracker.db'}"
    create_tracker(url)
    with override_settings(TRACKER_DATABASE_URL=url):
        yield Tracker(url)


@contextmanager
def tracker_on(url: str) -> Iterator["Tracker"]:
    """The tracker store at `url` (a scratch PostgreSQL database), emptied afterwards."""
    create_tracker(url)
    store = Tracker(url)
    try:
        with override_settings(TRACKER_DATABASE_URL=url):
            yield store
    finally:
        with store.engine.begin() as connection:
            for table in ("events", "appointment_requests", "consents", "callback_requests"):
                connection.execute(text(f"DROP TABLE IF EXISTS {table}"))
        store.engine.dispose()


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with test-sized cost (the tests create many accounts)."""

    time_cost, memory_cost, parallelism = 1, 64, 1


def make_user(role: str, username: Optional[str] = None):
    from console.staff.models import User

    return User.objects.create_user(
        username or f"{role}-{next(_names)}", password=PASSWORD, role=role
    )
