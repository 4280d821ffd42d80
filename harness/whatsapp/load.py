"""Simulated patients on the WhatsApp Cloud webhook, each waiting for the reply to its last
message as a person would; some messages are delivered twice, as Meta does when it retries.
`simulate` reports every turn that lost or doubled a reply (tests/whatsapp, and
bench/bench_whatsapp.py for the timings).
"""

import asyncio
import os
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import aiohttp

from channels.whatsapp.cloud_output import turn_ref
from harness.whatsapp import meta
from harness.whatsapp.fake_graph import FakeGraph, Sent

# what the simulated patients write (English, Hinglish, Hindi; one red flag)
SCRIPT = [
    "hello",
    "What is kyphoplasty?",
    "what is vertebroplasty",
    "How is the procedure done?",
    "Who is a candidate for this procedure?",
    "What kind of fractures are treated?",
    "are you a bot?",
    "What is sacroplasty?",
    "thank you",
    "What is the difference between kyphoplasty and vertebroplasty?",
    "kyphoplasty kya hota hai",
    "What is vertebral augmentation?",
    "hi",
    "thanks a lot",
    "I can't control my bladder since yesterday",
    "what is kyphoplsty",
    "bye",
    "वर्टेब्रोप्लास्टी क्या है",
    "who can get kyphoplasty",
    "ok thanks",
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


async def simulate(
    webhook_url: str,
    graph: FakeGraph,
    users: int = 50,
    messages: int = 20,
    app_secret: str = meta.APP_SECRET,
    timeout: float = 120.0,
) -> Report:
    """Run the patients against `webhook_url`; the channel must send to `graph`."""
    tracker = ReplyTracker(asyncio.get_running_loop())
    graph.listen(tracker.on_sent)
    run = secrets.randbelow(10**6)
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
            body, headers = meta.signed(
                meta.one(wa_id, meta.text(wa_id, text, mid=mid)), app_secret
            )
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
        users=users,
        messages=messages,
        posts=len(answer_times),
        redeliveries=redeliveries,
        wall=wall,
        answer_times=answer_times,
        first_reply_times=[t.first_at - t.sent_at for t in done if t.first_at is not None],
        turn_times=[t.done_at - t.sent_at for t in done if t.done_at is not None],
        lost=len(turns) - len(done),
        doubled=sum(1 for t in turns if any(c > 1 for c in t.parts.values())),
        unexpected=tracker.unexpected,
        refused=refused,
        load_before=load_before,
    )
