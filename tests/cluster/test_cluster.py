"""The two-replica cluster of `make run-cluster`: shared conversations and a replica crash.

Runs nginx, two Rasa replicas and two action servers on a throw-away PostgreSQL
database and a Redis db of its own (harness/cluster.py).
"""

import json
import re
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from sqlalchemy import create_engine, text

from contract import conversation_id, split_conversation_id
from harness.cluster import RetryingClient

pytestmark = pytest.mark.servers

APPOINTMENT = [
    "I want to book an appointment",
    "yes",
    "Meena Gupta",
    "+91 98100 12345",
    "friday evening",
    "osteoporosis fracture consultation",
    "/affirm",
]
# One patient of the load run: questions around an appointment request that is saved.
SCRIPT = ["hello", "what is kyphoplasty?", *APPOINTMENT, "what are the risks?", "thank you"]
CONVERSATIONS = 20


def texts(replies):
    return [r.get("text") for r in replies if r.get("text")]


def turns(database_url, sender):
    """(user text, number of bot messages after it) for each user message, from PostgreSQL."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT type_name, data FROM events WHERE sender_id = :s "
                    "AND type_name IN ('user', 'bot') ORDER BY id"
                ),
                {"s": conversation_id("rest", sender)},
            ).fetchall()
    finally:
        engine.dispose()
    result = []
    for kind, data in rows:
        if kind == "user":
            result.append([json.loads(data)["text"], 0])
        elif result:
            result[-1][1] += 1
    return [tuple(turn) for turn in result]


def appointment_senders(database_url):
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return Counter(
                split_conversation_id(row[0])[1]
                for row in connection.execute(text("SELECT sender_id FROM appointment_requests"))
            )
    finally:
        engine.dispose()


def test_a_conversation_alternating_between_replicas_keeps_its_form_and_slots(cluster):
    cluster.ensure_replica(0)
    cluster.ensure_replica(1)
    sender = "alternating-1"
    replies = []
    for number, message in enumerate(APPOINTMENT[:-1]):
        replies = cluster.say(cluster.replica_urls[number % 2], sender, message)
        if number == 2:  # the consent went to replica 2, the name to replica 1
            assert texts(replies) == [
                "Which mobile number can the clinic call? For example 98765 43210 or "
                "+91 98765 43210."
            ]
    assert "Shall I send it to the clinic?" in texts(replies)[-1]
    assert "+919810012345" in texts(replies)[-1]

    for url in cluster.replica_urls:  # both replicas see the same conversation
        tracker = cluster.tracker(url, sender)
        assert tracker["active_loop"]["name"] == "appointment_form"
        assert tracker["slots"]["patient_name"] == "Meena Gupta"
        assert tracker["slots"]["phone"] == "+919810012345"
        assert tracker["slots"]["preferred_time"] == "friday evening"
        assert sum(e["event"] == "user" for e in tracker["events"]) == len(APPOINTMENT) - 1

    confirmed = cluster.say(cluster.replica_urls[1], sender, "/affirm")
    assert texts(confirmed)[0].startswith("Done: your request")
    assert appointment_senders(cluster.env["DATABASE_URL"])[sender] == 1
    assert cluster.tracker(cluster.replica_urls[0], sender)["active_loop"] == {}


def test_killing_a_replica_under_load_loses_no_message_and_raises_no_lock_error(cluster):
    cluster.ensure_replica(0)
    cluster.ensure_replica(1)
    database_url = cluster.env["DATABASE_URL"]
    senders = [f"load-{n}" for n in range(CONVERSATIONS)]
    clients = {sender: RetryingClient(cluster, sender) for sender in senders}
    answered = Counter()
    done = threading.Event()
    lock_keys = set()

    def converse(sender):
        for message in SCRIPT:
            replies = clients[sender].say(message)
            assert replies, f"{sender}: no reply to {message!r}"
            answered[sender] += 1

    def watch_locks():  # the replicas' conversation locks are in Redis
        client = redis.Redis.from_url(cluster.env["REDIS_URL"], decode_responses=True)
        while not done.is_set():
            lock_keys.update(client.scan_iter("clustertest:lock:*"))
            time.sleep(0.02)
        client.close()

    watcher = threading.Thread(target=watch_locks, daemon=True)
    watcher.start()
    with ThreadPoolExecutor(CONVERSATIONS) as pool:
        futures = [pool.submit(converse, sender) for sender in senders]
        total = CONVERSATIONS * len(SCRIPT)
        while sum(answered.values()) < total // 3:  # kill a third of the way through
            assert not any(f.done() and f.exception() for f in futures)
            time.sleep(0.05)
        in_flight_at_kill = sum(answered.values())
        cluster.kill_replica(1)
        for future in futures:
            future.result(timeout=240)
    done.set()
    watcher.join()

    assert in_flight_at_kill < total
    assert sum(answered.values()) == total
    for sender in senders:
        # each message exactly once, in order, each followed by the bot's reply
        conversation = turns(database_url, sender)
        assert [user for user, _ in conversation] == SCRIPT, sender
        assert all(replies >= 1 for _, replies in conversation), (sender, conversation)
    assert appointment_senders(database_url) & Counter(senders) == Counter(senders)
    assert all(appointment_senders(database_url)[s] == 1 for s in senders)
    assert cluster.lock_errors() == []
    assert any(key.startswith("clustertest:lock:rest:load-") for key in lock_keys)

    # a message that arrived while the crashed replica held its conversation's lock was
    # answered once that lock expired (Rasa's own Redis lock store could strand it)
    webhook_lines = [line for line in cluster.access_log() if "/webhooks/rest/webhook" in line]
    slowest = max(float(re.search(r"time=([\d.]+)", line)[1]) for line in webhook_lines)
    assert slowest < float(cluster.env["TICKET_LOCK_LIFETIME"]) + 10, slowest

    # both replicas served the load, and the survivor took over after the kill
    served = Counter(
        address.strip()
        for line in webhook_lines
        for address in re.search(r"upstream=(.*?) upstream_status=", line)[1].split(",")
    )
    assert set(served) >= set(u.removeprefix("http://") for u in cluster.replica_urls)
    print(
        f"\nretries after the kill: {sum(c.retries for c in clients.values())}; "
        f"requests per upstream: {dict(served)}"
    )
