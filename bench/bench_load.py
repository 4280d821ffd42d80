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
import platform
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
from load.servers import MemoryWatch, first_answer, rasa_env, timed, tree_rss  # noqa: E402

from harness.processes import start, stop, wait_until_answers  # noqa: E402

LOCUSTFILE = ROOT / "bench" / "load" / "locustfile.py"
RASA = str(ROOT / ".venv" / "bin" / "rasa")
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


def write_report(args, figures: dict, work: Path) -> str:
    ours, starter = figures["assistant"], figures["starter"]
    plot_path = ROOT / "docs" / "performance-latency.png"
    if args.out != "-":
        report.plot(figures, plot_path)
    mb = report.MB
    lines = [
        "# Performance: load benchmark against Rasa's starter bot",
        "",
        "Generated by `bench/bench_load.py`; reproduce with",
        "",
        "```bash",
        ".venv/bin/python bench/bench_load.py   # ~11 min, on an otherwise idle machine",
        "```",
        "",
        f"Run of {figures['date']} UTC, {figures['wall'] / 60:.1f} min, "
        f"on {_machine()}. Both bots run on the same Rasa {_rasa_version()} and venv, one "
        "after the other, with no other benchmark or test running. "
        "The starter bot is made on the fly with `rasa init --no-prompt` in a temporary "
        "folder.",
        "",
        "Load: [Locust](https://locust.io) (`bench/load/locustfile.py`, run through "
        "`bench/locust.sh`) posts to `POST /webhooks/rest/webhook`. Each simulated user is "
        "one conversation with its own sender id that sends its next message as soon as "
        "the reply to the previous one arrives (closed loop, no think time, so throughput "
        "is what the server can do), then starts a new conversation. Conversations "
        "(`bench/load/conversations.py`) are drawn with weights 4:3:2:1 from: greeting and "
        "FAQ questions (English, Hinglish, Hindi); a full symptom triage answered with the "
        "buttons; an appointment request; and a conversation with a red flag (bladder). "
        "Both bots get the same messages."
        f" Each level runs {args.duration} s after a {args.warmup} s warm-up; the "
        f"turn-1 vs turn-50 figures come from {args.long_users} concurrent 50-turn "
        f"conversations for {args.long_duration} s. The assistant runs as `make run` runs "
        "it (`scripts/run_rasa.sh`, `scripts/run_actions.sh`, SQL tracker store on "
        f"{'SQLite' if not args.database_url else args.database_url.split(':')[0]}, "
        "custom NLG), the starter bot with `rasa run` (in-memory tracker store, no action "
        "server).",
        "",
        "## Targets",
        "",
        "| target | assistant | starter bot | met |",
        "| --- | --- | --- | --- |",
    ]
    for target, mine, theirs, met in report.targets(ours, starter):
        lines.append(f"| {target} | {mine} | {theirs} | {'yes' if met else '**no**'} |")
    lines += [
        "",
        "## Throughput and latency by concurrency",
        "",
        f"![latency against concurrency]({plot_path.name})",
        "",
        "| conversations | bot | requests | errors | req/s | p50 ms | p95 ms | p99 ms |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for a, s in zip(ours["levels"], starter["levels"]):
        for bot, row in (("assistant", a), ("starter bot", s)):
            lines.append(
                f"| {row['users']} | {bot} | {row['requests']} | {row['failures']} | "
                f"{row['rps']:.1f} | {row['p50']:.0f} | {row['p95']:.0f} | "
                f"{row['p99']:.0f} |"
            )
        lines.append(
            f"| {a['users']} | ratio assistant / starter | | | "
            f"{report.ratio(a['rps'], s['rps'])} | {report.ratio(a['p50'], s['p50'])} | "
            f"{report.ratio(a['p95'], s['p95'])} | {report.ratio(a['p99'], s['p99'])} |"
        )
    lines += [
        "",
        "## Long conversations: turn 1 vs turn 50",
        "",
        "Median latency (ms) of a turn over all the 50-turn conversations of the run.",
        "",
        "| bot | turn 1 | turn 50 | turn 50 / turn 1 | mean of turns 1-5 | of turns 46-50 "
        "| conversations | errors |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for bot in (ours, starter):
        t = bot["turns"]
        lines.append(
            f"| {bot['label']} | {t['turn1']:.0f} | {t['turn50']:.0f} | "
            f"{report.ratio(t['turn50'], t['turn1'])} | {t['first5']:.0f} | "
            f"{t['last5']:.0f} | {t['conversations']} | {t['failures']} |"
        )
    lines += [
        "",
        "## Start, memory, training",
        "",
        "| | assistant | starter bot | ratio |",
        "| --- | --- | --- | --- |",
        f"| cold start: process start to first answer | {ours['cold_start']:.1f} s | "
        f"{starter['cold_start']:.1f} s | "
        f"{report.ratio(ours['cold_start'], starter['cold_start'])} |",
        f"| peak RSS, Rasa server (process tree) | {ours['memory']['rasa'] / mb:.0f} MB | "
        f"{starter['memory']['rasa'] / mb:.0f} MB | "
        f"{report.ratio(ours['memory']['rasa'], starter['memory']['rasa'])} |",
        f"| peak RSS, action server | {ours['memory']['actions'] / mb:.0f} MB | none | |",
        f"| training from a cold cache | {ours['training']:.0f} s | "
        f"{starter['training']:.0f} s (`rasa init`, incl. scaffolding) | "
        f"{report.ratio(ours['training'], starter['training'])} |",
        "",
    ]
    changes = ROOT / report.TARGETS
    if changes.exists():
        lines += [changes.read_text().rstrip(), ""]
    profile = ours.get("profile")
    if profile:
        lines += [
            "## Profile of the assistant's Rasa server at 20 conversations",
            "",
            f"py-spy, {profile['samples']} samples at 50 Hz of the busy threads during "
            "the 20-conversation level (`--nonblocking`).",
            "",
            "Self time by package:",
            "",
            "| package | share |",
            "| --- | --- |",
        ]
        for name, count in profile["by_package"]:
            lines.append(f"| {name} | {100 * count / profile['samples']:.1f}% |")
        lines += [
            "",
            "Time by stage of a message (a stage's share includes its parts, marked -):",
            "",
            "| stage | share |",
            "| --- | --- |",
        ]
        for name, count in profile["stages"]:
            lines.append(f"| {name} | {100 * count / profile['samples']:.1f}% |")
        for name, count in profile.get("cut", []):
            lines.append(
                f"| stacks py-spy could not unwind to the top, deepest in `{name}` "
                f"| {100 * count / profile['samples']:.1f}% |"
            )
        lines.append("")
    return "\n".join(lines)


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import psutil

    return (
        f"{os.cpu_count()} cores ({cpu}), {psutil.virtual_memory().total / 2**30:.0f} GB RAM, "
        f"Python {platform.python_version()}"
    )


def _rasa_version() -> str:
    out = subprocess.run(
        [RASA, "--version"],
        capture_output=True,
        text=True,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    ).stdout
    for line in out.splitlines():
        if line.startswith("Rasa Version"):
            return line.split(":", 1)[1].strip()
    return "?"


if __name__ == "__main__":
    main()
