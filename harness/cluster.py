"""The cluster of `make run-cluster`, on free ports and throw-away stores.

    with running_cluster(tmp_path, database_url, redis_url) as cluster:
        cluster.say(cluster.url, "patient-1", "hello")

nginx (rendered from cluster/nginx.conf.template) in front of two Rasa replicas
(scripts/run_rasa.sh with cluster/endpoints.yml) and two action servers
(scripts/run_actions.sh); the lock store settings come from `python -m cluster.prepare`,
as in scripts/run_cluster.sh. Every process is stopped at the end.
"""

import os
import re
import signal
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List

import requests

from cluster.nginx import topology_from_env, write
from contract import conversation_id
from harness.processes import ROOT, free_port, start, start_script, stop, wait_until_answers
from harness.servers import AUTH_TOKEN

NGINX = "/usr/sbin/nginx"
RETRY_STATUSES = {502, 503, 504}
LOCK_ERRORS = re.compile(r"LockError|Could not acquire lock|Error while acquiring lock")


@dataclass
class Cluster:
    url: str  # nginx in front of the Rasa replicas
    replica_urls: List[str]
    logs: Dict[str, Path]
    nginx_dir: Path
    env: Dict[str, str] = field(repr=False)
    processes: Dict[str, subprocess.Popen] = field(repr=False)

    def say(self, base_url: str, sender: str, text: str, timeout: float = 60) -> List[dict]:
        """POST one message to the REST channel at `base_url`; returns the bot's messages."""
        response = requests.post(
            f"{base_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=timeout,
        )
        response.raise_for_status()
        return response.json()

    def tracker(self, base_url: str, sender: str) -> dict:
        conversation = conversation_id("rest", sender)  # `say` talks REST
        response = requests.get(
            f"{base_url}/conversations/{conversation}/tracker",
            params={"token": AUTH_TOKEN},
            timeout=60,
        )
        response.raise_for_status()
        return response.json()

    def kill_replica(self, index: int) -> None:
        """SIGKILL replica `index` (0 or 1) and everything it started: a crash, no shutdown."""
        process = self.processes[f"rasa{index + 1}"]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def ensure_replica(self, index: int) -> None:
        """Start replica `index` again if it is not running (e.g. after `kill_replica`)."""
        name = f"rasa{index + 1}"
        if self.processes[name].poll() is None:
            return
        env = {**self.env, "RASA_PORT": self.replica_urls[index].rsplit(":", 1)[1]}
        self.processes[name] = start_script("run_rasa.sh", env, self.logs[name], mode="a")
        wait_until_answers(
            f"{self.replica_urls[index]}/", self.processes[name], self.logs[name], timeout=240
        )

    def lock_errors(self) -> List[str]:
        """Lines of the replicas' logs that report a lock error."""
        return [
            line
            for name in ("rasa1", "rasa2")
            for line in self.logs[name].read_text(errors="replace").splitlines()
            if LOCK_ERRORS.search(line)
        ]

    def access_log(self) -> List[str]:
        return (self.nginx_dir / "access.log").read_text().splitlines()


