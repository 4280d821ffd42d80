#!/usr/bin/env python
"""Throughput of the cluster (`make run-cluster` topology) with one vs two Rasa replicas.

Starts nginx, two Rasa replicas and two action servers on a throw-away PostgreSQL
database and Redis db (harness/cluster.py), warms them up, runs the load
benchmark's Locust set-up through nginx with both replicas, then with replica 2 stopped
and nginx reloaded with one upstream, sampling each server's memory. Writes
docs/performance-cluster.md.

    .venv/bin/python bench/bench_cluster.py   # ~4 min, on an otherwise idle machine
    .venv/bin/python bench/bench_cluster.py --duration 15 --out -            # smoke
"""

import argparse
import datetime
import os
import platform
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Dict, List

import redis
from load import report  # bench/, the script's folder, is on sys.path
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from cluster.nginx import topology_from_env, write
from harness.cluster import running_cluster
from harness.processes import ROOT

LOCUSTFILE = ROOT / "bench" / "load" / "locustfile.py"
POSTGRES = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def tree_rss_mb(pid: int) -> float:
    """Resident memory of `pid` and its descendants, in MB."""
    table = subprocess.run(
        ["ps", "-e", "-o", "pid=,ppid=,rss="], capture_output=True, text=True
    ).stdout.split("\n")
    rows = [tuple(int(x) for x in line.split()) for line in table if line.strip()]
    family, total, grew = {pid}, 0, True
    while grew:
        grew = False
        for child, parent, _ in rows:
            if parent in family and child not in family:
                family.add(child)
                grew = True
    total = sum(rss for child, _, rss in rows if child in family)
    return total / 1024


class PeakMemory(threading.Thread):
    """Peak RSS of each named process tree while running."""

    def __init__(self, pids: Dict[str, int]):
        super().__init__(daemon=True)
        self.pids, self.peak, self.stopped = pids, {k: 0.0 for k in pids}, threading.Event()

    def run(self):
        while not self.stopped.is_set():
            for name, pid in list(self.pids.items()):
                self.peak[name] = max(self.peak[name], tree_rss_mb(pid))
            time.sleep(1)


def locust(host: str, users: int, seconds: int, prefix: Path) -> dict:
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
    ]
    with open(f"{prefix}.log", "w") as log:
        subprocess.call(command, stdout=log, stderr=subprocess.STDOUT)
    if not Path(f"{prefix}_stats.csv").exists():
        raise RuntimeError(f"locust wrote no stats:\n{Path(f'{prefix}.log').read_text()[-3000:]}")
    return report.level_summary(prefix, users)


def measure(cluster, label: str, args, work: Path, pids: Dict[str, int]) -> dict:
    watch = PeakMemory(pids)
    watch.start()
    try:
        result = locust(cluster.url, args.users, args.duration, work / label)
    finally:
        watch.stopped.set()
        watch.join()
    result["memory"] = watch.peak
    print(
        f"   {label}: {result['rps']:.1f} req/s, p50 {result['p50']:.0f} "
        f"p95 {result['p95']:.0f} ms, {result['failures']} failed of {result['requests']}",
        flush=True,
    )
    return result


def to_one_replica(cluster) -> None:
    """Stop replica 2 and reload nginx with replica 1 as its only upstream."""
    process = cluster.processes["rasa2"]
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=60)
    env = {**cluster.env, "CLUSTER_RASA_SERVERS": cluster.replica_urls[0].removeprefix("http://")}
    write(topology_from_env(env), cluster.nginx_dir / "nginx.conf")
    cluster.processes["nginx"].send_signal(signal.SIGHUP)
    time.sleep(2)


