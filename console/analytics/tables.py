"""The page's tables, from a Report: the same rows are shown on the page and exported
as CSV, so every figure on the page can be downloaded.

A column is (heading, kind): "text", "n" (a count), "pct" (a share, shown and exported
in percent) or "min" (minutes). A missing value (no data to divide by) is None.
"""

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

from console.analytics.queries import LEVELS, Report, median_and_p90, rate
from contract import TRIAGE_LEVELS

Column = Tuple[str, str]


@dataclass
class Table:
    name: str
    title: str
    columns: List[Column]
    rows: List[List[Any]]
    note: str = ""


def show(value: Any, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "pct":
        return f"{value * 100:.1f}%"
    if kind == "min":
        return f"{value:.0f} min" if value >= 10 else f"{value:.1f} min"
    if kind == "n":
        return f"{value:,}"
    return str(value)


def export(value: Any, kind: str) -> Any:
    if value is None:
        return ""
    if kind == "pct":
        return round(value * 100, 2)
    if kind == "min":
        return round(value, 1)
    return value


def tables(report: Report) -> Dict[str, Table]:
    found = [
        _per_day(report, "channel"),
        _per_day(report, "language"),
        _funnel(report),
        _containment(report),
        _fallback(report, "language"),
        _fallback(report, "channel"),
        _escalations(report),
        _feedback(report),
    ]
    return {t.name: t for t in found}


def _per_day(report: Report, by: str) -> Table:
    keys = report.channels if by == "channel" else report.languages
    counts = report.by_day_channel if by == "channel" else report.by_day_language
    rows = [
        [
            day.isoformat(),
            *[counts.get((day, k), 0) for k in keys],
            report.by_day[day]["conversations"],
        ]
        for day in report.days
    ]
    return Table(
        f"per_day_{by}",
        f"Conversations per day by {by}",
        [("day", "text"), *[(k, "n") for k in keys], ("total", "n")],
        rows,
        "A conversation counts on the day of its first message.",
    )


def _funnel(report: Report) -> Table:
    t = report.totals
    whole = t["conversations"]
    stages = [
        ("Conversations", whole),
        ("Greeted", t["greeted"]),
        ("Asked an FAQ or started a symptom check", t["faq_or_symptom"]),
        ("  asked an FAQ", t["faq"]),
        ("  started a symptom check", t["symptom_check"]),
        ("Reached a triage level", t["triaged"]),
        *[(f"  {level}", t[f"triage_{level}"]) for level in TRIAGE_LEVELS],
        ("Sent an appointment request", t["appointment"]),
    ]
    return Table(
        "funnel",
        "From greeting to appointment request",
        [("stage", "text"), ("conversations", "n"), ("share of all", "pct")],
        [[label, n, rate(n, whole)] for label, n in stages],
        "Each stage counts the conversations that reached it, in any order.",
    )


def _containment(report: Report) -> Table:
    rows = []
    for label, group in [
        ("all", report.totals),
        *[(f"channel {c}", report.by_channel[c]) for c in report.channels],
        *[(f"language {lang}", report.by_language[lang]) for lang in report.languages],
    ]:
        rows.append(
            [
                label,
                group["conversations"],
                group["contained"],
                rate(group["contained"], group["conversations"]),
                group["escalated"],
                group["human_requested"],
                group["taken_over"],
            ]
        )
    return Table(
        "containment",
        "Containment: conversations that needed no staff",
        [
            ("conversations", "text"),
            ("count", "n"),
            ("no staff needed", "n"),
            ("containment", "pct"),
            ("escalated", "n"),
            ("asked for a person", "n"),
            ("taken over", "n"),
        ],
        rows,
        "No staff needed: no escalation to follow up, no request for a person, no takeover.",
    )


def _fallback(report: Report, by: str) -> Table:
    groups = report.by_language if by == "language" else report.by_channel
    keys = report.languages if by == "language" else report.channels
    rows = [
        [
            k,
            groups[k]["patient_messages"],
            groups[k]["fallback_replies"],
            rate(groups[k]["fallback_replies"], groups[k]["patient_messages"]),
            groups[k]["with_fallback"],
            rate(groups[k]["with_fallback"], groups[k]["conversations"]),
        ]
        for k in keys
    ]
    t = report.totals
    rows.append(
        [
            "all",
            t["patient_messages"],
            t["fallback_replies"],
            rate(t["fallback_replies"], t["patient_messages"]),
            t["with_fallback"],
            rate(t["with_fallback"], t["conversations"]),
        ]
    )
    return Table(
        f"fallback_{by}",
        f"Fallback rate by {by}",
        [
            (by, "text"),
            ("patient messages", "n"),
            ("fallbacks", "n"),
            ("fallback rate", "pct"),
            ("conversations with one", "n"),
            ("share of conversations", "pct"),
        ],
        rows,
        "A fallback: a message classified as nlu_fallback, or one the assistant "
        "answered with its fallback reply whatever the confidence.",
    )


def _escalations(report: Report) -> Table:
    rows: List[List[Any]] = []
    for day in report.days:
        found = report.escalations.get(day)
        if not found:
            continue
        median, p90 = median_and_p90(report.waits.get(day, []))
        followed = len(report.waits.get(day, []))
        rows.append(
            [
                day.isoformat(),
                *[found[level] for level in LEVELS],
                sum(found.values()),
                followed,
                median,
                p90,
            ]
        )
    median, p90 = median_and_p90(report.all_waits)
    total = sum(sum(c.values()) for c in report.escalations.values())
    rows.append(
        [
            "all",
            *[sum(c[level] for c in report.escalations.values()) for level in LEVELS],
            total,
            len(report.all_waits),
            median,
            p90,
        ]
    )
    return Table(
        "escalations",
        "Escalations per day and time to first follow-up",
        [
            ("day", "text"),
            *[(level, "n") for level in LEVELS],
            ("total", "n"),
            ("followed up", "n"),
            ("median wait", "min"),
            ("p90 wait", "min"),
        ],
        rows,
        "Wait: from the escalation to the first change of its follow-up status; "
        "p90 by nearest rank. Days without escalations are left out.",
    )


def _feedback(report: Report) -> Table:
    rows: List[List[Optional[Any]]] = []
    for (topic, language), c in sorted(report.feedback.items()):
        rows.append([topic, language, c["up"], c["down"], rate(c["up"], c["up"] + c["down"])])
    up = sum(c["up"] for c in report.feedback.values())
    down = sum(c["down"] for c in report.feedback.values())
    rows.append(["all", "all", up, down, rate(up, up + down)])
    return Table(
        "feedback",
        "Patient feedback: helpful rate by topic and language",
        [
            ("topic", "text"),
            ("language", "text"),
            ("helpful", "n"),
            ("not helpful", "n"),
            ("helpful rate", "pct"),
        ],
        rows,
        "Thumbs under each FAQ answer on the web; the rating after goodbye on "
        "WhatsApp (topic: conversation).",
    )
