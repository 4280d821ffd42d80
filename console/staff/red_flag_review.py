"""The safety review of the red-flag screen, read out of the tracker events (no database
access): which patient messages had red-flag findings, how sure the screen was, how the
assistant answered, and what the patient said to "Is this happening now?"; also the
red-flag concepts the message's own words cancelled (a denial, a resolved history, "all
fine now"), whose message is listed as `cancelled` when it has no other finding. Also the
categories a reviewer may name, and the export of missed red flags as rows of
tests/redflags/cases.yml, so that a confirmed miss becomes a failing test.

The red-flag policy (assistant/red_flag_policy.py) answers a possible emergency with
ASK_ACTION; the patient's next message then leads to YES_ACTION (yes, not sure) or
NO_ACTION (no) as the first action of that turn.
"""

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

import yaml

from console.staff.events import when
from console.staff.tracker import Event
from contract import (
    CANCELLED,
    CONFIRMED,
    POSSIBLE,
    RED_FLAGS,
    RED_FLAGS_CANCELLED,
    SCREENED_INTENT,
    SLOT_ESCALATION_CATEGORIES,
    SLOT_ESCALATION_LEVEL,
    level_of,
)

ASK_ACTION = "utter_ask_red_flag_now"
YES_ACTION = "utter_emergency_advice"
NO_ACTION = "utter_red_flag_not_now"
ANSWER_ENTITY = "red_flag_answer"
PENDING_SLOT = "red_flag_pending"
ESCALATION_SLOTS = (SLOT_ESCALATION_LEVEL, SLOT_ESCALATION_CATEGORIES)
NOT_A_REPLY = {"action_listen", "action_extract_slots", "action_session_start"}
PATTERNS_FILE = Path(__file__).resolve().parents[2] / "redflags" / "patterns.yml"
# `expect` of an exported case whose category the reviewer left open: no category has
# this name, so the row fails until someone who fixes the screen names the right one.
CHOOSE_CATEGORY = "choose_category"


@lru_cache(maxsize=1)
def categories() -> Dict[str, str]:
    """{category: level} of the red-flag detector (its patterns.yml, read as data)."""
    data = yaml.safe_load(PATTERNS_FILE.read_text(encoding="utf-8"))
    return {name: spec["level"] for name, spec in (data.get("categories") or {}).items()}


def _findings(event: Event) -> List[Dict[str, str]]:
    """The message's findings, then the concepts its context cancelled (certainty
    `cancelled`, with the reason)."""
    parse = event.data.get("parse_data") or {}
    found = [
        {
            "category": str(f.get("category") or ""),
            "level": str(f.get("level") or ""),
            "certainty": str(f.get("certainty") or CONFIRMED),
        }
        for f in parse.get(RED_FLAGS) or []
        if isinstance(f, dict)
    ]
    cancelled = [
        {
            "category": str(f.get("category") or ""),
            "level": str(f.get("level") or ""),
            "certainty": CANCELLED,
            "reason": str(f.get("reason") or ""),
        }
        for f in parse.get(RED_FLAGS_CANCELLED) or []
        if isinstance(f, dict)
    ]
    return found + cancelled


def _key(cats: List[str]) -> str:
    return "".join(f"|{c}" for c in cats) + "|" if cats else ""


def _row(event: Event, findings: List[Dict[str, str]]) -> Dict[str, Any]:
    live = [f for f in findings if f["certainty"] != CANCELLED]
    named = live or findings  # a message with cancelled concepts only is filed under them
    cats = list(dict.fromkeys(f["category"] for f in named if f["category"]))
    certainties = {f["certainty"] for f in findings}
    return {
        "event_id": event.id,
        "at": when(event.timestamp),
        "level": level_of(named) or "",
        "certainty": POSSIBLE
        if POSSIBLE in certainties
        else CONFIRMED
        if live or not findings
        else CANCELLED,
        "categories": cats,
        "category_key": _key(cats),
        "findings": findings,
        "reply": "",
        "answer": "",
    }


def _unanswered(row: Optional[Dict[str, Any]]) -> bool:
    """No row yet, or one whose only findings were cancelled (the policy may still answer
    the message from what earlier messages said)."""
    return row is None or row["certainty"] == CANCELLED


