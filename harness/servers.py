"""The real Rasa server and action server, started the way `make run` starts them.

    with assistant_servers(tmp_path) as servers:
        replies = servers.say("patient-1", "hello")

Each server runs through scripts/run_rasa.sh / scripts/run_actions.sh with its own
environment (its own ports, database and auth token), and is stopped at the end.
"""

import os
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional
from urllib.parse import quote

import requests

from contract import conversation_id
from harness.processes import ROOT, free_port, start_script, stop, wait_until_answers

AUTH_TOKEN = "test-token"
ACTION_TOKEN = "test-action-server-token"
__all__ = [
    "ACTION_TOKEN",
    "AUTH_TOKEN",
    "ROOT",
    "Servers",
    "assistant_servers",
    "server_env",
]


@dataclass
class Servers:
    rasa_url: str
    action_url: str
    logs: Dict[str, Path]
    env: Dict[str, str] = field(default_factory=dict, repr=False)
    processes: Dict[str, Optional[subprocess.Popen]] = field(default_factory=dict, repr=False)

    def stop_rasa(self) -> None:
        """Stop only the Rasa server (the action server keeps running)."""
        stop(self.processes.get("rasa"))

    def start_rasa(self, timeout: float = 300) -> None:
        """Start the Rasa server again after `stop_rasa`, same settings; waits until it is up."""
        log = self.logs["rasa"]
        process = self.processes["rasa"] = start_script("run_rasa.sh", self.env, log, mode="a")
        wait_until_answers(f"{self.rasa_url}/", process, log, timeout=timeout)

    def say(self, sender: str, text: str, timeout: float = 60) -> List[dict]:
        """POST one message to the REST channel; returns the bot's messages."""
        response = requests.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=timeout,
        )
        response.raise_for_status()
        return list(response.json())

    def parse(self, text: str) -> dict:
        response = requests.post(
            f"{self.rasa_url}/model/parse",
            params={"token": AUTH_TOKEN},
            json={"text": text},
            timeout=60,
        )
        response.raise_for_status()
        return dict(response.json())

    def tracker(self, sender: str, channel: str = "rest") -> dict:
        """The conversation of `sender` on `channel` (REST: the sender of `say`)."""
        conversation = quote(conversation_id(channel, sender), safe=":+@")
        response = requests.get(
            f"{self.rasa_url}/conversations/{conversation}/tracker",
            params={"token": AUTH_TOKEN},
            timeout=60,
        )
        response.raise_for_status()
        return dict(response.json())


def server_env(
    tmp_path: Path, rasa_port: int, action_port: int, extra_env: Optional[Dict[str, str]] = None
) -> Dict[str, str]:
    """The environment of both servers: this process's, with their own ports and database."""
    return {
        **os.environ,
        "RASA_PORT": str(rasa_port),
        "ACTION_PORT": str(action_port),
        "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'assistant.db'}",
        "RASA_AUTH_TOKEN": AUTH_TOKEN,
        "ACTION_SERVER_TOKEN": ACTION_TOKEN,
        # the console's tables (erasure from the chat writes its audit log there)
        "CONSOLE_VAR_DIR": str(tmp_path / "console"),
        **(extra_env or {}),
    }


@contextmanager
def assistant_servers(
    tmp_path: Path,
    rasa_port: Optional[int] = None,
    action_port: Optional[int] = None,
    with_actions: bool = True,
    extra_env: Optional[Dict[str, str]] = None,
) -> Iterator[Servers]:
    """Run both servers (or only Rasa, with `with_actions=False`) for the duration.

    Ports default to free ones, so runs never collide with each other or `make run`.
    """
    rasa_port, action_port = rasa_port or free_port(), action_port or free_port()
    env = server_env(tmp_path, rasa_port, action_port, extra_env)
    logs = {"rasa": tmp_path / "rasa.log", "actions": tmp_path / "actions.log"}
    servers = Servers(
        f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{action_port}", logs, env=env
    )
    actions = rasa = None
    try:
        if with_actions:  # the practice's tables, created as `make run` creates them
            subprocess.run([sys.executable, "-m", "tables"], env=env, cwd=ROOT, check=True)
            subprocess.run(
                [sys.executable, str(ROOT / "console" / "manage.py"), "migrate", "--noinput"]
                + ["-v", "0"],
                cwd=ROOT,
                env=env,
                check=True,
            )
            actions = start_script("run_actions.sh", env, logs["actions"])
        rasa = start_script("run_rasa.sh", env, logs["rasa"])
        servers.processes = {"rasa": rasa, "actions": actions}
        if actions is not None:
            wait_until_answers(f"{servers.action_url}/health", actions, logs["actions"])
        wait_until_answers(f"{servers.rasa_url}/", rasa, logs["rasa"])
        yield servers
    finally:
        stop(servers.processes.get("rasa", rasa))  # the restarted one, after start_rasa()
        stop(actions)
