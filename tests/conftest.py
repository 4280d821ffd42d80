"""Shared test helpers: tracker fixtures, running a custom action, the local services."""
import asyncio
import json
import os
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import redis
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from tables import create_tables

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "trackers"


def load_tracker(name: str, **slots: Any) -> Tracker:
    """A tracker from tests/fixtures/trackers/<name>.json, with slots overridden."""
    state = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    state["slots"].update(slots)
    return Tracker.from_dict(state)


def run_action(action, tracker: Tracker, domain: Optional[Dict] = None):
    """Run a custom action; returns (events, messages the bot would say)."""
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, tracker, domain or {})
    if asyncio.iscoroutine(result):
        result = asyncio.run(result)
    return result, dispatcher.messages


def slot_events(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.fixture
def sqlite_url(tmp_path, monkeypatch):
    """DATABASE_URL of a new SQLite file with the practice's tables (`python -m tables`)."""
    url = f"sqlite:///{tmp_path / 'assistant.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    create_tables(url)
    return url


@pytest.fixture(autouse=True)
def _no_alert_webhook(monkeypatch):
    """Tests that want the practice alert set it themselves."""
    monkeypatch.delenv("PRACTICE_ALERT_WEBHOOK_URL", raising=False)
    monkeypatch.delenv("PRACTICE_ALERT_WEBHOOK_SECRET", raising=False)


POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def require_redis(url: str) -> redis.Redis:
    """A client of the Redis at `url`; fails the test loudly when it does not answer."""
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        client.close()
        pytest.fail(f"Redis at {url} is not available ({error}); start it with "
                    "scripts/ensure_services.sh", pytrace=False)
    return client


def require_postgres(url: Any, **engine_options: Any) -> Engine:
    """An engine on the PostgreSQL at `url`; fails the test loudly when it does not answer."""
    engine = create_engine(url, **engine_options)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:
        engine.dispose()
        pytest.fail(f"PostgreSQL at {url} is not available ({error}); start it with "
                    "scripts/ensure_services.sh", pytrace=False)
    return engine
