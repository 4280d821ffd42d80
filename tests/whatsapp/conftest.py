"""Fixtures for the WhatsApp channel tests: fake Graph API, Redis namespaces, channels."""

import os
import uuid

import pytest
import redis

import settings
from channels.whatsapp.cloud import CloudSettings, WhatsAppCloudInput
from channels.whatsapp.graph_client import GraphClient
from channels.whatsapp.store import RedisStore
from harness.whatsapp import meta
from harness.whatsapp.fake_graph import FakeGraph
from tests.conftest import require_redis
from tests.whatsapp.real_servers import DEFAULT_ENV, started_together

# The Redis the duplicate checks use in production; tests set it explicitly (the
# default of scripts/env.sh is empty: process memory). scripts/ensure_services.sh starts it.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
GRAPH_VERSION = settings.DEFAULTS["WHATSAPP_GRAPH_VERSION"]


@pytest.fixture(scope="session")
def redis_url():
    """REDIS_URL, after checking Redis answers: a test needing Redis fails loudly without it."""
    require_redis(REDIS_URL).close()
    return REDIS_URL


@pytest.fixture
def graph():
    with FakeGraph() as fake:
        yield fake


@pytest.fixture
def prefix(redis_url):
    """A Redis key prefix of this test alone; its keys are removed afterwards."""
    name = f"test:whatsapp:{uuid.uuid4().hex}:"
    yield name
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(f"{name}*"))
    if keys:
        client.delete(*keys)
    client.close()


def redis_keys(prefix: str):
    """The keys stored under `prefix` (they prove Redis, not process memory, was used)."""
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        return sorted(client.scan_iter(f"{prefix}*"))
    finally:
        client.close()


def cloud_settings(graph_url: str = "", **overrides) -> CloudSettings:
    values = dict(
        verify_token=meta.VERIFY_TOKEN,
        app_secret=meta.APP_SECRET,
        access_token=meta.ACCESS_TOKEN,
        phone_number_id=meta.PHONE_NUMBER_ID,
        graph_version=GRAPH_VERSION,
        graph_base_url=graph_url,
        redis_url=REDIS_URL,
    )
    values.update(overrides)
    return CloudSettings(**values)


def fast_graph(settings: CloudSettings, attempts: int = 5) -> GraphClient:
    return GraphClient(
        settings.access_token,
        settings.phone_number_id,
        settings.graph_version,
        settings.graph_base_url,
        attempts=attempts,
        backoff=0.01,
        max_delay=0.05,
    )


@pytest.fixture
def make_cloud(graph, prefix, redis_url):
    """A new Cloud channel on the fake Graph API and this test's Redis namespace."""

    def make(**overrides) -> WhatsAppCloudInput:
        settings = cloud_settings(graph.url, **overrides)
        return WhatsAppCloudInput(
            settings, store=RedisStore(redis_url), key_prefix=prefix, graph=fast_graph(settings)
        )

    return make


# --- the real servers of test_end_to_end*.py, started once for both modules


@pytest.fixture(scope="package")
def real_graph():
    """The fake Graph API of the end-to-end tests' servers (one set for both modules)."""
    with FakeGraph() as fake:
        yield fake


@pytest.fixture(scope="package")
def all_servers(tmp_path_factory, real_graph, redis_url):
    from tests.whatsapp import test_twilio as twilio  # a test module: imported when needed

    env = {
        **DEFAULT_ENV,
        **meta.cloud_env(real_graph.url, redis_url),
        "TWILIO_ACCOUNT_SID": twilio.ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": twilio.AUTH_TOKEN,
        "TWILIO_WHATSAPP_NUMBER": twilio.BUSINESS,
        "TWILIO_API_BASE_URL": real_graph.url,
    }
    with started_together(
        whatsapp=(tmp_path_factory.mktemp("whatsapp"), env),
        default=(tmp_path_factory.mktemp("default"), DEFAULT_ENV),
    ) as servers:
        for each in servers.values():
            each.webhook = f"{each.rasa_url}/webhooks/whatsapp/webhook"
            each.twilio_webhook = f"{each.rasa_url}/webhooks/twilio_whatsapp/webhook"
        yield servers


@pytest.fixture(scope="package")
def webhook(all_servers):
    return all_servers["whatsapp"]


@pytest.fixture(scope="package")
def default(all_servers):
    return all_servers["default"]
