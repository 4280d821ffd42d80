"""The SQL tables the action server writes and the staff console reads (appointment
requests, consents, call-back numbers), defined once, and the one command that creates them.

    python -m tables        # create the missing tables in DATABASE_URL (idempotent)

`make run`, the test servers (harness/servers.py), `make run-cluster` and the compose
deployment (both through cluster/prepare.py) run it before the action server starts:
saving a request never creates a table. Rasa's own `events` table is Rasa's
(SQLTrackerStore creates it). Imports only SQLAlchemy, so that every process can use it.
"""

import sys
from typing import Union

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    inspect,
)
from sqlalchemy.engine import Engine

from settings import database_url

metadata = MetaData()

#: One request from the assistant's appointment form; the console changes only `status`.
appointment_requests = Table(
    "appointment_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("channel", String(64)),
    Column("patient_name", String(200), nullable=False),
    Column("phone", String(20), nullable=False),
    Column("preferred_time", String(200), nullable=False),
    Column("reason", Text, nullable=False),
    Column("status", String(16), nullable=False, default="new", index=True),
)

APPOINTMENT_STATUSES = ("new", "contacted", "booked", "closed")

#: One consent to the privacy notice given in a conversation (actions/consent.py writes it,
#: the console shows it read-only on the transcript). `sender_id` is the conversation id;
#: `granted` is False for a refusal or withdrawal (the chat stores no refusal: nothing about
#: a patient who declines is kept); `given_by` is "patient" or "guardian" (for a child).
consents = Table(
    "consents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("channel", String(64)),
    Column("purpose", String(64), nullable=False),
    Column("notice_version", String(32), nullable=False),
    Column("language", String(16)),
    Column("granted", Boolean, nullable=False),
    Column("given_by", String(16)),
    Column("for_child", Boolean),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
)

#: A phone number a web patient left after emergency or urgent advice so that the clinic can
#: call back (actions/callback.py writes it after the consent to the offer's notice, whose
#: `consents` row is `consent_id`); the console's worklist shows it, masked by role.
#: WhatsApp patients are reached on their WhatsApp number and leave none here.
callback_requests = Table(
    "callback_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("channel", String(64)),
    Column("phone", String(20), nullable=False),
    Column("language", String(16)),
    Column("level", String(16)),
    Column("consent_id", Integer),
)


def create_tables(target: Union[str, Engine]) -> list:
    """Create the tables missing in the database at `target` (a URL or an engine); returns
    the names created."""
    engine = create_engine(target, future=True) if isinstance(target, str) else target
    try:
        missing = [t.name for t in metadata.sorted_tables if not inspect(engine).has_table(t.name)]
        metadata.create_all(engine, checkfirst=True)
        return missing
    finally:
        if isinstance(target, str):
            engine.dispose()


def main() -> int:
    created = create_tables(database_url())
    if created:
        print(f"created tables: {', '.join(created)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
