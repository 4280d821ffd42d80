"""Start a process, wait until it answers, stop it: the one way tests and benchmarks do it.

    with running([ROOT / "scripts/run_web.sh"], env=env, log=log, probe=url):
        ...

A process runs in its own session (its children are stopped with it), writes its output to
a log file, and counts as up when its probe answers: a URL that answers an HTTP GET below
500, or any callable that returns true. When the process exits before that, or the time is
up, ProcessFailed carries the end of its log.
"""

import os
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Dict, Iterator, Optional, Sequence, Union

import requests

ROOT = Path(__file__).resolve().parents[1]
Probe = Union[str, Callable[[], bool]]
Command = Sequence[Union[str, Path]]


class ProcessFailed(RuntimeError):
    """A process did not come up; the message carries the end of its log."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(
    command: Command, env: Dict[str, str], log: Path, cwd: Path = ROOT, mode: str = "w"
) -> subprocess.Popen:
    """Start `command` in its own session, its output appended (mode "a") or written to `log`."""
    with open(log, mode) as handle:
        return subprocess.Popen(
            [str(part) for part in command],
            cwd=cwd,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def start_script(script: str, env: Dict[str, str], log: Path, mode: str = "w") -> subprocess.Popen:
    """Start scripts/<script> (run_rasa.sh, run_actions.sh, ...) from the repository root."""
    return start([ROOT / "scripts" / script], env, log, mode=mode)


def stop(
    process: Optional[subprocess.Popen], timeout: float = 20, sig: int = signal.SIGTERM
) -> None:
    """Stop the process and everything it started; SIGKILL when `sig` is not enough."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def answers(url: str) -> Callable[[], bool]:
    """A probe: `url` answers a GET with a status below 500."""

    def probe() -> bool:
        try:
            return requests.get(url, timeout=2).status_code < 500
        except requests.RequestException:
            return False

    return probe


def log_tail(log: Path, size: int = 3000) -> str:
    return log.read_text(errors="replace")[-size:] if log.exists() else "(no log)"


def wait_until_answers(
    probe: Probe,
    process: subprocess.Popen,
    log: Path,
    timeout: float = 180,
    since: Optional[float] = None,
    interval: float = 0.3,
) -> float:
    """Wait until `probe` answers; returns the seconds since `since` (default: now).

    Raises ProcessFailed, with the end of `log`, when the process exits first or the time
    is up.
    """
    check = answers(probe) if isinstance(probe, str) else probe
    started = time.monotonic() if since is None else since
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ProcessFailed(
                f"{probe} exited early (code {process.returncode}):\n{log_tail(log)}"
            )
        if check():
            return time.monotonic() - started
        time.sleep(interval)
    raise ProcessFailed(f"{probe} did not answer within {timeout:.0f} s:\n{log_tail(log)}")


@contextmanager
def running(
    command: Command,
    env: Dict[str, str],
    log: Path,
    probe: Probe,
    timeout: float = 180,
    cwd: Path = ROOT,
) -> Iterator[subprocess.Popen]:
    """The process, started and answering, for the duration; stopped afterwards."""
    process = start(command, env, log, cwd=cwd)
    try:
        wait_until_answers(probe, process, log, timeout=timeout)
        yield process
    finally:
        stop(process)
