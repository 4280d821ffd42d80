"""Start the real Rasa server and action server for a test, the way `make run` does.

    with assistant_servers(tmp_path) as servers:
        replies = servers.say("patient-1", "hello")

Each server runs through scripts/run_rasa.sh / scripts/run_actions.sh with the test's
environment (its own ports, database and auth token), and is stopped at the end.
"""
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional
from urllib.parse import quote

import requests

from contract import conversation_id

ROOT = Path(__file__).resolve().parents[1]
AUTH_TOKEN = "test-token"
ACTION_TOKEN = "test-action-server-token"


class ServerFailed(RuntimeError):
    """A server did not come up; the message carries the end of its log."""


@dataclass
class Servers:
    rasa_url: str
    action_url: str
    logs: Dict[str, Path]
    env: Dict[str, str] = field(default_factory=dict, repr=False)
    processes: Dict[str, Optional[subprocess.Popen]] = field(default_factory=dict, repr=False)

    def stop_rasa(self) -> None:
        """Stop only the Rasa server (the action server keeps running)."""
        stop_process(self.processes.get("rasa"))

    def start_rasa(self, timeout: float = 300) -> None:
        """Start the Rasa server again after `stop_rasa`, same settings; waits until it is up."""
        log = self.logs["rasa"]
        self.processes["rasa"] = start_script("run_rasa.sh", self.env, log, mode="a")
        wait_until_up(f"{self.rasa_url}/", self.processes["rasa"], log, timeout=timeout)

    def say(self, sender: str, text: str, timeout: float = 60) -> List[dict]:
        """POST one message to the REST channel; returns the bot's messages."""
        response = requests.post(f"{self.rasa_url}/webhooks/rest/webhook",
                                 json={"sender": sender, "message": text}, timeout=timeout)
        response.raise_for_status()
        return response.json()

    def parse(self, text: str) -> dict:
        response = requests.post(f"{self.rasa_url}/model/parse",
                                 params={"token": AUTH_TOKEN}, json={"text": text}, timeout=60)
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str, channel: str = "rest") -> dict:
        """The conversation of `sender` on `channel` (REST: the sender of `say`)."""
        conversation = quote(conversation_id(channel, sender), safe=":+@")
        response = requests.get(f"{self.rasa_url}/conversations/{conversation}/tracker",
                                params={"token": AUTH_TOKEN}, timeout=60)
        response.raise_for_status()
        return response.json()


def start_script(script: str, env: Dict[str, str], log: Path,
                 mode: str = "w") -> subprocess.Popen:
    handle = open(log, mode)
    return subprocess.Popen([str(ROOT / "scripts" / script)], cwd=ROOT, env=env,
                            stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)


def stop_process(process: Optional[subprocess.Popen]) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerFailed(f"{url} exited early:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise ServerFailed(f"{url} not up after {timeout}s:\n{log.read_text()[-3000:]}")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def assistant_servers(tmp_path: Path, rasa_port: Optional[int] = None,
                      action_port: Optional[int] = None,
                      with_actions: bool = True, extra_env: Optional[Dict[str, str]] = None
                      ) -> Iterator[Servers]:
    """Run both servers (or only Rasa, with `with_actions=False`) for the duration.

    Ports default to free ones, so tests never collide with each other or `make run`.
    """
    rasa_port, action_port = rasa_port or free_port(), action_port or free_port()
    env = {**os.environ,
           "RASA_PORT": str(rasa_port), "ACTION_PORT": str(action_port),
           "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'assistant.db'}",
           "RASA_AUTH_TOKEN": AUTH_TOKEN, "ACTION_SERVER_TOKEN": ACTION_TOKEN,
           # the console's tables (erasure from the chat writes its audit log there)
           "CONSOLE_VAR_DIR": str(tmp_path / "console"),
           **(extra_env or {})}
    logs = {"rasa": tmp_path / "rasa.log", "actions": tmp_path / "actions.log"}
    servers = Servers(f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{action_port}", logs,
                      env=env)
    actions = rasa = None
    try:
        if with_actions:
            subprocess.run([sys.executable, str(ROOT / "console" / "manage.py"), "migrate",
                            "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
            actions = start_script("run_actions.sh", env, logs["actions"])
        rasa = start_script("run_rasa.sh", env, logs["rasa"])
        servers.processes = {"rasa": rasa, "actions": actions}
        if with_actions:
            wait_until_up(f"{servers.action_url}/health", actions, logs["actions"])
        wait_until_up(f"{servers.rasa_url}/", rasa, logs["rasa"])
        yield servers
    finally:
        stop_process(servers.processes.get("rasa", rasa))  # the restarted one, after start_rasa()
        stop_process(actions)
