"""Read Locust's CSV, summarise a py-spy profile, write docs/performance.md and its plot."""

import csv
from collections import Counter
from pathlib import Path
from typing import Dict, List

MB = 1024 * 1024
TARGETS = "bench/load/changes.md"


def locust_stats(prefix: Path) -> Dict[str, dict]:
    """Rows of Locust's <prefix>_stats.csv by request name, numbers as floats."""
    rows = {}
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            rows[row["Name"]] = {k: _number(v) for k, v in row.items()}
    return rows


def _number(value: str):
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def level_summary(prefix: Path, users: int) -> dict:
    total = locust_stats(prefix)["Aggregated"]
    return {
        "users": users,
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "rps": total["Requests/s"],
        "p50": total["50%"],
        "p95": total["95%"],
        "p99": total["99%"],
    }


def turn_summary(prefix: Path) -> dict:
    """Median latency of each turn of the 50-turn conversations."""
    stats = locust_stats(prefix)
    turns = {int(name.split()[1]): row for name, row in stats.items() if name.startswith("turn ")}
    medians = {n: row["50%"] for n, row in turns.items()}
    counts = {n: int(row["Request Count"]) for n, row in turns.items()}
    first = [medians[n] for n in range(1, 6) if n in medians]
    last = [medians[n] for n in range(46, 51) if n in medians]
    return {
        "medians": medians,
        "counts": counts,
        "conversations": counts.get(50, 0),
        "failures": int(stats["Aggregated"]["Failure Count"]),
        "turn1": medians.get(1),
        "turn50": medians.get(50),
        "first5": sum(first) / len(first) if first else None,
        "last5": sum(last) / len(last) if last else None,
    }


# stages of a message in the Rasa server: (label, text of a frame that marks it)
STAGES = [
    ("NLU pipeline (parse)", "parse_message (rasa/core/processor.py"),
    ("- featurizers (word and character n-gram counts)", "(rasa/nlu/featurizers/"),
    (
        "- intent classifier (TF-IDF + logistic regression)",
        "process (rasa/nlu/classifiers/logistic_regression_classifier.py",
    ),
    ("- FAQ topic (TF-IDF + logistic regression)", "process (assistant/classifiers.py"),
    ("- red-flag screen", "(assistant/red_flag_screen.py"),
    ("dialogue policies (next action)", "_predict_next_with_tracker (rasa/core/processor.py"),
    ("tracker store (SQL: load, count, save)", "(rasa/core/tracker_store.py"),
    ("custom actions (HTTP call to the action server)", "run (rasa/core/actions/action.py"),
    ("- schema check of the action server's reply", "validate_action_result ("),
    ("responses (NLG)", "(assistant/nlg.py"),
]


def profile_summary(raw: Path, root: Path, top: int = 15) -> dict:
    """Where the sampled time went: self time by package, inclusive time by stage."""
    by_package: Counter[str] = Counter()
    stages: Counter[str] = Counter()
    cut: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, field = line.rpartition(" ")
        if not stack or not field.isdigit():
            continue
        count = int(field)
        total += count
        frames = [f for f in stack.split(";") if not f.startswith("process ")]
        by_package[_package(frames[-1], root)] += count
        if not frames[0].startswith("<module>"):  # py-spy could not unwind the whole stack
            cut[_package(frames[0], root)] += count
        for label, marker in STAGES:
            if marker in stack:
                stages[label] += count
    return {
        "samples": total,
        "by_package": by_package.most_common(top),
        "stages": [(label, stages[label]) for label, _ in STAGES],
        "cut": cut.most_common(3),
    }


def _function(frame: str) -> str:
    name, _, where = frame.partition(" (")
    path = where.split(":")[0]
    if "site-packages/" in path:
        path = path.split("site-packages/")[1]
    return f"{name} ({path})"


def _package(frame: str, root: Path) -> str:
    """Top-level package of a frame's file (py-spy shortens paths to the import path)."""
    path = frame.partition(" (")[2].rsplit(":", 1)[0]
    if "site-packages/" in path:
        path = path.split("site-packages/")[1]
    elif path.startswith(str(root)):
        path = path[len(str(root)) + 1 :]
    top = path.split("/")[0].removesuffix(".py")
    if (root / top).is_dir() and not top.startswith("."):
        return f"project: {top}"
    return top or "native"


def plot(results: Dict[str, dict], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (latency, throughput) = plt.subplots(1, 2, figsize=(10, 4))
    for bot, color in (("assistant", "tab:blue"), ("starter", "tab:orange")):
        levels = results[bot]["levels"]
        users = [level["users"] for level in levels]
        for key, style in (("p50", "-o"), ("p95", "--s")):
            latency.plot(
                users,
                [level[key] for level in levels],
                style,
                color=color,
                label=f"{results[bot]['label']} {key}",
            )
        throughput.plot(
            users,
            [level["rps"] for level in levels],
            "-o",
            color=color,
            label=results[bot]["label"],
        )
    throughput.set_ylim(bottom=0)
    latency.set(
        xlabel="concurrent conversations",
        ylabel="latency (ms)",
        title="Latency of POST /webhooks/rest/webhook",
    )
    latency.axhline(250, color="grey", linewidth=0.8, linestyle=":")
    throughput.set(xlabel="concurrent conversations", ylabel="requests / s", title="Throughput")
    for axis in (latency, throughput):
        axis.grid(alpha=0.3)
        axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(out, dpi=110)


def ratio(a, b) -> str:
    return f"{a / b:.2f}x" if a and b else "n/a"


def targets(ours: dict, starter: dict) -> List[tuple]:
    """(target, assistant's figure, starter's, met?) for each target of the issue."""
    at20 = {r["users"]: r for r in ours["levels"]}.get(20)
    st20 = {r["users"]: r for r in starter["levels"]}.get(20)
    t = ours["turns"]
    rows = []
    if at20 and st20:
        rows.append(
            (
                "throughput at 20 conversations >= 2x starter's",
                f"{at20['rps']:.1f} req/s ({ratio(at20['rps'], st20['rps'])})",
                f"{st20['rps']:.1f} req/s",
                at20["rps"] >= 2 * st20["rps"],
            )
        )
        rows.append(
            (
                "p95 at 20 conversations < 250 ms",
                f"{at20['p95']:.0f} ms",
                f"{st20['p95']:.0f} ms",
                at20["p95"] < 250,
            )
        )
    rows.append(
        (
            "turn-50 median within 20% of turn-1",
            f"{t['turn1']:.0f} → {t['turn50']:.0f} ms ({ratio(t['turn50'], t['turn1'])})",
            f"{starter['turns']['turn1']:.0f} → {starter['turns']['turn50']:.0f} ms",
            t["turn50"] <= 1.2 * t["turn1"],
        )
    )
    rows.append(
        (
            "cold start < 20 s",
            f"{ours['cold_start']:.1f} s",
            f"{starter['cold_start']:.1f} s",
            ours["cold_start"] < 20,
        )
    )
    rows.append(
        (
            "Rasa server memory < 900 MB",
            f"{ours['memory']['rasa'] / MB:.0f} MB",
            f"{starter['memory']['rasa'] / MB:.0f} MB",
            ours["memory"]["rasa"] < 900 * MB,
        )
    )
    rows.append(
        (
            "training < 3 min",
            f"{ours['training']:.0f} s",
            f"{starter['training']:.0f} s",
            ours["training"] < 180,
        )
    )
    return rows
