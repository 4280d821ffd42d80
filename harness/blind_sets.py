"""Measure the red-flag screen on a frozen blind set (tests/redflags/blind-*.yml).

    python -m harness.blind_sets tests/redflags/blind-2026-11.yml [--json out.json]

Single messages are screened one by one; conversations turn by turn with the
conversation's clinical context (redflags.conversation), as the Rasa server does.
A message labelled EMERGENCY counts as flagged when the screen gives an EMERGENCY
finding, confirmed or possible (both answers carry the emergency number); URGENT
when it gives any finding. For messages labelled NONE it counts confirmed findings
(false alarms) and possible EMERGENCY findings (which get the safety question).
Recall is reported per level and language with 95% Wilson intervals.
"""

import argparse
import json
import math
import sys
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

from contract import CONFIRMED, EMERGENCY, POSSIBLE, URGENT
from redflags import RedFlagDetector

LANGS = ("en", "hinglish", "hi", "mixed")
# The blind sets and what they are now: a set used for tuning is a regression table.
BLIND_SETS = (
    ("blind-2026-11.yml", "regression table: measured, then tuned on"),
    ("blind-2026-12.yml", "regression table: measured, then tuned on"),
    ("blind-2026-12b.yml", "regression table: measured, then tuned on"),
    ("blind-2026-12c.yml", "regression table: measured, then tuned on"),
    ("blind-2026-12d.yml", "regression table: measured, then tuned on"),
    ("blind-2026-12e.yml", "regression table: measured, then tuned on"),
    ("blind-2026-12g.yml", "regression table: measured, then tuned on"),
    ("blind-2026-12f.yml", "regression table: measured, then tuned on"),
    ("blind-2026-12h.yml", "regression table: measured, then tuned on"),
    ("blind-2026-12i.yml", "regression table: measured, then tuned on"),
    ("blind-2026-12j.yml", "regression table: measured, then tuned on"),
    ("blind-2026-12k.yml", "regression table: measured, then tuned on"),
    ("blind-2026-12l.yml", "held out: measured only, never tuned on"),
)


def wilson(hit: int, n: int, z: float = 1.96) -> Tuple[float, float]:
    """95% Wilson score interval for hit/n (0..1)."""
    if not n:
        return 0.0, 0.0
    p = hit / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def fmt(hit: int, n: int) -> str:
    if not n:
        return "-"
    low, high = wilson(hit, n)
    return f"{hit}/{n} ({100 * hit / n:.1f}%, 95% CI {100 * low:.1f}-{100 * high:.1f})"


def outcome(findings: List[Any]) -> Dict[str, bool]:
    """What the patient is shown for these findings."""

    def has(level: str, certainty: Optional[str] = None) -> bool:
        return any(
            f.level == level
            and (certainty is None or getattr(f, "certainty", CONFIRMED) == certainty)
            for f in findings
        )

    return {
        "emergency": has(EMERGENCY),
        "any": bool(findings),
        "confirmed": has(EMERGENCY, CONFIRMED) or has(URGENT, CONFIRMED),
        "question": has(EMERGENCY, POSSIBLE) and not has(EMERGENCY, CONFIRMED),
    }


class Screen:
    """One message (`single`) or a conversation turn by turn (`conversation`)."""

    def __init__(self) -> None:
        self.detector = RedFlagDetector()
        try:
            from redflags.conversation import ConversationScreen
        except ImportError:  # the screen before conversation context existed
            self.conversation = None
        else:
            self.conversation = ConversationScreen(self.detector)

    def single(self, text: str) -> List[Any]:
        return list(self.detector.detect(text))

    def turns(self, texts: List[str]) -> List[List[Any]]:
        if self.conversation is None:
            return [self.single(text) for text in texts]
        state: Dict[str, Any] = {}
        now = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
        results = []
        previous = None
        for text in texts:
            turn = self.conversation.screen(text, state, now, previous)
            state, previous = turn.state, text
            results.append(turn.findings)
            now += timedelta(minutes=2)
        return results


def measure(path: Path) -> Dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    screen = Screen()
    rows: List[Dict[str, Any]] = []
    for case in data["cases"]:
        rows.append(
            {
                "id": case["id"],
                "text": case["text"],
                "level": case["level"],
                "lang": case["lang"],
                "class": case["class"],
                "kind": "single",
                **outcome(screen.single(case["text"])),
            }
        )
    for conv in data.get("conversations", []):
        texts = [turn["text"] for turn in conv["turns"]]
        active = False
        for index, (turn, findings) in enumerate(zip(conv["turns"], screen.turns(texts))):
            result = outcome(findings)
            rows.append(
                {
                    "id": f"{conv['id']}.{index + 1}",
                    "text": turn["text"],
                    "level": turn["level"],
                    "lang": conv["lang"],
                    "class": conv["class"],
                    "kind": "turn",
                    "after_emergency": active,
                    **result,
                }
            )
            active = active or result["emergency"]
    return {"set": f"tests/redflags/{path.name}", "rows": rows}


def hit(row: Dict[str, Any]) -> bool:
    return row["emergency"] if row["level"] == EMERGENCY else row["any"]


def report(result: Dict[str, Any], details: bool = True) -> str:
    rows = result["rows"]
    lines = [
        f"Set: `{result['set']}` ({sum(r['kind'] == 'single' for r in rows)} messages, "
        f"{sum(r['kind'] == 'turn' for r in rows)} conversation turns)",
        "",
        "| level | language | flagged |",
        "| --- | --- | --- |",
    ]
    for level in (EMERGENCY, URGENT):
        chosen = [r for r in rows if r["level"] == level]
        for lang in LANGS:
            part = [r for r in chosen if r["lang"] == lang]
            lines.append(f"| {level} | {lang} | {fmt(sum(map(hit, part)), len(part))} |")
        lines.append(f"| {level} | all | {fmt(sum(map(hit, chosen)), len(chosen))} |")
    benign = [r for r in rows if r["level"] == "NONE" and not r.get("after_emergency")]
    lines += [
        "",
        "| benign messages and turns | count |",
        "| --- | --- |",
        f"| with no confirmed finding | "
        f"{fmt(sum(not r['confirmed'] for r in benign), len(benign))} |",
        f"| asked the safety question (possible emergency) | "
        f"{fmt(sum(r['question'] for r in benign), len(benign))} |",
        "",
    ]
    by_class: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        if r["level"] != "NONE":
            by_class[r["class"]][0] += hit(r)
            by_class[r["class"]][1] += 1
    if details:
        lines += ["| class | flagged |", "| --- | --- |"]
        lines += [f"| {name} | {fmt(*counts)} |" for name, counts in sorted(by_class.items())]
    if not details:
        return "\n".join(lines) + "\n"
    missed = [r for r in rows if r["level"] != "NONE" and not hit(r)]
    alarms = [r for r in benign if r["confirmed"] or r["question"]]
    if missed:
        lines += ["", "Missed:", ""] + [
            f"- {r['id']} ({r['level']}, {r['lang']}, {r['class']}): {r['text']}" for r in missed
        ]
    if alarms:
        lines += ["", "Benign with a finding or a question:", ""]
        lines += [
            f"- {r['id']} ({'confirmed' if r['confirmed'] else 'question'}): {r['text']}"
            for r in alarms
        ]
    return "\n".join(lines) + "\n"


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("set", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    result = measure(args.set)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    sys.stdout.write(report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
