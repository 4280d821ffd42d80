#!/usr/bin/env python
"""Load benchmark of the assistant against Rasa's starter bot, in one run.

Trains both bots from cold caches (timed), then, one bot at a time, starts its servers
(cold start = time to the first answer), runs Locust (bench/load/locustfile.py) against
POST /webhooks/rest/webhook at each concurrency level with mixed conversations, then a
run of 50-turn conversations (turn 1 vs turn 50), while sampling the memory of each
server's process tree. A py-spy profile of the assistant's Rasa server is taken during
its 20-conversation level. Writes docs/performance.md and docs/performance-latency.png.

    .venv/bin/python bench/bench_load.py                       # the full run, ~15 min
    .venv/bin/python bench/bench_load.py --duration 10 --long-duration 15 --out -   # smoke

Run it alone on the machine: its figures are timings.
"""

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict

ROOT = Path(__file__).resolve().parents[1]


def _tool_python() -> None:
    """Re-run this script under the venv that has locust, psutil and py-spy."""
    try:
        import matplotlib  # noqa: F401
        import psutil  # noqa: F401

        if (Path(sys.executable).parent / "locust").exists():
            return
    except ImportError:
        pass
    venv = subprocess.check_output([str(ROOT / "bench" / "setup_load_venv.sh")], text=True)
    python = ROOT / venv.strip() / "bin" / "python"
    if Path(sys.executable) == python:
        raise SystemExit(f"{python} lacks the benchmark's tools")
    # That venv has the tools only; the project is found on PYTHONPATH, as scripts/env.sh does.
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    os.execve(str(python), [str(python), *sys.argv], {**os.environ, "PYTHONPATH": path})


_tool_python()

from load import report  # noqa: E402  (bench/, the script's folder, is on sys.path)
from load.performance_report import write_report  # noqa: E402
from load.servers import RASA, MemoryWatch, first_answer, rasa_env, timed, tree_rss  # noqa: E402

from harness.processes import start, stop, wait_until_answers  # noqa: E402

LOCUSTFILE = ROOT / "bench" / "load" / "locustfile.py"
TOOLS = Path(sys.executable).parent


def locust(host: str, users: int, seconds: int, prefix: Path, scenario: str = "mixed") -> Path:
    command = [
        str(ROOT / "bench" / "locust.sh"),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "-u",
        str(users),
        "-r",
        str(users),
        "-t",
        f"{seconds}s",
        "--host",
        host,
        "--csv",
        str(prefix),
        "--only-summary",
        "--stop-timeout",
        "30",
        "--scenario",
        scenario,
    ]
    with open(f"{prefix}.log", "w") as log:
        subprocess.call(command, stdout=log, stderr=subprocess.STDOUT)  # 1 when requests failed
    if not Path(f"{prefix}_stats.csv").exists():
        raise RuntimeError(f"locust wrote no stats:\n{Path(f'{prefix}.log').read_text()[-3000:]}")
    return prefix


