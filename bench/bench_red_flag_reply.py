"""End-to-end reply time for red-flag messages over POST /webhooks/rest/webhook.

Starts the real Rasa and action servers (as `make run` does), sends every EMERGENCY
phrase of tests/redflags/cases.yml once from a new patient (first message of a
conversation) and once in the middle of a conversation, and writes the timings to
docs/bench-red-flag-reply.md. Then, in this process with the servers stopped, the CPU
time the red-flag policy takes to decide on each of those messages: with the parse
result as the screen publishes it, and without `red_flag_context` (a tracker written
before the key existed, which the policy screens again: the work it did on every
message before the screen published its analysis). CPU time is not inflated by other
processes on a shared machine.

    .venv/bin/python bench/bench_red_flag_reply.py
"""

import os
import platform
import statistics
import tempfile
import time
from pathlib import Path
from typing import List

import yaml

from harness.processes import ROOT
from harness.servers import assistant_servers
from redflags import EMERGENCY, load_rules

# A hand-written section of the page, from this heading on, is kept when the page is
# rewritten: before/after figures of changes, measured side by side.
NOTES = "## Changes measured"


def kept_notes(path: Path) -> str:
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    return "\n" + old[old.index(NOTES) :] if NOTES in old else ""


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def policy_cpu_ms(phrases: List[str], keep_context: bool) -> List[float]:
    """CPU ms of RedFlagPolicy's decision on each phrase (3 rounds after a warm-up)."""
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.shared.importers.importer import TrainingDataImporter
    from rasa.shared.nlu.training_data.message import Message

    from assistant.red_flag_policy import RedFlagPolicy
    from assistant.red_flag_screen import RedFlagScreen
    from contract import RED_FLAG_CONTEXT

    domain = TrainingDataImporter.load_from_dict(
        domain_path=str(ROOT / "domain"), training_data_paths=[str(ROOT / "data")]
    ).get_domain()
    with tempfile.TemporaryDirectory() as tmp:
        policy = RedFlagPolicy.create(
            RedFlagPolicy.get_default_config(),
            LocalModelStorage(Path(tmp)),
            Resource("red_flag_policy"),
            ExecutionContext(GraphSchema({}), "bench"),
        )
    trackers = []
    for phrase in phrases:
        message = Message(data={"text": phrase, "intent": {"name": "inform", "confidence": 0.9}})
        RedFlagScreen().screen(message)
        parse = message.as_dict(only_output_properties=True)
        if not keep_context:
            parse.pop(RED_FLAG_CONTEXT, None)
        said = UserUttered(phrase, intent=message.get("intent"), parse_data=parse)
        events = [ActionExecuted("action_listen"), said]
        trackers.append(DialogueStateTracker.from_events("bench", events, slots=domain.slots))
    times = []
    for round_ in range(4):
        for tracker in trackers:
            started = time.thread_time()
            policy.predict_action_probabilities(tracker, domain)
            if round_:
                times.append((time.thread_time() - started) * 1000)
    return times


def main() -> None:
    level = {n: s["level"] for n, s in load_rules()["categories"].items()}
    cases = yaml.safe_load((ROOT / "tests/redflags/cases.yml").read_text())["cases"]
    phrases = [c["text"] for c in cases if any(level[x] == EMERGENCY for x in c["expect"])]
    first, middle, wrong = [], [], 0
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp, assistant_servers(Path(tmp)) as servers:
        servers.say("warm-up", "hello")
        for number, phrase in enumerate(phrases):
            started = time.perf_counter()
            replies = servers.say(f"bench-first-{number}", phrase)
            first.append((time.perf_counter() - started) * 1000)
            wrong += not replies[0]["text"].startswith("⚠️")
            servers.say(f"bench-middle-{number}", "what is kyphoplasty")
            started = time.perf_counter()
            replies = servers.say(f"bench-middle-{number}", phrase)
            middle.append((time.perf_counter() - started) * 1000)
            wrong += not replies[0]["text"].startswith("⚠️")
            load = max(load, os.getloadavg()[0])
    rows = [("first message of a conversation", first), ("after an FAQ answer", middle)]
    decided = [
        ("as published (`red_flag_context`)", policy_cpu_ms(phrases, keep_context=True)),
        ("without `red_flag_context`: screened again", policy_cpu_ms(phrases, keep_context=False)),
    ]
    lines = [
        "# Red-flag reply time, end to end",
        "",
        f"`bench/bench_red_flag_reply.py`: {len(phrases)} EMERGENCY phrases from the test "
        "table, each sent over `POST /webhooks/rest/webhook` to the real servers "
        "(one request at a time), measured at the client.",
        "",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d')}, load average up to {load:.1f} during the run (above "
        f"{os.cpu_count()}, the servers and the client waited for a CPU).",
        "",
        "| when | messages | median ms | p95 ms | max ms |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, values in rows:
        lines.append(
            f"| {name} | {len(values)} | {statistics.median(values):.0f} | "
            f"{percentile(values, 0.95):.0f} | {max(values):.0f} |"
        )
    lines += ["", f"Replies that did not start with the emergency advice: {wrong}.", ""]
    lines += [
        "The red-flag policy's decision on the same messages, in process (CPU time of the",
        "thread, 3 rounds after a warm-up):",
        "",
        "| parse result | decisions | median ms | p95 ms |",
        "| --- | --- | --- | --- |",
        *(
            f"| {name} | {len(values)} | {statistics.median(values):.3f} | "
            f"{percentile(values, 0.95):.3f} |"
            for name, values in decided
        ),
        "",
    ]
    out = ROOT / "docs/bench-red-flag-reply.md"
    out.write_text("\n".join(lines) + kept_notes(out), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
