"""Shared test helpers: tracker fixtures, running a custom action, the local services, and
the test tiers.

Tiers (README, "Tests"): a test that needs PostgreSQL or Redis is marked `services`, one
that starts a server `servers`, one that drives Chromium or the widget's toolchain
`browser`, one that needs nginx `cluster`. A test is marked by asking for a fixture that
provides such a thing (the tables below), or by its module. `make test-fast` runs the
rest with TEST_TIER=fast, where a test that reaches PostgreSQL or Redis or starts one of
the project's servers anyway fails and names the marker it lacks.
"""

import asyncio
import json
import os
import shutil
import socket
import subprocess
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

# fixture -> the markers of every test that uses it (directly or through another fixture)
TIER_FIXTURES = {
    "redis_url": ["services"],
    "redis_client": ["services"],
    "database_url": ["services"],
    "postgres_database": ["services"],
    "postgres_tracker_url": ["services"],
    "django_db_setup": ["services"],
    "servers": ["servers"],
    "all_servers": ["servers"],
    "assistant_stores": ["servers"],
    "server_url": ["servers"],
    "cluster": ["servers", "cluster"],
    "nginx": ["cluster"],
    "browser": ["browser"],
}
# Modules whose tests start a process that must answer (the socket.io channel's server).
TIER_MODULES = {
    "tests/channels/test_socketio_channel.py": ["servers"],
    "tests/console/test_browser.py": ["browser"],
}
SERVICE_PORTS = {5432: "PostgreSQL", 6379: "Redis"}
SERVER_COMMANDS = (
    "run_rasa.sh",
    "run_actions.sh",
    "run_web.sh",
    "run_console.sh",
    "run_cluster.sh",
    "nginx",
)


def pytest_report_header(config):
    """Conditions that change what runs, said at the start of every session."""
    if shutil.which("docker") is None:
        return [
            "docker: not installed; the tests marked `docker` (Compose's check of "
            "deploy/) are skipped"
        ]
    return []


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = Path(str(item.fspath)).relative_to(ROOT).as_posix()
        names = set(TIER_MODULES.get(path, []))
        for fixture in item.fixturenames:
            names.update(TIER_FIXTURES.get(fixture, []))
        for name in sorted(names):
            item.add_marker(name)


@pytest.fixture(autouse=True)
def _fast_tier_guard(request, monkeypatch):
    """With TEST_TIER=fast, reaching PostgreSQL or Redis or starting a server fails."""
    if os.environ.get("TEST_TIER") != "fast":
        return

    def lacking(marker: str, what: str) -> None:
        pytest.fail(f"{request.node.nodeid} {what} but is not marked `{marker}`", pytrace=False)

    import psycopg2

    real_connect, real_socket_connect = psycopg2.connect, socket.socket.connect

    def psycopg2_connect(*args: Any, **kwargs: Any) -> Any:
        lacking("services", "connects to PostgreSQL")
        return real_connect(*args, **kwargs)

    def socket_connect(self: socket.socket, address: Any) -> Any:
        if isinstance(address, tuple) and len(address) >= 2 and address[1] in SERVICE_PORTS:
            lacking("services", f"connects to {SERVICE_PORTS[address[1]]}")
        return real_socket_connect(self, address)

    class GuardedPopen(subprocess.Popen):
        def __init__(self, args: Any, *rest: Any, **kwargs: Any) -> None:
            command = " ".join(map(str, args)) if isinstance(args, (list, tuple)) else str(args)
            if any(name in command for name in SERVER_COMMANDS):
                lacking("servers", f"starts {command}")
            super().__init__(args, *rest, **kwargs)

    monkeypatch.setattr(psycopg2, "connect", psycopg2_connect)
    monkeypatch.setattr(socket.socket, "connect", socket_connect)
    monkeypatch.setattr(subprocess, "Popen", GuardedPopen)


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
        pytest.fail(
            f"Redis at {url} is not available ({error}); start it with scripts/ensure_services.sh",
            pytrace=False,
        )
    return client


def require_postgres(url: Any, **engine_options: Any) -> Engine:
    """An engine on the PostgreSQL at `url`; fails the test loudly when it does not answer."""
    engine = create_engine(url, **engine_options)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:
        engine.dispose()
        pytest.fail(
            f"PostgreSQL at {url} is not available ({error}); start it with "
            "scripts/ensure_services.sh",
            pytrace=False,
        )
    return engine
