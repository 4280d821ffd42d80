"""Fixtures that run the real servers (slow: each start loads the trained model)."""
import pytest

from harness.servers import assistant_servers


@pytest.fixture(scope="package")
def servers(tmp_path_factory):
    """Rasa + action server on SQLite, shared by the integration tests."""
    with assistant_servers(tmp_path_factory.mktemp("servers")) as running:
        yield running
