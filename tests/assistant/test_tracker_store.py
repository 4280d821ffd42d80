"""The cached SQL tracker store (assistant/tracker_store.py) on SQLite and PostgreSQL."""

import asyncio
import json
import os
import uuid

import pytest
from rasa.core.agent import load_agent
from rasa.core.tracker_store import SQLTrackerStore
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, text

from assistant.tracker_store import CachedSQLTrackerStore
from harness.processes import ROOT, free_port, running
from tests.conftest import POSTGRES_URL, require_postgres

DOMAIN = Domain.load(str(ROOT / "domain"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'trackers.db'}"
        return
    engine = require_postgres(POSTGRES_URL)
    yield POSTGRES_URL
    with engine.begin() as connection:  # this test's conversations only
        connection.execute(text("DELETE FROM events WHERE sender_id LIKE 'cache-test-%'"))
    engine.dispose()


@pytest.fixture
def sender():
    return f"cache-test-{uuid.uuid4().hex[:10]}"


def run(coroutine):
    return asyncio.run(coroutine)


def turn(tracker, text, reply):
    tracker.update_with_events(
        [
            UserUttered(text, {"name": "greet", "confidence": 1.0}),
            ActionExecuted("utter_greet"),
            BotUttered(reply),
            ActionExecuted("action_listen"),
        ],
        DOMAIN,
    )


def new_conversation(sender):
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    tracker.update_with_events(
        [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")],
        DOMAIN,
    )
    return tracker


def saved_twice(store, sender):
    """A conversation saved, read back from the database and saved again (now cached)."""
    tracker = new_conversation(sender)
    turn(tracker, "hello", "Hello!")
    run(store.save(tracker))
    tracker = run(store.retrieve(sender))
    turn(tracker, "hi again", "Hello again!")
    run(store.save(tracker))
    return tracker


def as_json(tracker):
    return json.loads(json.dumps([event.as_dict() for event in tracker.events]))


def test_an_unchanged_conversation_is_served_from_memory(store_url, sender):
    store = CachedSQLTrackerStore(domain=DOMAIN, host=store_url)
    tracker = saved_twice(store, sender)
    assert run(store.retrieve(sender)) is tracker
    # handed out: the next caller gets its own copy, read from the database
    again = run(store.retrieve(sender))
    assert again is not tracker and as_json(again) == as_json(tracker)


def test_what_another_replica_wrote_is_read_from_the_database(store_url, sender):
    replica_1 = CachedSQLTrackerStore(domain=DOMAIN, host=store_url)
    replica_2 = CachedSQLTrackerStore(domain=DOMAIN, host=store_url)
    mine = saved_twice(replica_1, sender)
    theirs = run(replica_2.retrieve(sender))
    turn(theirs, "what is kyphoplasty?", "Kyphoplasty is ...")
    theirs.update(SlotSet("emergency_active", True), DOMAIN)
    run(replica_2.save(theirs))

    current = run(replica_1.retrieve(sender))
    assert current is not mine
    assert as_json(current) == as_json(theirs)
    assert current.get_slot("emergency_active") is True


def test_an_erased_conversation_is_not_served_from_memory(store_url, sender):
    store = CachedSQLTrackerStore(domain=DOMAIN, host=store_url)
    saved_twice(store, sender)
    engine = create_engine(store_url)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM events WHERE sender_id = :s"), {"s": sender})
    engine.dispose()
    assert run(store.retrieve(sender)) is None


def test_a_message_that_failed_before_saving_leaves_nothing_behind(store_url, sender):
    store = CachedSQLTrackerStore(domain=DOMAIN, host=store_url)
    saved_twice(store, sender)
    half_done = run(store.retrieve(sender))
    turn(half_done, "never saved", "lost")
    reloaded = run(store.retrieve(sender))
    assert [e.text for e in reloaded.events if isinstance(e, UserUttered)] == ["hello", "hi again"]


def test_a_session_started_in_memory_is_read_back_from_the_database(store_url, sender):
    store = CachedSQLTrackerStore(domain=DOMAIN, host=store_url)
    tracker = saved_twice(store, sender)
    tracker = run(store.retrieve(sender))
    tracker.update_with_events(
        [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")],
        DOMAIN,
    )
    turn(tracker, "new day", "Hello!")
    run(store.save(tracker))
    reloaded = run(store.retrieve(sender))
    assert reloaded is not tracker
    assert [e.text for e in reloaded.events if isinstance(e, UserUttered)] == ["new day"]
    # Rasa's own store agrees, and saving the reloaded tracker adds nothing twice
    plain = run(SQLTrackerStore(domain=DOMAIN, host=store_url).retrieve(sender))
    assert as_json(plain) == as_json(reloaded)


def test_it_writes_the_rows_rasas_own_store_writes(tmp_path, sender):
    """The staff console reads these rows (type, intent and action columns, data)."""
    tracker = new_conversation(sender)
    tracker.update_with_events(
        [
            UserUttered("what is kyphoplasty?", {"name": "faq", "confidence": 0.9}),
            ActionExecuted("utter_faq"),
            BotUttered("Kyphoplasty is ..."),
            SlotSet("emergency_active", False),
            ActionExecuted("action_listen"),
        ],
        DOMAIN,
    )
    rows = {}
    for kind in (SQLTrackerStore, CachedSQLTrackerStore):
        url = f"sqlite:///{tmp_path / kind.__name__}.db"
        run(kind(domain=DOMAIN, host=url).save(tracker))
        engine = create_engine(url)
        with engine.connect() as connection:
            rows[kind] = connection.execute(
                text(
                    "SELECT sender_id, type_name, timestamp, intent_name, action_name, data "
                    "FROM events ORDER BY id"
                )
            ).fetchall()
        engine.dispose()
    assert len(rows[SQLTrackerStore]) == len(tracker.events)
    assert rows[CachedSQLTrackerStore] == rows[SQLTrackerStore]


def test_the_cache_holds_at_most_cache_size_conversations(store_url, sender):
    store = CachedSQLTrackerStore(domain=DOMAIN, host=store_url, cache_size=2)
    trackers = [saved_twice(store, f"{sender}-{n}") for n in range(3)]
    assert list(store._cache) == [f"{sender}-1", f"{sender}-2"]
    assert run(store.retrieve(f"{sender}-0")) is not trackers[0]
    assert run(store.retrieve(f"{sender}-2")) is trackers[2]


CONVERSATION = [
    "hello",
    "what is kyphoplasty?",
    "I want to book an appointment",
    "yes",
    "Meena Gupta",
    "+91 98100 12345",
    "friday evening",
    "osteoporosis fracture consultation",
    "/affirm",
    "what are the risks?",
    "mujhe peshab par control nahi ho raha",
    "thank you",
]


@pytest.mark.servers
def test_a_real_conversation_from_memory_equals_one_read_from_the_database(tmp_path, monkeypatch):
    """The trained assistant with `make run`'s endpoints: after every message the
    tracker kept in memory is the one Rasa's own store rebuilds from the database."""
    database_url = f"sqlite:///{tmp_path / 'assistant.db'}"
    port = free_port()
    env = {
        "DATABASE_URL": database_url,
        "ACTION_PORT": str(port),
        "ACTION_SERVER_URL": f"http://127.0.0.1:{port}/webhook",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with running(
        [ROOT / "scripts/run_actions.sh"],
        dict(os.environ),
        tmp_path / "actions.log",
        probe=f"http://127.0.0.1:{port}/health",
    ):  # env set above

        async def converse():
            endpoints = AvailableEndpoints.read_endpoints(str(ROOT / "endpoints.yml"))
            agent = await load_agent(
                model_path=str(ROOT / "models/assistant.tar.gz"), endpoints=endpoints
            )
            store = agent.tracker_store._tracker_store  # inside Rasa's FailSafeTrackerStore
            assert type(store) is CachedSQLTrackerStore
            plain = SQLTrackerStore(domain=agent.domain, host=database_url)
            served_from_memory = 0
            for message in CONVERSATION:
                served_from_memory += "patient-1" in store._cache
                replies = await agent.handle_text(message, sender_id="patient-1")
                assert replies, message
                kept = store._cache["patient-1"][0] if "patient-1" in store._cache else None
                rebuilt = await plain.retrieve("patient-1")
                if kept is not None:
                    assert as_json(kept) == as_json(rebuilt), message
                    assert json.loads(json.dumps(kept.current_state())) == json.loads(
                        json.dumps(rebuilt.current_state())
                    ), message
            return served_from_memory, rebuilt

        served_from_memory, final = run(converse())
    assert served_from_memory >= len(CONVERSATION) - 2
    assert final.get_slot("emergency_active") is True  # the red flag was kept
    assert [e.text for e in final.events if isinstance(e, UserUttered)] == CONVERSATION
