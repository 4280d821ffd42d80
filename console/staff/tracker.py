"""Reading Rasa's tracker store (the `events` table of SQLTrackerStore) and the practice's
`appointment_requests` table, through SQLAlchemy and DATABASE_URL like Rasa itself.

The console writes to `events` only to erase (erasure and retention) and to add the
two indexes it needs; it changes only `status` in `appointment_requests`. It reads the
assistant's `consents` table when there is one.
"""

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from django.conf import settings
from sqlalchemy import DateTime, bindparam, create_engine, inspect, text
from sqlalchemy.engine import Engine

# (name, columns) of the indexes the console adds to Rasa's table. Rasa itself only
# indexes sender_id; transcripts read one sender in id order, retention by timestamp.
EVENT_INDEXES = [
    ("console_events_sender_id_id", "sender_id, id"),
    ("console_events_timestamp", "timestamp"),
]
APPOINTMENT_STATUSES = ["new", "contacted", "booked", "closed"]


@dataclass
class Event:
    id: int
    sender_id: str
    type_name: str
    timestamp: float
    intent_name: Optional[str]
    action_name: Optional[str]
    data: dict


@lru_cache(maxsize=8)
def _engine(url: str) -> Engine:
    options = (
        {"connect_args": {"timeout": 20}}
        if url.startswith("sqlite")
        else {"pool_pre_ping": True, "pool_size": 4}
    )
    return create_engine(url, future=True, **options)


def engine() -> Engine:
    return _engine(settings.TRACKER_DATABASE_URL)


def has_table(name: str) -> bool:
    return inspect(engine()).has_table(name)


def ensure_indexes() -> List[str]:
    """Create the console's indexes on `events` if missing; returns those created."""
    eng = engine()
    if not inspect(eng).has_table("events"):
        return []
    existing = {i["name"] for i in inspect(eng).get_indexes("events")}
    created = []
    postgres = eng.dialect.name == "postgresql"
    for name, columns in EVENT_INDEXES:
        if name in existing:
            continue
        how = "CONCURRENTLY " if postgres else ""  # do not block Rasa's writes
        with eng.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(
                text(f"CREATE INDEX {how}IF NOT EXISTS {name} ON events ({columns})")
            )
        created.append(name)
    return created


def max_event_id() -> int:
    with engine().connect() as connection:
        return connection.execute(text("SELECT max(id) FROM events")).scalar() or 0


def senders_after(floor: int, limit: Optional[int]) -> Tuple[Dict[str, int], int]:
    """{sender: highest id} for events with id > floor (at most `limit` events), and
    the highest id read."""
    sql = "SELECT id, sender_id FROM events WHERE id > :floor ORDER BY id"
    params = {"floor": floor}
    if limit:
        sql += " LIMIT :limit"
        params["limit"] = limit
    heads: Dict[str, int] = {}
    top = floor
    with engine().connect() as connection:
        for event_id, sender in connection.execute(text(sql), params):
            heads[sender] = event_id
            top = event_id
    return heads, top


def _event(row) -> Event:
    try:
        data = json.loads(row.data) if row.data else {}
    except ValueError:
        data = {}
    return Event(
        row.id,
        row.sender_id,
        row.type_name,
        row.timestamp or 0.0,
        row.intent_name,
        row.action_name,
        data,
    )


def events_of_senders(senders: Sequence[str]) -> Iterator[Tuple[str, List[Event]]]:
    """All events of each sender, in order, grouped by sender."""
    if not senders:
        return
    query = text(
        "SELECT id, sender_id, type_name, timestamp, intent_name, action_name, data "
        "FROM events WHERE sender_id IN :senders ORDER BY sender_id, id"
    ).bindparams(bindparam("senders", expanding=True))
    current = ""
    batch: List[Event] = []
    with engine().connect() as connection:
        for row in connection.execute(query, {"senders": list(senders)}):
            if row.sender_id != current and batch:
                yield current, batch
                batch = []
            current = row.sender_id
            batch.append(_event(row))
    if batch:
        yield current, batch


def events_of(sender_id: str) -> List[Event]:
    for _, events in events_of_senders([sender_id]):
        return events
    return []


def delete_sender(sender_id: str) -> int:
    """Erase every event of one sender; returns how many were deleted."""
    with engine().begin() as connection:
        return connection.execute(
            text("DELETE FROM events WHERE sender_id = :s"), {"s": sender_id}
        ).rowcount