def markdown(results: List[dict], args, started: datetime.datetime) -> str:
    two, one = results
    lines = [
        "# Cluster throughput: one vs two Rasa replicas",
        "",
        f"Measured {started:%Y-%m-%d %H:%M} UTC by `bench/bench_cluster.py` on this machine: "
        f"{os.cpu_count()} cores, {_memory_gb():.0f} GB, {platform.platform()}, "
        "everything on loopback (nginx, replicas, action servers, PostgreSQL, Redis and "
        "Locust share the cores). Model: `models/assistant.tar.gz`, fingerprint "
        f"`{_fingerprint()}`; Rasa replicas started by `scripts/run_rasa.sh`.",
        "",
        "Topology of `make run-cluster` (docs/deploy.md): nginx in front of the Rasa replicas "
        "(PostgreSQL tracker store, Redis lock store) and of two action servers. Load: "
        f"`bench/locust.sh -f bench/load/locustfile.py --headless -u {args.users} "
        f"-r {args.users} -t {args.duration}s --host <nginx>` (mixed conversations, no "
        "think time: closed loop), after a warm-up. One replica = replica 2 stopped and "
        "nginx reloaded with replica 1 as its only upstream.",
        "",
        "| Rasa replicas | requests | failed | req/s | p50 ms | p95 ms | p99 ms | "
        "peak RSS per replica MB | peak RSS per action server MB |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for count, row in ((1, one), (2, two)):
        replicas = [v for k, v in row["memory"].items() if k.startswith("rasa")]
        actions = [v for k, v in row["memory"].items() if k.startswith("actions")]
        lines.append(
            f"| {count} | {row['requests']} | {row['failures']} | {row['rps']:.1f} | "
            f"{row['p50']:.0f} | {row['p95']:.0f} | {row['p99']:.0f} | "
            f"{' / '.join(f'{m:.0f}' for m in replicas)} | "
            f"{' / '.join(f'{m:.0f}' for m in actions)} |"
        )
    gain = two["rps"] / one["rps"] if one["rps"] else float("nan")
    lines += [
        "",
        f"Two replicas give {gain:.2f}x the throughput of one. Message handling in Rasa is "
        "CPU-bound (tracker store, NLU and policies, all in Python) and each replica runs one "
        "event loop on one core, so a second replica helps only as far as a free core exists; "
        "on this 2-core machine the replicas compete with nginx, PostgreSQL, the action "
        "servers and Locust itself. More replicas than cores were not measured and would "
        "not help; on larger hosts, give each replica its own core.",
        "",
    ]
    return "\n".join(lines)


def _fingerprint() -> str:
    path = ROOT / "models" / ".fingerprint"
    return path.read_text().strip() if path.exists() else "unknown"


def _memory_gb() -> float:
    with open("/proc/meminfo") as handle:
        return int(handle.readline().split()[1]) / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=int, default=60, help="seconds per run")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument(
        "--out",
        default=str(ROOT / "docs" / "performance-cluster.md"),
        help="markdown report, or - for stdout",
    )
    args = parser.parse_args()
    started = datetime.datetime.now(datetime.timezone.utc)
    server = make_url(POSTGRES)
    database = server.set(database=f"bench_cluster_{uuid.uuid4().hex[:8]}")
    redis_url = os.environ.get("BENCH_CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/12")
    redis.Redis.from_url(redis_url).flushdb()
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
            work = Path(tmp)
            with running_cluster(
                work,
                database.render_as_string(hide_password=False),
                redis_url,
                key_prefix="benchcluster",
                lock_lifetime=20,
            ) as cluster:
                pids = {name: p.pid for name, p in cluster.processes.items() if name != "nginx"}
                print("== warm-up", flush=True)
                locust(cluster.url, 5, args.warmup, work / "warmup")
                print("== 2 replicas", flush=True)
                two = measure(cluster, "two", args, work, pids)
                to_one_replica(cluster)
                del pids["rasa2"]
                print("== 1 replica", flush=True)
                one = measure(cluster, "one", args, work, pids)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database.database}" WITH (FORCE)'))
        admin.dispose()
        redis.Redis.from_url(redis_url).flushdb()
    document = markdown([two, one], args, started)
    if args.out == "-":
        print(document)
    else:
        Path(args.out).write_text(document)
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
