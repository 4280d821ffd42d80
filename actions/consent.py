"""Consents to the privacy notice, as the DPDP Act asks (table `consents`, tables.py).

One row per consent given in a conversation, before the assistant collects a name or a
phone number: which notice the patient saw (NOTICE_VERSION), when, on which channel,
for which purpose, in which language, and whether a parent or guardian gave it for a
child. A refusal is not stored (nothing about the patient is kept when they decline).
The table lives beside `appointment_requests` (DATABASE_URL) so that the staff console
can show it, and is created only by `python -m tables`, never on a first write: a
missing table is an error of the deployment, reported as such.
"""

from datetime import datetime, timezone
from typing import Optional

from sqlalchemy import delete, func, insert, inspect, select

from actions.store import engine_for
from settings import database_url
from tables import consents

# Bump when the notice's wording changes in substance (domain/privacy.yml), so that each
# record says which text the patient agreed to.
NOTICE_VERSION = "2026-01"
PURPOSE_APPOINTMENT = "appointment_request"
GIVEN_BY_PATIENT, GIVEN_BY_GUARDIAN = "patient", "guardian"


class ConsentTableMissing(RuntimeError):
    """`consents` does not exist: run `python -m tables`."""


def record(
    conversation_id: str,
    channel: str,
    language: str,
    for_child: bool,
    purpose: str = PURPOSE_APPOINTMENT,
    url: Optional[str] = None,
) -> int:
    """Store one consent; returns its id."""
    engine = engine_for(url or database_url())
    if not inspect(engine).has_table("consents"):
        raise ConsentTableMissing("the consents table is missing: run python -m tables")
    row = {
        "sender_id": conversation_id,
        "channel": (channel or "")[:64],
        "granted": True,
        "purpose": purpose,
        "notice_version": NOTICE_VERSION,
        "language": (language or "en")[:16],
        "given_by": GIVEN_BY_GUARDIAN if for_child else GIVEN_BY_PATIENT,
        "for_child": bool(for_child),
        "created_at": datetime.now(timezone.utc),
    }
    with engine.begin() as connection:
        return int(connection.execute(insert(consents).values(**row)).inserted_primary_key[0])


def count_for(conversation_id: str, url: Optional[str] = None) -> int:
    engine = engine_for(url or database_url())
    if not inspect(engine).has_table("consents"):
        return 0
    with engine.connect() as connection:
        return int(
            connection.execute(
                select(func.count())
                .select_from(consents)
                .where(consents.c.sender_id == conversation_id)
            ).scalar()
            or 0
        )


def delete_for(conversation_id: str, url: Optional[str] = None) -> int:
    """Erase a conversation's consent records; returns how many."""
    engine = engine_for(url or database_url())
    if not inspect(engine).has_table("consents"):
        return 0
    with engine.begin() as connection:
        return connection.execute(
            delete(consents).where(consents.c.sender_id == conversation_id)
        ).rowcount
