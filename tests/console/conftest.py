"""Django set-up for the console tests (no pytest plugin needed).

The console's own tables live in a throw-away PostgreSQL database (as in production);
each test runs in a transaction that is rolled back. The tracker store a test reads is
chosen with the `tracker` fixture (a SQLite file, or a PostgreSQL database).
"""

import atexit
import os
import shutil
import subprocess
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import pytest

from tests.console import helpers

VAR_DIR = tempfile.mkdtemp(prefix="console-var-")
atexit.register(shutil.rmtree, VAR_DIR, ignore_errors=True)

import django  # noqa: E402
from django.conf import settings  # noqa: E402

# The console's settings read the environment once, here. The test values are not left in
# os.environ, so servers that other test packages start with a copy of it never see them.
TEST_ENV = {
    "DJANGO_SETTINGS_MODULE": "console.settings",
    "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or f"tests-{uuid.uuid4().hex}",
    "CONSOLE_VAR_DIR": VAR_DIR,
    "CONSOLE_DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/console_{uuid.uuid4().hex[:8]}",
}
with mock.patch.dict(os.environ, TEST_ENV):
    # Django's logging set-up closes every existing log handler, and the handler that
    # TensorFlow's absl installs (imported by the Rasa tests) closes pytest's captured
    # stderr with it. The console's logging is not under test here: leave it alone.
    settings.LOGGING_CONFIG = None
    django.setup()
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    setup_databases,
    setup_test_environment,
    teardown_databases,
    teardown_test_environment,
)

settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
# Never the developer's var/assistant.db: tests choose their tracker store explicitly.
settings.TRACKER_DATABASE_URL = f"sqlite:///{VAR_DIR}/assistant.db"
# Still Argon2, with cheap parameters: the production ones cost ~0.3 s per hash.
settings.PASSWORD_HASHERS = ["tests.console.helpers.QuickArgon2PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup():
    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False)
    yield
    teardown_databases(old, verbosity=0)
    teardown_test_environment()


@pytest.fixture(scope="module")
def module_db(django_db_setup):
    """A transaction around a whole module, for data shared by its tests."""
    atomic = transaction.atomic()
    atomic.__enter__()
    try:
        yield
    finally:
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture
def db(django_db_setup, monkeypatch):
    """The console database, rolled back after the test; sync never throttled."""
    from console.staff import sync

    monkeypatch.setattr(sync, "_last_run", 0.0)
    monkeypatch.setattr(sync, "sync_quietly", _sync_now)
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _sync_now(min_interval=0.0):
    from console.staff.sync import sync

    while not sync(settings.CONSOLE_SYNC_MAX_EVENTS)[1]:
        pass


@pytest.fixture
def tracker(tmp_path):
    """An empty SQLite tracker store with Rasa's schema, used by the console."""
    with helpers.tracker_at(tmp_path) as store:
        yield store


@pytest.fixture(scope="session")
def postgres_scratch_url():
    """A fresh PostgreSQL database for tracker stores that tests fill and empty."""
    name = f"console_scratch_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    from console.staff import tracker as store

    store._engine.cache_clear()
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--force", name], check=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_tracker(request, tmp_path):
    """An empty tracker store on SQLite, then on PostgreSQL (the test runs twice)."""
    if request.param == "sqlite":
        with helpers.tracker_at(tmp_path) as store:
            yield store
    else:
        with helpers.tracker_on(request.getfixturevalue("postgres_scratch_url")) as store:
            yield store


@pytest.fixture
def staff(db):
    """One user per role, and a client signed in as each."""
    return {role: helpers.make_user(role) for role in ("reviewer", "clinician", "admin")}


@pytest.fixture
def client_for(staff):
    def signed_in(role, **kwargs):
        client = Client(HTTP_HOST="localhost", REMOTE_ADDR="10.1.2.3", **kwargs)
        if role:
            client.force_login(staff[role])
        return client

    return signed_in


@pytest.fixture(scope="session")
def postgres_tracker_url():
    """A fresh PostgreSQL database for a tracker store, dropped at the end."""
    name = f"console_tracker_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    from console.staff import tracker as store

    store._engine.cache_clear()
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--force", name], check=True)


# --- conversations made by the real assistant (slow: each run starts Rasa) ---

CONVERSATIONS = {
    "c-faq": ["hello", "what is kyphoplasty"],
    "c-emergency": ["hello", "my legs are going weak", "thanks"],
    "c-urgent": ["mujhe bukhar hai aur kamar dard"],
    "c-xss": ["<script>alert(1)</script>"],
    # nonsense the classifier cannot place; which of them falls back depends on the model,
    # so the tests read the predictions (fallback_texts) and need at least one
    "c-fallback": ["zxcvbnm", "xyzzy plugh", "qwzx vbnm plk"],
    "c-triage": ["I have back pain", "/affirm"],
    "c-appointment": [
        "I want to book an appointment",
        "yes",
        "Meena Gupta",
        "12345",
        "+91 98100 12345",
        "friday evening",
        "osteoporosis fracture consultation",
        "/affirm",
    ],
}


def predictions(url: str) -> dict:
    """{sender: [(text, intent the classifier predicted)]} straight from the events."""
    import json

    from sqlalchemy import create_engine, text

    engine = create_engine(url, future=True)
    found: dict = {}
    with engine.connect() as connection:
        for sender, data in connection.execute(
            text("SELECT sender_id, data FROM events WHERE type_name = 'user' ORDER BY id")
        ):
            parse = json.loads(data).get("parse_data") or {}
            intent = (parse.get("screened_intent") or parse.get("intent") or {}).get("name")
            sender = sender[len("rest:") :] if sender.startswith("rest:") else sender
            found.setdefault(sender, []).append((json.loads(data).get("text"), intent))
    engine.dispose()
    return found


def fallback_texts(url: str) -> list:
    """c-fallback's messages that the assistant answered as a fallback (at least one)."""
    texts = [t for t, intent in predictions(url)["c-fallback"] if intent == "nlu_fallback"]
    assert texts, f"no message of c-fallback fell back: {predictions(url)['c-fallback']}"
    return texts


def _talk(directory, url):
    """Send CONVERSATIONS through the trained assistant storing into `url`."""
    from tests.servers import assistant_servers

    with assistant_servers(directory, extra_env={"DATABASE_URL": url}) as servers:
        return {
            sender: [servers.say(sender, text) for text in messages]
            for sender, messages in CONVERSATIONS.items()
        }


@pytest.fixture(scope="session")
def assistant_stores(tmp_path_factory, postgres_tracker_url):
    """{"sqlite"|"postgresql": (url, replies)}: both assistants run side by side, as
    starting one takes most of a minute."""
    directory = tmp_path_factory.mktemp("assistant-sqlite")
    jobs = {
        "sqlite": (directory, f"sqlite:///{directory / 'assistant.db'}"),
        "postgresql": (tmp_path_factory.mktemp("assistant-pg"), postgres_tracker_url),
    }
    with ThreadPoolExecutor(max_workers=2) as pool:
        started = {name: pool.submit(_talk, *job) for name, job in jobs.items()}
        return {name: (jobs[name][1], future.result()) for name, future in started.items()}


@pytest.fixture(scope="session")
def assistant_store_sqlite(assistant_stores):
    return assistant_stores["sqlite"]


@pytest.fixture(scope="session")
def assistant_store_postgresql(assistant_stores):
    return assistant_stores["postgresql"]
