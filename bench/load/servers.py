"""Time and watch the servers of the load benchmark (starting, stopping and waiting for
them is the harness's: harness/processes.py)."""

import os
import subprocess
import threading
import time
from pathlib import Path
from typing import Callable, Dict, List

import psutil
import requests

from harness.processes import ROOT, wait_until_answers

RASA = str(ROOT / ".venv" / "bin" / "rasa")


def rasa_env(**extra: str) -> Dict[str, str]:
    """The project's environment (scripts/env.sh's essentials) plus `extra`."""
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ.get('PATH', '')}",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    }
    env.pop("VIRTUAL_ENV", None)
    env.update(extra)
    return env


def timed(command: List[str], cwd: Path, env: Dict[str, str], log: Path) -> float:
    """Run a command to its end; returns its wall time in seconds, raises if it failed."""
    started = time.monotonic()
    with open(log, "w") as handle:
        code = subprocess.call(command, cwd=cwd, env=env, stdout=handle, stderr=subprocess.STDOUT)
    if code:
        raise RuntimeError(f"{' '.join(command)} failed ({code}):\n{log.read_text()[-3000:]}")
    return time.monotonic() - started


def says_hello(url: str) -> Callable[[], bool]:
    """A probe: the REST channel at `url` answers "hello" with a reply list."""

    def probe() -> bool:
        try:
            response = requests.post(
                f"{url}/webhooks/rest/webhook",
                timeout=30,
                json={"sender": "cold-start", "message": "hello"},
            )
            return response.status_code == 200 and bool(response.json())
        except (requests.RequestException, ValueError):
            return False

    return probe


def first_answer(
    url: str, process: subprocess.Popen, log: Path, started: float, timeout: float = 300
) -> float:
    """Seconds from `started` until the REST channel answers "hello" with a reply list."""
    return wait_until_answers(
        says_hello(url), process, log, timeout=timeout, since=started, interval=0.2
    )


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its children, in bytes."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


class MemoryWatch:
    """Samples the RSS of process trees in a thread; keeps each one's peak."""

    def __init__(self, interval: float = 0.25) -> None:
        self.interval = interval
        self.pids: Dict[str, int] = {}
        self.peak: Dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def watch(self, name: str, pid: int) -> None:
        self.pids[name] = pid
        self.peak.setdefault(name, 0)

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, pid in list(self.pids.items()):
                self.peak[name] = max(self.peak[name], tree_rss(pid))
            self._stop.wait(self.interval)

    def __enter__(self) -> "MemoryWatch":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
