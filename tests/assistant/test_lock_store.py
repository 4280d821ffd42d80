"""The cluster's lock store (assistant/lock_store.py) on the real Redis, beside Rasa's own."""

import asyncio
import logging
import os
import threading
import time
import uuid

import pytest
from rasa.core.lock_store import LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig, read_endpoint_config

from assistant.lock_store import TransactionalRedisLockStore
from harness.processes import ROOT
from tests.conftest import require_redis

REDIS_URL = os.environ.get("TEST_LOCK_REDIS_URL", "redis://127.0.0.1:6379/12")


@pytest.fixture
def redis_client():
    client = require_redis(REDIS_URL)
    yield client
    client.close()


@pytest.fixture
def prefix(redis_client):
    """A key prefix of this test alone; its keys are deleted afterwards."""
    prefix = f"t{uuid.uuid4().hex[:12]}"
    yield prefix
    for key in redis_client.scan_iter(f"{prefix}:*"):
        redis_client.delete(key)


def make_store(prefix, kind=TransactionalRedisLockStore):
    settings = {
        "url": "127.0.0.1",
        "port": 6379,
        "db": int(REDIS_URL.rsplit("/", 1)[1]),
        "key_prefix": prefix,
    }
    if kind is RedisLockStore:
        return RedisLockStore(host=settings.pop("url"), **settings)
    return kind(EndpointConfig(**settings))


async def wait_for_turn(store, conversation, lifetime, poll, timeout):
    """Enter the conversation's lock; the ticket that was being served inside it."""

    async def enter():
        async with store.lock(conversation, lock_lifetime=lifetime, wait_time_in_seconds=poll):
            return store.get_lock(conversation).now_serving

    return await asyncio.wait_for(enter(), timeout)


def test_a_waiter_outlives_its_lifetime_behind_a_crashed_replica_and_keeps_its_place(prefix):
    store = make_store(prefix)
    crashed = store.issue_ticket("patient-1", lock_lifetime=2)  # never released
    started = time.monotonic()
    served = asyncio.run(wait_for_turn(store, "patient-1", lifetime=0.5, poll=0.1, timeout=5))
    assert served == crashed + 1  # its first ticket, not a new one
    assert 1.8 < time.monotonic() - started < 3.5  # served once the crashed one expired
    assert store.get_lock("patient-1") is None  # released and deleted


def test_rasas_own_store_strands_that_waiter(prefix):
    """Why the cluster does not use `type: redis`: the same wait never ends there."""
    store = make_store(prefix, RedisLockStore)
    store.issue_ticket("patient-1", lock_lifetime=2)
    with pytest.raises(asyncio.TimeoutError):
        asyncio.run(wait_for_turn(store, "patient-1", lifetime=0.5, poll=0.1, timeout=5))


def test_a_waiter_whose_ticket_was_lost_queues_again(prefix, caplog):
    """A replica that stalls longer than a lifetime between two looks loses its ticket."""
    store = make_store(prefix)
    store.issue_ticket("patient-1", lock_lifetime=0.5)  # the crashed replica's
    with caplog.at_level(logging.WARNING, logger="assistant.lock_store"):
        served = asyncio.run(wait_for_turn(store, "patient-1", lifetime=0.5, poll=1.5, timeout=5))
    assert served == 0  # the queue was empty again: a new first ticket
    assert "expired while it waited" in caplog.text


def test_messages_of_one_conversation_are_served_one_at_a_time_in_arrival_order(prefix):
    store = make_store(prefix)
    order, inside = [], []

    async def message(name, delay):
        await asyncio.sleep(delay)
        async with store.lock("patient-1", lock_lifetime=10, wait_time_in_seconds=0.02):
            inside.append(name)
            assert len(inside) == 1, inside
            order.append(name)
            await asyncio.sleep(0.1)
            inside.remove(name)

    async def main():
        await asyncio.gather(*(message(name, 0.01 * n) for n, name in enumerate("abcde")))

    asyncio.run(main())
    assert order == list("abcde")
    assert store.get_lock("patient-1") is None


def test_two_replicas_issuing_tickets_at_once_never_get_the_same_number(prefix):
    replicas = [make_store(prefix), make_store(prefix)]  # separate connections
    numbers = [[], []]

    def issue(index):
        for _ in range(300):
            numbers[index].append(replicas[index].issue_ticket("patient-1", lock_lifetime=60))

    threads = [threading.Thread(target=issue, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    issued = numbers[0] + numbers[1]
    assert sorted(issued) == list(range(600))
    assert len(replicas[0].get_lock("patient-1").tickets) == 600


def test_releasing_keeps_the_lock_only_while_someone_waits(prefix):
    store = make_store(prefix)
    first = store.issue_ticket("patient-1", lock_lifetime=10)
    second = store.issue_ticket("patient-1", lock_lifetime=10)
    store.cleanup("patient-1", first)
    assert [t.number for t in store.get_lock("patient-1").tickets] == [second]
    store.cleanup("patient-1", second)
    assert store.get_lock("patient-1") is None


def test_the_cluster_endpoints_select_it(monkeypatch):
    for name, value in {
        "ACTION_SERVER_URL": "http://127.0.0.1:5055/webhook",
        "DATABASE_URL": "postgresql://127.0.0.1/test",
        "LOCK_STORE_HOST": "127.0.0.1",
        "LOCK_STORE_PORT": "6379",
        "LOCK_STORE_DB": "12",
        "LOCK_STORE_PASSWORD": "",
        "LOCK_STORE_KEY_PREFIX": "assistant",
    }.items():
        monkeypatch.setenv(name, value)
    config = read_endpoint_config(str(ROOT / "cluster/endpoints.yml"), "lock_store")
    store = LockStore.create(config)
    assert type(store) is TransactionalRedisLockStore
    assert store.key_prefix == "assistant:lock:"
    assert store.red.connection_pool.connection_kwargs["db"] == 12