def bench_bot(name: str, label: str, args, work: Path, launch) -> dict:
    """Start one bot's servers, load them level by level, stop them; returns the figures."""
    print(f"== {label}", flush=True)
    result: Dict[str, Any] = {"label": label, "levels": []}
    with MemoryWatch() as memory:
        url, rasa, actions, started = launch(memory)
        try:
            result["cold_start"] = first_answer(url, rasa, work / f"{name}-rasa.log", started)
            print(f"   first answer after {result['cold_start']:.1f} s", flush=True)
            locust(url, 5, args.warmup, work / f"{name}-warmup")
            for users in args.levels:
                profiler = None
                if args.profile and name == "assistant" and users == 20:
                    profiler = subprocess.Popen(
                        [
                            str(TOOLS / "py-spy"),
                            "record",
                            "--nonblocking",
                            "--subprocesses",
                            "-r",
                            "50",
                            "-d",
                            str(max(5, args.duration - 5)),
                            "-p",
                            str(rasa.pid),
                            "-f",
                            "raw",
                            "-o",
                            str(work / "profile.txt"),
                        ],
                        stdout=subprocess.DEVNULL,
                        stderr=open(work / "py-spy.log", "w"),
                    )
                prefix = locust(url, users, args.duration, work / f"{name}-u{users}")
                if profiler:
                    profiler.wait(timeout=120)
                level = report.level_summary(prefix, users)
                result["levels"].append(level)
                print(
                    f"   {users:>3} conversations: {level['rps']:.1f} req/s, "
                    f"p50 {level['p50']:.0f} p95 {level['p95']:.0f} p99 {level['p99']:.0f} ms, "
                    f"{level['failures']} failed",
                    flush=True,
                )
            prefix = locust(url, args.long_users, args.long_duration, work / f"{name}-long", "long")
            turns = result["turns"] = report.turn_summary(prefix)
            print(f"   turn 1 {turns['turn1']} ms, turn 50 {turns['turn50']} ms", flush=True)
            result["memory_after"] = {k: tree_rss(p) for k, p in memory.pids.items()}
        finally:
            stop(rasa)
            stop(actions)
    result["memory"] = dict(memory.peak)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 20, 50])
    parser.add_argument("--duration", type=int, default=45, help="seconds per level")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--long-users", type=int, default=5)
    parser.add_argument("--long-duration", type=int, default=60)
    parser.add_argument("--port", type=int, default=5150, help="first of 3 ports used")
    parser.add_argument(
        "--database-url",
        default="",
        help="assistant's tracker store (default: SQLite file in the work dir)",
    )
    parser.add_argument("--no-profile", dest="profile", action="store_false")
    parser.add_argument(
        "--out",
        default=str(ROOT / "docs" / "performance.md"),
        help="report path, '-' for stdout only",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument(
        "--render",
        metavar="FIGURES_JSON",
        help="only rewrite the report from a kept run's figures.json",
    )
    parser.add_argument(
        "--only-assistant",
        action="store_true",
        help="quick check of one change: the assistant only, no training, "
        "figures printed as JSON, no report",
    )
    args = parser.parse_args()
    if args.render:
        figures = json.loads(Path(args.render).read_text())
        vars(args).update(figures["args"])
        raw = Path(args.render).parent / "profile.txt"
        if raw.exists():
            figures["assistant"]["profile"] = report.profile_summary(raw, ROOT)
        Path(args.out).write_text(write_report(args, figures, Path(args.render).parent))
        print(f"wrote {args.out}")
        return
    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    print(f"work directory: {work}", flush=True)
    started = time.monotonic()
    try:
        figures = run(args, work)
        if args.only_assistant:
            ours = figures["assistant"]
            if args.profile and (work / "profile.txt").exists():
                ours["profile"] = report.profile_summary(work / "profile.txt", ROOT)
            print(json.dumps(ours, indent=1, default=str))
            return
        figures["wall"] = time.monotonic() - started
        figures["date"] = f"{datetime.datetime.utcnow():%Y-%m-%d %H:%M}"
        figures["args"] = {
            k: getattr(args, k)
            for k in ("levels", "duration", "warmup", "long_users", "long_duration", "database_url")
        }
        (work / "figures.json").write_text(json.dumps(figures, indent=1, default=str))
        text = write_report(args, figures, work)
        if args.out == "-":
            print(text)
        else:
            Path(args.out).write_text(text)
            print(f"wrote {args.out}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def run(args, work: Path) -> dict:
    if args.only_assistant:
        return {
            "assistant": bench_bot(
                "assistant", "assistant", args, work, _assistant_launcher(args, work)
            )
        }
    starter_dir = work / "starter"
    starter_dir.mkdir()
    print("training the starter bot (rasa init --no-prompt)...", flush=True)
    starter_training = timed(
        [RASA, "init", "--no-prompt", "--init-dir", str(starter_dir)],
        work,
        rasa_env(RASA_CACHE_DIRECTORY=str(work / "cache-starter")),
        work / "starter-train.log",
    )
    print(f"   {starter_training:.0f} s\ntraining the assistant (rasa train)...", flush=True)
    training = timed(
        [
            RASA,
            "train",
            "--quiet",
            "--domain",
            "domain",
            "--fixed-model-name",
            "assistant",
            "--out",
            str(work / "assistant-model"),
        ],
        ROOT,
        rasa_env(RASA_CACHE_DIRECTORY=str(work / "cache-assistant")),
        work / "assistant-train.log",
    )
    print(f"   {training:.0f} s", flush=True)
    starter_port = args.port + 2

    def launch_starter(memory):
        t0 = time.monotonic()
        rasa = start(
            [RASA, "run", "--port", str(starter_port), "--model", "models"],
            rasa_env(),
            work / "starter-rasa.log",
            cwd=starter_dir,
        )
        memory.watch("rasa", rasa.pid)
        return f"http://127.0.0.1:{starter_port}", rasa, None, t0

    starter = bench_bot("starter", "starter bot", args, work, launch_starter)
    starter["training"] = starter_training
    ours = bench_bot("assistant", "assistant", args, work, _assistant_launcher(args, work))
    ours["training"] = training
    if args.profile and (work / "profile.txt").exists():
        ours["profile"] = report.profile_summary(work / "profile.txt", ROOT)
    return {"assistant": ours, "starter": starter}


def _assistant_launcher(args, work: Path):
    rasa_port, action_port = args.port, args.port + 1

    def launch_assistant(memory):
        env = rasa_env(
            RASA_PORT=str(rasa_port),
            ACTION_PORT=str(action_port),
            ACTION_SERVER_URL=f"http://127.0.0.1:{action_port}/webhook",
            DATABASE_URL=args.database_url or f"sqlite:///{work / 'assistant.db'}",
            RASA_AUTH_TOKEN="bench-token",
        )
        t0 = time.monotonic()
        actions = start([ROOT / "scripts" / "run_actions.sh"], env, work / "assistant-actions.log")
        rasa = start([ROOT / "scripts" / "run_rasa.sh"], env, work / "assistant-rasa.log")
        memory.watch("rasa", rasa.pid)
        memory.watch("actions", actions.pid)
        wait_until_answers(
            f"http://127.0.0.1:{action_port}/health", actions, work / "assistant-actions.log"
        )
        return f"http://127.0.0.1:{rasa_port}", rasa, actions, t0

    return launch_assistant


if __name__ == "__main__":
    main()