def prepare_env(env: Dict[str, str]) -> Dict[str, str]:
    """Run `python -m cluster.prepare` as scripts/run_cluster.sh does; its exports."""
    result = subprocess.run(
        [sys.executable, "-m", "cluster.prepare"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        raise RuntimeError(f"cluster.prepare failed:\n{result.stderr}")
    exports = {}
    for line in result.stdout.splitlines():
        name, _, value = (
            line[len("export ") :].partition("=")
            if line.startswith("export ")
            else line.partition("=")
        )
        exports[name] = value.strip("'")
    return exports


def stop_all(processes: Dict[str, subprocess.Popen]) -> None:
    for process in processes.values():
        stop(process)


@contextmanager
def running_cluster(
    tmp_path: Path,
    database_url: str,
    redis_url: str,
    key_prefix: str = "clustertest",
    lock_lifetime: int = 10,
) -> Iterator[Cluster]:
    """nginx + 2 Rasa replicas + 2 action servers on free ports, for the duration."""
    ports = {
        name: free_port()
        for name in ("nginx", "nginx_actions", "rasa1", "rasa2", "actions1", "actions2")
    }
    nginx_dir = tmp_path / "nginx"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "WHATSAPP_REDIS_URL": redis_url,
        "SOCKETIO_REDIS_URL": redis_url,
        "RASA_AUTH_TOKEN": AUTH_TOKEN,
        "RASA_ENDPOINTS": "cluster/endpoints.yml",
        "ACTION_SERVER_URL": f"http://127.0.0.1:{ports['nginx_actions']}/webhook",
        "TICKET_LOCK_LIFETIME": str(lock_lifetime),
        "LOCK_STORE_KEY_PREFIX": key_prefix,
        "CLUSTER_PORT": str(ports["nginx"]),
        "CLUSTER_ACTION_PORT": str(ports["nginx_actions"]),
        "CLUSTER_RASA_SERVERS": f"127.0.0.1:{ports['rasa1']} 127.0.0.1:{ports['rasa2']}",
        "CLUSTER_ACTION_SERVERS": f"127.0.0.1:{ports['actions1']} 127.0.0.1:{ports['actions2']}",
        "CLUSTER_NGINX_DIR": str(nginx_dir),
    }
    env.update(prepare_env(env))
    conf = write(topology_from_env(env), nginx_dir / "nginx.conf")
    logs = {
        name: tmp_path / f"{name}.log"
        for name in ("nginx", "rasa1", "rasa2", "actions1", "actions2")
    }
    processes: Dict[str, subprocess.Popen] = {}
    cluster = Cluster(
        f"http://127.0.0.1:{ports['nginx']}",
        [f"http://127.0.0.1:{ports['rasa1']}", f"http://127.0.0.1:{ports['rasa2']}"],
        logs,
        nginx_dir,
        env,
        processes,
    )
    with ExitStack() as stack:
        stack.callback(stop_all, processes)
        processes["nginx"] = start(
            [NGINX, "-p", nginx_dir, "-c", conf, "-g", "daemon off;"], env, logs["nginx"]
        )
        for name in ("actions1", "actions2"):
            processes[name] = start_script(
                "run_actions.sh", {**env, "ACTION_PORT": str(ports[name])}, logs[name]
            )
        for name in ("rasa1", "rasa2"):
            processes[name] = start_script(
                "run_rasa.sh", {**env, "RASA_PORT": str(ports[name])}, logs[name]
            )
        for name in ("actions1", "actions2"):
            wait_until_answers(
                f"http://127.0.0.1:{ports[name]}/health", processes[name], logs[name]
            )
        for name in ("rasa1", "rasa2"):
            wait_until_answers(
                f"http://127.0.0.1:{ports[name]}/", processes[name], logs[name], timeout=240
            )
        wait_until_answers(f"{cluster.url}/", processes["nginx"], logs["nginx"], timeout=10)
        yield cluster


class RetryingClient:
    """A REST client that survives a replica crash without sending a message twice.

    On a connection error or 502/503/504 it cannot know whether the replica had finished
    the message before it died. It reads the conversation (through nginx) and resends
    only when the message is not there; when it is, it takes the replies from there.
    """

    def __init__(self, cluster: Cluster, sender: str, deadline_s: float = 90):
        self.cluster, self.sender, self.deadline_s = cluster, sender, deadline_s
        self.sent = 0  # user messages confirmed in the conversation
        self.retries = 0

    def _recorded(self, deadline: float) -> int:
        """How many of this sender's messages the conversation holds (keeps asking)."""
        while True:
            try:
                events = self.cluster.tracker(self.cluster.url, self.sender)["events"]
                return sum(1 for e in events if e["event"] == "user")
            except requests.RequestException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def say(self, text: str) -> List[dict]:
        deadline = time.monotonic() + self.deadline_s
        while True:
            try:
                response = requests.post(
                    f"{self.cluster.url}/webhooks/rest/webhook",
                    json={"sender": self.sender, "message": text},
                    timeout=self.deadline_s,
                )
                if response.status_code not in RETRY_STATUSES:
                    response.raise_for_status()
                    self.sent += 1
                    return response.json()
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.sender}: no reply to {text!r}")
            self.retries += 1
            time.sleep(0.5)
            if self._recorded(deadline) > self.sent:  # the dead replica had finished it
                self.sent += 1
                return [{"recovered": True}]
