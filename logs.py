"""Server logs that show the project's own lines and real warnings.

Both servers import libraries that warn about their own dependencies' deprecated APIs at
import time (pkg_resources, distutils, pyparsing, click, ...), and Sanic, on import,
turns every DeprecationWarning back on, whatever PYTHONWARNINGS says. `quiet_libraries()`
is called first by each server's entry point (assistant/server.py, actions/server.py): it
imports the noisiest of those modules with their notices ignored (the filters they add
are dropped with them), then ignores the libraries' deprecation notices from then on. The
project's own still show, and every other warning is untouched.
"""

import importlib
import logging
import warnings

PROJECT = r"(assistant|actions|channels|redflags|contract|settings|tables|logs|cluster)(\.|$)"


# Imported early with their notices ignored: Sanic (adds a "once" filter for every
# DeprecationWarning) and the modules whose import-time code warns even after that.
NOISY_MODULES = (
    "sanic",
    "pkg_resources",
    "packaging.markers",
    "packaging.requirements",
    "matplotlib",
)


def quiet_libraries() -> None:
    with warnings.catch_warnings():
        for name in NOISY_MODULES:
            warnings.simplefilter("ignore", DeprecationWarning)  # again after Sanic's
            warnings.simplefilter("ignore", PendingDeprecationWarning)
            importlib.import_module(name)
    for category in (DeprecationWarning, PendingDeprecationWarning):
        warnings.filterwarnings("ignore", category=category)
        warnings.filterwarnings("default", category=category, module=PROJECT)


class Demote(logging.Filter):
    """Logs the records whose message starts with one of `prefixes` as warnings: Rasa
    reports a refused request (a client's mistake, e.g. no API token) as an ERROR."""

    def __init__(self, *prefixes: str) -> None:
        super().__init__()
        self.prefixes = prefixes

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.WARNING and str(record.msg).startswith(self.prefixes):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


class DropMessages(logging.Filter):
    """Drops the records whose message starts with one of `prefixes`."""

    def __init__(self, *prefixes: str) -> None:
        super().__init__()
        self.prefixes = prefixes

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(self.prefixes)
