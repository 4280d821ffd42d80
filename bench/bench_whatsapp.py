#!/usr/bin/env python
"""Load test of the WhatsApp Cloud channel through its signed webhook.

Starts the real Rasa and action servers (tests/servers.py) with the Cloud channel
sending to a local fake Graph API, then lets simulated patients send messages, each
waiting for the reply to the previous one as a person would. Some messages are
delivered twice, as Meta does when it retries. Checks that every message got exactly
one reply turn (none lost, none doubled) and writes the timings to docs/bench-whatsapp.md.

    .venv/bin/python bench/bench_whatsapp.py                 # 50 patients x 20 messages
    .venv/bin/python bench/bench_whatsapp.py --users 5 --messages 4 --out -
"""
import argparse
import asyncio
import datetime
import os
import platform
import secrets
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from channels.whatsapp.cloud_output import turn_ref  # noqa: E402
from tests.whatsapp import meta  # noqa: E402
from tests.whatsapp.fake_graph import FakeGraph, Sent  # noqa: E402

# what the simulated patients write (English, Hinglish, Hindi; one red flag)
SCRIPT = [
    "hello", "What is kyphoplasty?", "what is vertebroplasty", "How is the procedure done?",
    "Who is a candidate for this procedure?", "What kind of fractures are treated?",
    "are you a bot?", "What is sacroplasty?", "thank you",
    "What is the difference between kyphoplasty and vertebroplasty?",
    "kyphoplasty kya hota hai", "What is vertebral augmentation?", "hi", "thanks a lot",
    "I can't control my bladder since yesterday", "what is kyphoplsty", "bye",
    "वर्टेब्रोप्लास्टी क्या है", "who can get kyphoplasty", "ok thanks",
]
REDELIVER_AT = (3, 11)  # these message numbers of every patient are delivered twice


@dataclass
class Turn:
    sent_at: float
    first_at: Optional[float] = None
    done_at: Optional[float] = None
    parts: Counter = field(default_factory=Counter)
    total: int = 0


class ReplyTracker:
    """Follows the fake Graph API: which reply parts of which turn arrived, and when."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.turns: Dict[str, Turn] = {}
        self.events: Dict[str, asyncio.Event] = {}
        self.unexpected = 0
        self._lock = threading.Lock()

    def expect(self, tag: str) -> asyncio.Event:
        with self._lock:
            self.turns[tag] = Turn(sent_at=time.monotonic())
            self.events[tag] = asyncio.Event()
            return self.events[tag]

    def on_sent(self, sent: Sent) -> None:  # runs in the fake server's thread
        tag, _, part = str(sent.body.get("biz_opaque_callback_data", "")).rpartition(":")
        with self._lock:
            turn = self.turns.get(tag)
            if turn is None or "/" not in part:
                self.unexpected += 1
                return
            number, total = (int(x) for x in part.split("/"))
            turn.parts[number] += 1
            turn.total = total
            turn.first_at = turn.first_at or sent.at
            if turn.done_at is None and all(turn.parts[n] for n in range(1, total + 1)):
                turn.done_at = sent.at
                self.loop.call_soon_threadsafe(self.events[tag].set)


@dataclass
class Report:
    users: int
    messages: int
    posts: int
    redeliveries: int
    wall: float
    answer_times: List[float]
    first_reply_times: List[float]
    turn_times: List[float]
    lost: int
    doubled: int
    unexpected: int
    refused: int
    load_before: tuple = (0.0, 0.0, 0.0)

    @property
    def ok(self) -> bool:
        return not (self.lost or self.doubled or self.unexpected or self.refused)


def percentile(values: List[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


async def simulate(webhook_url: str, graph: FakeGraph, users: int = 50, messages: int = 20,
                   app_secret: str = meta.APP_SECRET, timeout: float = 120.0) -> Report:
    """Run the patients against `webhook_url`; the channel must send to `graph`."""
    tracker = ReplyTracker(asyncio.get_running_loop())
    graph.listen(tracker.on_sent)
    run = secrets.randbelow(10 ** 6)
    answer_times: List[float] = []
    refused = redeliveries = 0

    async def post(http: aiohttp.ClientSession, body: bytes, headers: Dict[str, str]) -> None:
        nonlocal refused
        started = time.monotonic()
        async with http.post(webhook_url, data=body, headers=headers) as answer:
            await answer.read()
            refused += answer.status != 200
        answer_times.append(time.monotonic() - started)

    async def patient(http: aiohttp.ClientSession, number: int) -> None:
        nonlocal redeliveries
        wa_id = f"91{run:06d}{number:04d}"
        for index in range(messages):
            text = SCRIPT[(number + index) % len(SCRIPT)]
            mid = f"wamid.bench.{run}.{number}.{index}"
            body, headers = meta.signed(meta.one(wa_id, meta.text(wa_id, text, mid=mid)),
                                        app_secret)
            done = tracker.expect(turn_ref(mid))
            await post(http, body, headers)
            if index in REDELIVER_AT:  # Meta's retry: the very same delivery again
                redeliveries += 1
                await post(http, body, headers)
            try:
                await asyncio.wait_for(done.wait(), timeout)
            except asyncio.TimeoutError:
                pass

    load_before = os.getloadavg()
    started = time.monotonic()
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
        await asyncio.gather(*(patient(http, n) for n in range(users)))
    wall = time.monotonic() - started
    await asyncio.sleep(3)  # late or doubled replies would arrive now
    turns = list(tracker.turns.values())
    done = [t for t in turns if t.done_at is not None]
    return Report(
        users=users, messages=messages, posts=len(answer_times), redeliveries=redeliveries,
        wall=wall, answer_times=answer_times,
        first_reply_times=[t.first_at - t.sent_at for t in done],
        turn_times=[t.done_at - t.sent_at for t in done],
        lost=len(turns) - len(done),
        doubled=sum(1 for t in turns if any(c > 1 for c in t.parts.values())),
        unexpected=tracker.unexpected, refused=refused, load_before=load_before)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def markdown(report: Report) -> str:
    rows = [("webhook answer (all POSTs)", report.answer_times),
            ("time to first reply message", report.first_reply_times),
            ("time to the whole reply turn", report.turn_times)]
    table = "\n".join(f"| {name} | {ms(percentile(v, .5))} | {ms(percentile(v, .95))} | "
                      f"{ms(max(v) if v else float('nan'))} |" for name, v in rows)
    turns = report.users * report.messages
    cpu = platform.processor() or platform.machine()
    load = ", ".join(f"{x:.1f}" for x in report.load_before)
    return f"""# WhatsApp Cloud channel: load test