def _unsure(event: Event) -> bool:
    parse = event.data.get("parse_data") or {}
    for entity in parse.get("entities") or []:
        if entity.get("entity") == ANSWER_ENTITY:
            return str(entity.get("value")) == "unsure"
    intent = parse.get(SCREENED_INTENT) or parse.get("intent") or {}
    return intent.get("name") == "not_sure"


def flagged_messages(events: Iterable[Event]) -> List[Dict[str, Any]]:
    """One row per patient message with findings or cancelled concepts, in order. Turns
    whose message carried no findings but which the policy answered from what earlier
    messages said (a sign
    completed by a procedure or a diagnosis named before) count too: with the question,
    as a possible EMERGENCY with the pending categories; with an escalation set before
    its first action (and not answering the question), as a confirmed one."""
    found: List[Dict[str, Any]] = []
    turn: Optional[Event] = None  # the current patient message
    row: Optional[Dict[str, Any]] = None  # its row, if it has one
    asked: Optional[Dict[str, Any]] = None  # a row whose question the next message answers
    answering: Optional[Dict[str, Any]] = None
    first_action = True
    pending: List[str] = []  # categories of the question asked in this turn
    for event in events:
        kind = event.type_name
        if kind == "user":
            answering, asked, turn, first_action = asked, None, event, True
            pending = []
            findings = _findings(event)
            row = _row(event, findings) if findings else None
            if row:
                found.append(row)
        elif (
            kind == "slot"
            and event.action_name in ESCALATION_SLOTS
            and first_action
            and answering is None
            and turn is not None
        ):
            # set by the policy before its first action: an emergency it confirmed from
            # what earlier messages said, with no finding in this message
            value = event.data.get("value")
            if event.action_name == ESCALATION_SLOTS[0] and value and _unanswered(row):
                if row is None:
                    row = _row(turn, [])
                    found.append(row)
                row.update(level=str(value), certainty=CONFIRMED, categories=[], category_key="")
            elif (
                event.action_name == ESCALATION_SLOTS[1]
                and row is not None
                and value
                and not row["categories"]
            ):
                cats = [str(c) for c in value]
                row.update(categories=cats, category_key=_key(cats))
        elif kind == "slot" and event.action_name == PENDING_SLOT:
            # set by the policy with its prediction, so before the question's action
            value = event.data.get("value")
            if isinstance(value, dict):
                pending = [str(c) for c in value.get("categories") or []]
        elif kind == "action" and turn is not None and event.action_name not in NOT_A_REPLY:
            name = event.action_name or ""
            if first_action and answering is not None:
                answering["answer"] = (
                    ("not_sure" if _unsure(turn) else "yes")
                    if name == YES_ACTION
                    else "no"
                    if name == NO_ACTION
                    else "other"
                )
                answering = None
            if name == ASK_ACTION:
                fresh = _unanswered(row)
                if row is None:
                    row = _row(turn, [])
                    found.append(row)
                if fresh:
                    row.update(
                        level="EMERGENCY",
                        certainty=POSSIBLE,
                        categories=pending,
                        category_key=_key(pending),
                    )
                row["answer"] = "pending"
                asked = row
            if row is not None and not row["reply"]:
                row["reply"] = name
            first_action = False
    return found


def case_rows(marks: Iterable[Any]) -> List[Dict[str, Any]]:
    """Missed red flags (text and note already redacted) as cases.yml rows, one per
    distinct text."""
    rows, seen = [], set()
    for mark in marks:
        text = " ".join(str(mark.text).split())
        if not text or text in seen:
            continue
        seen.add(text)
        note = f"missed {mark.level}"
        if mark.note:
            note += ": " + " ".join(str(mark.note).split())
        rows.append({"text": text, "expect": [mark.category or CHOOSE_CATEGORY], "note": note})
    return rows


HEADER = """\
# Red-flag messages the screen missed, marked by reviewers in the staff console, with
# personal data redacted. Rows in the format of tests/redflags/cases.yml: append them
# there. `expect` holds the category the reviewer named; "choose_category" means none
# was named, and whoever adds the row names the right one.
"""


class _CasesDumper(yaml.SafeDumper):
    """Indents list items under `cases:` as tests/redflags/cases.yml does."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def export_yaml(rows: List[Dict[str, Any]]) -> str:
    body = yaml.dump(
        {"cases": rows},
        Dumper=_CasesDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=None,
        width=100,
    )
    return HEADER + body
