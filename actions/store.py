"""The appointment-request table, in the same SQL database as the conversations.

DATABASE_URL (SQLAlchemy URL; its default is settings.py's) selects the database: SQLite
by default, PostgreSQL in production. The staff console reads this table.
"""
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Dict, Optional

from sqlalchemy import Column, DateTime, Integer, String, Text, create_engine, insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import declarative_base

from settings import database_url

Base = declarative_base()


class AppointmentRequest(Base):
    """One request from the assistant's appointment form."""

    __tablename__ = "appointment_requests"
    id = Column(Integer, primary_key=True)
    created_at = Column(DateTime(timezone=True), nullable=False, index=True)
    sender_id = Column(String(255), nullable=False, index=True)
    channel = Column(String(64))
    patient_name = Column(String(200), nullable=False)
    phone = Column(String(20), nullable=False)
    preferred_time = Column(String(200), nullable=False)
    reason = Column(Text, nullable=False)
    status = Column(String(16), nullable=False, default="new", index=True)


@lru_cache(maxsize=4)
def engine_for(url: str) -> Engine:
    """One engine per database URL; creates the table on first use."""
    engine = create_engine(url, pool_pre_ping=True, future=True)
    Base.metadata.create_all(engine)
    return engine


def save_request(fields: Dict[str, Any], url: Optional[str] = None) -> int:
    """Insert a request and return its id."""
    row = {**fields, "created_at": datetime.now(timezone.utc), "status": "new"}
    with engine_for(url or database_url()).begin() as connection:
        result = connection.execute(insert(AppointmentRequest.__table__).values(**row))
        return int(result.inserted_primary_key[0])