Generated by `bench/bench_whatsapp.py` on {datetime.date.today().isoformat()}
({os.cpu_count()} CPU cores, {cpu}, Python {platform.python_version()}; load average
before the run {load}, i.e. other work was sharing the machine when it is above 0).

{report.users} simulated patients send {report.messages} messages each ({turns} turns) through the
signed webhook `/webhooks/whatsapp/webhook` of the real Rasa server (with the action
server), all at once; each patient waits for the reply to a message before sending the
next. Messages {", ".join(str(n + 1) for n in REDELIVER_AT)} of every patient are delivered twice, as Meta does
when it retries ({report.redeliveries} repeated deliveries). The channel sends its replies to a
local fake Graph API, which answers at once: the times measure the channel and the Rasa
turn, not Meta's network.

## Result: {"every message got exactly one reply turn" if report.ok else "FAILED"}

| check | count |
| --- | --- |
| webhook POSTs | {report.posts} |
| POSTs not answered 200 | {report.refused} |
| turns without a complete reply (lost) | {report.lost} |
| turns replied more than once (doubled) | {report.doubled} |
| replies to no known message | {report.unexpected} |

| time | p50 | p95 | max |
| --- | --- | --- | --- |
{table}

Throughput: {turns / report.wall:.1f} turns/s ({report.wall:.0f} s for all {turns} turns).

Reproduce with `.venv/bin/python bench/bench_whatsapp.py` (about {max(1, round(report.wall / 60))} min
plus the servers' start).
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--rasa-port", type=int, help="default: a free port")
    parser.add_argument("--action-port", type=int, help="default: a free port")
    parser.add_argument("--out", default=str(ROOT / "docs" / "bench-whatsapp.md"),
                        help="where to write the report ('-' prints it)")
    args = parser.parse_args()

    from tests.servers import assistant_servers

    with tempfile.TemporaryDirectory() as tmp, FakeGraph() as graph:
        env = {"WHATSAPP_VERIFY_TOKEN": meta.VERIFY_TOKEN, "WHATSAPP_APP_SECRET": meta.APP_SECRET,
               "WHATSAPP_ACCESS_TOKEN": meta.ACCESS_TOKEN,
               "WHATSAPP_PHONE_NUMBER_ID": meta.PHONE_NUMBER_ID,
               "WHATSAPP_GRAPH_BASE_URL": graph.url,
               "WHATSAPP_REDIS_URL": os.environ.get("WHATSAPP_REDIS_URL",
                                                    "redis://127.0.0.1:6379/0")}
        with assistant_servers(Path(tmp), rasa_port=args.rasa_port, action_port=args.action_port,
                               extra_env=env) as servers:
            url = f"{servers.rasa_url}/webhooks/whatsapp/webhook"
            report = asyncio.run(simulate(url, graph, args.users, args.messages))
    text = markdown(report)
    if args.out == "-":
        print(text)
    else:
        Path(args.out).write_text(text, encoding="utf-8")
        print(text)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
