"""Several Sanic apps of the same name (Rasa's, rasa-sdk's) are built in one test process:
Sanic's test mode lets them be, as it does for the channel tests."""

import pytest
from sanic import Sanic


@pytest.fixture(scope="package", autouse=True)
def sanic_test_mode():
    previous, Sanic.test_mode = Sanic.test_mode, True
    yield
    Sanic.test_mode = previous
