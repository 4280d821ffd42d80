"""Old conversation ids are renamed to channel-scoped ones, once, on SQLite and PostgreSQL."""

import json
import subprocess
import uuid

import pytest
from sqlalchemy import create_engine, text

from actions import store
from assistant.conversation_ids import migrate
from tables import create_tables
from tests.conftest import require_postgres

OLD = {  # old sender id -> channel of its messages
    "919876543210": "whatsapp",
    "whatsapp:+919812345678": "twilio_whatsapp",
    "0123456789abcdef0123456789abcdef": "socketio",
    "tester": "rest",
}


def seed(engine) -> None:
    from rasa.core.tracker_store import SQLTrackerStore

    SQLTrackerStore.Base.metadata.create_all(engine)
    create_tables(engine)
    with engine.begin() as connection:
        for sender, channel in OLD.items():
            for n, kind in enumerate(["action", "user", "bot", "user"]):
                data = {"event": kind, "timestamp": n}
                if kind == "user":
                    data["input_channel"] = channel
                connection.execute(
                    text(
                        "INSERT INTO events (sender_id, type_name, timestamp, data) "
                        "VALUES (:s, :t, :ts, :d)"
                    ),
                    {"s": sender, "t": kind, "ts": n, "d": json.dumps(data)},
                )
        connection.execute(
            text(
                "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES "
                "('api-made', 'user', 1, '{\"event\": \"user\"}')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES "
                "('whatsapp:919000000001', 'user', 1, '{\"input_channel\": \"whatsapp\"}')"
            )
        )
    store.save_request(
        {
            "sender_id": "919876543210",
            "channel": "whatsapp",
            "patient_name": "A",
            "phone": "+919876543210",
            "preferred_time": "t",
            "reason": "r",
        },
        url=str(engine.url),
    )


def senders(engine, table):
    with engine.connect() as connection:
        return sorted(r[0] for r in connection.execute(text(f"SELECT sender_id FROM {table}")))


def check(engine) -> None:
    seed(engine)
    first = migrate(engine)
    assert first == {"conversations": 4, "events": 16, "appointment_requests": 1}
    assert set(senders(engine, "events")) == {
        "whatsapp:919876543210",
        "twilio_whatsapp:whatsapp:+919812345678",
        "socketio:0123456789abcdef0123456789abcdef",
        "rest:tester",
        "api-made",
        "whatsapp:919000000001",
    }
    assert senders(engine, "appointment_requests") == ["whatsapp:919876543210"]
    before = senders(engine, "events")
    assert migrate(engine) == {"conversations": 0, "events": 0, "appointment_requests": 0}
    assert senders(engine, "events") == before


def test_sqlite(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'assistant.db'}", future=True)
    check(engine)


@pytest.fixture
def postgres_url():
    name = f"assistant_ids_{uuid.uuid4().hex[:8]}"
    require_postgres("postgresql://postgres@127.0.0.1:5432/postgres").dispose()
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    store.engine_for.cache_clear()
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--force", name], check=True)


@pytest.mark.services
def test_postgresql(postgres_url):
    engine = create_engine(postgres_url, future=True)
    try:
        check(engine)
    finally:
        engine.dispose()
