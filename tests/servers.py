"""Former home of the server helpers, now in the harness package (harness/servers.py,
harness/processes.py). Only tests/console/conftest.py and tests/channels still import it."""

from harness.processes import ROOT, ProcessFailed, free_port, start_script
from harness.processes import stop as stop_process
from harness.processes import wait_until_answers as wait_until_up
from harness.servers import ACTION_TOKEN, AUTH_TOKEN, Servers, assistant_servers

__all__ = [
    "ACTION_TOKEN",
    "AUTH_TOKEN",
    "ROOT",
    "ProcessFailed",
    "Servers",
    "assistant_servers",
    "free_port",
    "start_script",
    "stop_process",
    "wait_until_up",
]
