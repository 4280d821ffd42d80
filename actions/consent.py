"""The `consents` table: each patient's consent to the privacy notice, as the DPDP Act asks.

One row per consent given in a conversation, before the assistant collects a name or a
phone number: which notice the patient saw (NOTICE_VERSION), when, on which channel,
for which purpose, in which language, and whether a parent or guardian gave it for a
child. A refusal is not stored (nothing about the patient is kept when they decline).
The table lives beside `appointment_requests` (DATABASE_URL) so that the staff console
can show it, and is created only by `python -m actions.schema`, never on a first write:
a missing table is an error of the deployment, reported as such.
"""
from datetime import datetime, timezone
from typing import Optional

from sqlalchemy import (Boolean, Column, DateTime, Integer, MetaData, String, Table, delete,
                        func, insert, inspect, select)
from sqlalchemy.engine import Engine

from actions.store import database_url, engine_for

# Bump when the notice's wording changes in substance (domain/privacy.yml), so that each
# record says which text the patient agreed to.
NOTICE_VERSION = "2026-01"
PURPOSE_APPOINTMENT = "appointment_request"
GIVEN_BY_PATIENT, GIVEN_BY_GUARDIAN = "patient", "guardian"

metadata = MetaData()  # not actions.store.Base: that one is created on first use
consents = Table(
    "consents", metadata,
    Column("id", Integer, primary_key=True),
    Column("conversation_id", String(255), nullable=False, index=True),
    Column("channel", String(64), nullable=False),
    Column("purpose", String(64), nullable=False),
    Column("notice_version", String(32), nullable=False),
    Column("language", String(16), nullable=False),
    Column("given_by", String(16), nullable=False),     # patient | guardian
    Column("for_child", Boolean, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, index=True),
)


class ConsentTableMissing(RuntimeError):
    """`consents` does not exist: run `python -m actions.schema`."""


def create_table(engine: Engine) -> bool:
    """Create `consents` if it is missing; True when it was created."""
    existed = inspect(engine).has_table("consents")
    metadata.create_all(engine, tables=[consents])
    return not existed


def record(conversation_id: str, channel: str, language: str, for_child: bool,
           purpose: str = PURPOSE_APPOINTMENT, url: Optional[str] = None) -> int:
    """Store one consent; returns its id."""
    engine = engine_for(url or database_url())
    if not inspect(engine).has_table("consents"):
        raise ConsentTableMissing("the consents table is missing: run python -m actions.schema")
    row = {"conversation_id": conversation_id, "channel": (channel or "")[:64],
           "purpose": purpose, "notice_version": NOTICE_VERSION,
           "language": (language or "en")[:16],
           "given_by": GIVEN_BY_GUARDIAN if for_child else GIVEN_BY_PATIENT,
           "for_child": bool(for_child), "recorded_at": datetime.now(timezone.utc)}
    with engine.begin() as connection:
        return int(connection.execute(insert(consents).values(**row)).inserted_primary_key[0])


def count_for(conversation_id: str, url: Optional[str] = None) -> int:
    engine = engine_for(url or database_url())
    if not inspect(engine).has_table("consents"):
        return 0
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(consents).where(
            consents.c.conversation_id == conversation_id)).scalar() or 0)


def delete_for(conversation_id: str, url: Optional[str] = None) -> int:
    """Erase a conversation's consent records; returns how many."""
    engine = engine_for(url or database_url())
    if not inspect(engine).has_table("consents"):
        return 0
    with engine.begin() as connection:
        return connection.execute(delete(consents).where(
            consents.c.conversation_id == conversation_id)).rowcount
