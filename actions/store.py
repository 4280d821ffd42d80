"""Saving appointment requests into the practice's table (tables.py), in the same SQL
database as the conversations.

DATABASE_URL (SQLAlchemy URL; its default is settings.py's) selects the database: SQLite
by default, PostgreSQL in production. The table is created beforehand by `python -m tables`
(`make run`, the cluster's and the deployment's prepare step), never here: a missing table
is an error that the appointment form reports to the patient.
"""

from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Dict, Optional

from sqlalchemy import create_engine, insert
from sqlalchemy.engine import Engine

from settings import database_url
from tables import appointment_requests, metadata


class Base:
    """The tables' metadata under its former name, for tests/console/helpers.py, which
    creates the table with `Base.metadata.create_all` (tables.create_tables does it now)."""

    metadata = metadata


@lru_cache(maxsize=4)
def engine_for(url: str) -> Engine:
    """One engine per database URL."""
    return create_engine(url, pool_pre_ping=True, future=True)


def save_request(fields: Dict[str, Any], url: Optional[str] = None) -> int:
    """Insert a request and return its id."""
    row = {**fields, "created_at": datetime.now(timezone.utc), "status": "new"}
    with engine_for(url or database_url()).begin() as connection:
        result = connection.execute(insert(appointment_requests).values(**row))
        return int(result.inserted_primary_key[0])