def delete_before(cutoff: float) -> Tuple[List[str], int]:
    """Erase every event older than `cutoff` (epoch seconds); returns the senders
    touched and how many events were deleted."""
    with engine().begin() as connection:
        senders = [
            r[0]
            for r in connection.execute(
                text("SELECT DISTINCT sender_id FROM events WHERE timestamp < :c"), {"c": cutoff}
            )
        ]
        deleted = connection.execute(
            text("DELETE FROM events WHERE timestamp < :c"), {"c": cutoff}
        ).rowcount
    return senders, deleted


def count_before(cutoff: float) -> Tuple[int, int]:
    """(events, senders) older than `cutoff`."""
    with engine().connect() as connection:
        row = connection.execute(
            text("SELECT count(*), count(DISTINCT sender_id) FROM events WHERE timestamp < :c"),
            {"c": cutoff},
        ).one()
    return int(row[0]), int(row[1])


# --- appointment requests (the practice's table, written by the action server) ---

APPOINTMENT_COLUMNS = (
    "id, created_at, sender_id, channel, patient_name, phone, preferred_time, reason, status"
)


def _typed(sql: str, **datetimes):
    """A query whose time columns come back as datetimes: SQLite stores them as text,
    which a plain text() query hands over as a string."""
    return text(sql).columns(**{name: DateTime(timezone=True) for name in datetimes})


def _utc(value):
    """SQLite's stored times carry no zone; the writers store UTC."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


def _appointment_row(row) -> dict:
    values = dict(row._mapping)
    values["created_at"] = _utc(values["created_at"])
    return values


def appointments(status: Optional[str], offset: int, limit: int) -> Tuple[List[dict], int]:
    if not has_table("appointment_requests"):
        return [], 0
    where = "WHERE status = :status" if status else ""
    params = {"status": status, "offset": offset, "limit": limit}
    with engine().connect() as connection:
        total = connection.execute(
            text(f"SELECT count(*) FROM appointment_requests {where}"), params
        ).scalar()
        rows = connection.execute(
            _typed(
                f"SELECT {APPOINTMENT_COLUMNS} FROM appointment_requests {where} "
                "ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset",
                created_at=1,
            ),
            params,
        )
        return [_appointment_row(r) for r in rows], int(total or 0)


def appointment(request_id: int) -> Optional[dict]:
    if not has_table("appointment_requests"):
        return None
    with engine().connect() as connection:
        row = connection.execute(
            _typed(
                f"SELECT {APPOINTMENT_COLUMNS} FROM appointment_requests WHERE id = :id",
                created_at=1,
            ),
            {"id": request_id},
        ).first()
    return _appointment_row(row) if row else None


def appointment_names(sender_id: str) -> List[str]:
    """The names this sender gave in appointment requests (to hide them elsewhere)."""
    if not has_table("appointment_requests"):
        return []
    with engine().connect() as connection:
        return [
            r[0]
            for r in connection.execute(
                text("SELECT DISTINCT patient_name FROM appointment_requests WHERE sender_id = :s"),
                {"s": sender_id},
            )
            if r[0]
        ]


def set_appointment_status(request_id: int, status: str) -> None:
    if status not in APPOINTMENT_STATUSES:
        raise ValueError(status)
    with engine().begin() as connection:
        connection.execute(
            text("UPDATE appointment_requests SET status = :s WHERE id = :id"),
            {"s": status, "id": request_id},
        )


def delete_appointments_of(sender_id: str) -> int:
    if not has_table("appointment_requests"):
        return 0
    with engine().begin() as connection:
        return connection.execute(
            text("DELETE FROM appointment_requests WHERE sender_id = :s"), {"s": sender_id}
        ).rowcount


# --- consents (written by the assistant when a patient agrees to a notice; read only)

CONSENT_COLUMNS = "id, sender_id, channel, purpose, notice_version, language, granted, created_at"


def consents_of(sender_id: str) -> List[dict]:
    """The sender's consent records, oldest first; none on a database without the table."""
    if not has_table("consents"):
        return []
    with engine().connect() as connection:
        rows = connection.execute(
            _typed(
                f"SELECT {CONSENT_COLUMNS} FROM consents WHERE sender_id = :s "
                "ORDER BY created_at, id",
                created_at=1,
            ),
            {"s": sender_id},
        )
        return [
            {**r._mapping, "granted": bool(r.granted), "created_at": _utc(r.created_at)}
            for r in rows
        ]


def iter_chunks(items: Iterable[str], size: int) -> Iterator[List[str]]:
    chunk: List[str] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
