"""Time the red-flag detector per message (target: p95 under 2 ms on this machine).

    .venv/bin/python bench/bench_red_flags.py [--rounds 5]

Runs every phrase of tests/redflags/*.yml through RedFlagDetector.examine (what the NLU
screen runs, once per message), several rounds after a warm-up, and writes the
distribution to docs/bench-red-flags.md: wall-clock time, and the CPU time of the
measuring thread, which other processes on a shared machine do not inflate.
"""

import argparse
import os
import platform
import statistics
import time
from pathlib import Path

import yaml

from redflags import RedFlagDetector

ROOT = Path(__file__).resolve().parents[1]

OUT = ROOT / "docs/bench-red-flags.md"


# A hand-written section of the page, from this heading on, is kept when the page is
# rewritten: before/after figures of changes, measured side by side.
NOTES = "## Changes measured"


def kept_notes(path: Path) -> str:
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    return "\n" + old[old.index(NOTES) :] if NOTES in old else ""


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    detector = RedFlagDetector()
    build_ms = (time.perf_counter() - started) * 1000
    phrases = []
    for path in sorted((ROOT / "tests/redflags").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data.get("cases", []) + data.get("conversations", []):
            phrases += [case["text"]] if "text" in case else [t["text"] for t in case["turns"]]
    for phrase in phrases:
        detector.examine(phrase)
    times, cpu = [], []
    load = os.getloadavg()[0]
    for _ in range(args.rounds):
        for phrase in phrases:
            started, started_cpu = time.perf_counter(), time.thread_time()
            detector.examine(phrase)
            cpu.append((time.thread_time() - started_cpu) * 1000)
            times.append((time.perf_counter() - started) * 1000)
    long_message = " ".join(phrases[:40])
    started, started_cpu = time.perf_counter(), time.thread_time()
    detector.examine(long_message)
    long_ms = (time.perf_counter() - started) * 1000
    long_cpu = (time.thread_time() - started_cpu) * 1000
    load = max(load, os.getloadavg()[0])
    rows = [
        ("median", statistics.median(times), statistics.median(cpu)),
        ("p95", percentile(times, 0.95), percentile(cpu, 0.95)),
        ("p99", percentile(times, 0.99), percentile(cpu, 0.99)),
        ("max", max(times), max(cpu)),
    ]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    text = "\n".join(
        [
            "# Red-flag detector: time per message",
            "",
            "Measured by `.venv/bin/python bench/bench_red_flags.py` "
            f"({len(phrases)} phrases x {args.rounds} rounds after a warm-up; one process, "
            f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
            f"{time.strftime('%Y-%m-%d')}; load average up to {load:.1f} during the run).",
            "",
            "| measure | wall ms | CPU ms |",
            "| --- | --- | --- |",
            *(f"| {name} | {wall:.3f} | {used:.3f} |" for name, wall, used in rows),
            f"| one message of {len(long_message)} characters | {long_ms:.3f} | {long_cpu:.3f} |",
            f"| building the detector (once per process) | {build_ms:.0f} | |",
            "",
            "Target: p95 under 2 ms a message. On a machine shared with other work (a load",
            "average above the number of CPUs), wall time includes the time the process waited",
            "for a CPU; the CPU time does not.",
            "The end-to-end reply time of a red-flag message over REST is in",
            "`docs/bench-red-flag-reply.md`.",
            "",
        ]
    )
    OUT.write_text(text + kept_notes(OUT), encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
