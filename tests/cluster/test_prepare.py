"""cluster/prepare.py: the stores are made ready before the replicas start."""

import pytest
from sqlalchemy import create_engine, inspect, text

from cluster.prepare import create_database_if_missing, create_tables, lock_store_env, main


def test_lock_store_settings_come_from_the_redis_url():
    assert lock_store_env("redis://:s3cret@cache.internal:6380/3", "assistant") == {
        "LOCK_STORE_HOST": "cache.internal",
        "LOCK_STORE_PORT": "6380",
        "LOCK_STORE_DB": "3",
        "LOCK_STORE_PASSWORD": "s3cret",
        "LOCK_STORE_KEY_PREFIX": "assistant",
    }
    assert lock_store_env("redis://127.0.0.1")["LOCK_STORE_DB"] == "0"


def test_only_postgresql_is_accepted():
    with pytest.raises(ValueError, match="PostgreSQL"):
        create_database_if_missing("sqlite:///var/assistant.db")


def test_database_and_tables_are_created_once(database_url):
    assert create_database_if_missing(database_url) is True
    assert create_database_if_missing(database_url) is False
    create_tables(database_url)
    create_tables(database_url)  # a second run finds them and changes nothing
    engine = create_engine(database_url)
    try:
        assert {"events", "appointment_requests"} <= set(inspect(engine).get_table_names())
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM events")).scalar() == 0
    finally:
        engine.dispose()


def test_missing_redis_stops_the_cluster_loudly(database_url, capsys):
    assert main({"DATABASE_URL": database_url, "REDIS_URL": "redis://127.0.0.1:1/0"}) == 1
    assert "ERROR: the cluster's stores are not ready" in capsys.readouterr().err
