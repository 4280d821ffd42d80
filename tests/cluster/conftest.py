"""Fixtures of the cluster tests: nginx, a throw-away PostgreSQL database, a Redis db."""

import os
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from harness.cluster import NGINX, running_cluster
from tests.conftest import POSTGRES_URL, require_postgres, require_redis

# A Redis database number of the cluster tests alone; flushed before and after.
REDIS_URL = os.environ.get("TEST_CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/13")


@pytest.fixture(scope="session")
def nginx():
    """Debian's nginx (scripts/test.sh installs it with scripts/ensure_nginx.sh before the
    tests); fails loudly when it is missing."""
    if not os.access(NGINX, os.X_OK):
        pytest.fail(
            f"nginx is not available at {NGINX}: run scripts/ensure_nginx.sh", pytrace=False
        )
    return NGINX


@pytest.fixture(scope="module")
def database_url():
    """A PostgreSQL database of this module alone (created by cluster.prepare), dropped after."""
    server = make_url(POSTGRES_URL)
    url = server.set(database=f"cluster_test_{uuid.uuid4().hex[:10]}")
    admin = require_postgres(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    yield url.render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def redis_url():
    client = require_redis(REDIS_URL)
    client.flushdb()
    yield REDIS_URL
    client.flushdb()
    client.close()


@pytest.fixture(scope="module")
def cluster(nginx, database_url, redis_url, tmp_path_factory):
    with running_cluster(tmp_path_factory.mktemp("cluster"), database_url, redis_url) as running:
        yield running
