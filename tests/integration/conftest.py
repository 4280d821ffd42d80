"""Fixtures that run the real servers (slow: each start loads the trained model)."""

import re
from pathlib import Path
from typing import List

import pytest

from harness.servers import assistant_servers

ERROR_LINE = re.compile(r"\bERROR\b|Traceback \(most recent call last\)")


def error_lines(log: Path) -> List[str]:
    """Lines of a server's log that report an error."""
    return [
        line for line in log.read_text(errors="replace").splitlines() if ERROR_LINE.search(line)
    ]


@pytest.fixture(scope="package")
def servers(tmp_path_factory):
    """Rasa + action server on SQLite, shared by the integration tests. When they stop,
    neither log may hold an error: every test here is a normal conversation."""
    with assistant_servers(tmp_path_factory.mktemp("servers")) as running:
        yield running
    errors = {name: error_lines(log) for name, log in running.logs.items()}
    if any(errors.values()):
        pytest.fail(f"errors in the servers' logs: {errors}", pytrace=False)
