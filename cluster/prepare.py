"""Get the shared stores ready before the replicas start, and derive their settings.

    eval "$(python -m cluster.prepare)"

Creates the PostgreSQL database of DATABASE_URL when it is missing, creates the tracker,
appointment and consent tables and scopes old conversation ids by channel once (several
replicas doing it at the same moment would race), checks that Redis at REDIS_URL answers,
and prints the `export` lines of the lock store settings that cluster/endpoints.yml reads.
Fails loudly when a store is missing.
"""

import os
import shlex
import sys
from typing import Dict, Mapping

import redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import settings


def create_database_if_missing(url: str) -> bool:
    """Create the PostgreSQL database named in `url`; True when it was created."""
    target = make_url(url)
    if not target.drivername.startswith("postgresql"):
        raise ValueError(f"the cluster needs PostgreSQL, not {target.drivername}")
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}
            ).scalar()
            if not exists:
                quoted = connection.dialect.identifier_preparer.quote(target.database)
                connection.execute(text(f"CREATE DATABASE {quoted}"))
            return not exists
    finally:
        admin.dispose()


def create_tables(url: str) -> None:
    """Rasa's tracker table (through Rasa's own SQLTrackerStore), the practice's tables
    (tables.py: appointment requests, consents), then conversation ids scoped by channel
    (assistant/conversation_ids.py; nothing to do after the first time)."""
    from rasa.core.tracker_store import SQLTrackerStore

    import tables
    from assistant import conversation_ids

    store = SQLTrackerStore(domain=None, host=url)
    store.engine.dispose()
    tables.create_tables(url)
    engine = create_engine(url, future=True)
    try:
        conversation_ids.migrate(engine)
    finally:
        engine.dispose()


def lock_store_env(redis_url: str, key_prefix: str = "assistant") -> Dict[str, str]:
    """cluster/endpoints.yml's lock store settings for the Redis at `redis_url`."""
    options = redis.connection.parse_url(redis_url)
    return {
        "LOCK_STORE_HOST": str(options.get("host", "127.0.0.1")),
        "LOCK_STORE_PORT": str(options.get("port", 6379)),
        "LOCK_STORE_DB": str(options.get("db", 0)),
        "LOCK_STORE_PASSWORD": str(options.get("password") or ""),
        "LOCK_STORE_KEY_PREFIX": key_prefix,
    }


def check_redis(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=3)
    try:
        client.ping()
    finally:
        client.close()


def main(env: Mapping[str, str] = os.environ) -> int:
    database_url = settings.value("DATABASE_URL", env, cluster=True)
    redis_url = settings.value("REDIS_URL", env, cluster=True)
    try:
        if create_database_if_missing(database_url):
            print(f"created database {make_url(database_url).database}", file=sys.stderr)
        create_tables(database_url)
        check_redis(redis_url)
    except Exception as error:  # any store problem stops the cluster before it starts
        print(
            f"ERROR: the cluster's stores are not ready: {error}\n(local PostgreSQL and "
            "Redis: scripts/ensure_services.sh starts them)",
            file=sys.stderr,
        )
        return 1
    prefix = env.get("LOCK_STORE_KEY_PREFIX") or "assistant"
    for name, value in lock_store_env(redis_url, prefix).items():
        print(f"export {name}={shlex.quote(value)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
