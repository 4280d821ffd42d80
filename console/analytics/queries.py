"""The page's figures for a date range: three aggregate queries and the sums over them.

1. The daily counts of the range (rollup.py: the conversations' facts added up per day,
   channel and language, every count the page needs in a column): at most days x
   channels x languages rows, added up here in Python.
2. The escalations of the range with their first follow-up (a few per hundred
   conversations), for the per-day counts and the times to follow-up.
3. Feedback grouped by topic and language (index feedback_day).
A day is the local date (settings.TIME_ZONE) of a conversation's first event, of an
escalation or of a rating; a range includes both of its days.
"""

import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Dict, List, Optional, Tuple

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from console.analytics import rollup
from console.analytics.models import DailyCounts, Feedback
from console.analytics.rollup import SUMS
from console.staff.models import Escalation
from contract import RATING_DOWN, RATING_UP

LEVELS = ("EMERGENCY", "URGENT")


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def percentile(values: List[float], share: float) -> Optional[float]:
    """Nearest-rank percentile (share 0.5 = median, 0.9 = p90); None without values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def rate(part: int, whole: int) -> Optional[float]:
    return part / whole if whole else None


@dataclass
class Report:
    start: date
    end: date
    days: List[date] = field(default_factory=list)
    totals: Counter = field(default_factory=Counter)
    by_day: Dict[date, Counter] = field(default_factory=lambda: defaultdict(Counter))
    by_day_channel: Dict[Tuple[date, str], int] = field(default_factory=Counter)
    by_day_language: Dict[Tuple[date, str], int] = field(default_factory=Counter)
    by_channel: Dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    by_language: Dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    channels: List[str] = field(default_factory=list)
    languages: List[str] = field(default_factory=list)
    escalations: Dict[date, Counter] = field(default_factory=lambda: defaultdict(Counter))
    waits: Dict[date, List[float]] = field(default_factory=lambda: defaultdict(list))
    not_followed: int = 0
    feedback: Dict[Tuple[str, str], Counter] = field(default_factory=lambda: defaultdict(Counter))

    @property
    def all_waits(self) -> List[float]:
        return [w for day in self.days for w in self.waits.get(day, [])]


def report(start: date, end: date) -> Report:
    result = Report(start, end, [start + timedelta(days=n) for n in range((end - start).days + 1)])
    _conversations(result)
    _escalations(result)
    _feedback(result)
    return result


def _conversations(result: Report) -> None:
    rollup.refresh_stale()
    qs = DailyCounts.objects.filter(day__gte=result.start, day__lte=result.end).values_list(
        "day", "channel", "language", *SUMS
    )
    # a year is thousands of rows of two dozen counts: read them as plain tuples (no
    # per-value converters) and add them up column-wise in C (zip, sum)
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    by_channel: Dict[str, list] = defaultdict(list)
    by_language: Dict[str, list] = defaultdict(list)
    for row in rows:
        day = row[0] if isinstance(row[0], date) else date.fromisoformat(str(row[0])[:10])
        channel, language, counts = row[1] or "unknown", row[2], row[3:]
        by_channel[channel].append(counts)
        by_language[language].append(counts)
        result.by_day[day]["conversations"] += counts[0]
        result.by_day_channel[(day, channel)] += counts[0]
        result.by_day_language[(day, language)] += counts[0]

    def added(groups: List[tuple]) -> Counter:
        # COUNTs are never NULL, nor the SUMs of a group that has rows
        return Counter(dict(zip(SUMS, map(sum, zip(*groups)))))

    for channel, groups in by_channel.items():
        result.by_channel[channel] = added(groups)
    for language, groups in by_language.items():
        result.by_language[language] = added(groups)
    result.totals = (
        added([c for groups in by_channel.values() for c in groups]) if rows else Counter()
    )
    rank = lambda groups: sorted(groups, key=lambda k: (-groups[k]["conversations"], k))  # noqa: E731
    result.channels, result.languages = rank(result.by_channel), rank(result.by_language)


def _escalations(result: Report) -> None:
    rows = Escalation.objects.filter(
        at__gte=_start(result.start), at__lt=_start(result.end + timedelta(days=1))
    ).values_list("at", "level", "first_followup__at")
    zone = timezone.get_current_timezone()  # once: localtime() looks it up per call
    for at, level, followed in rows:
        day = at.astimezone(zone).date()
        result.escalations[day][level] += 1
        if followed is None:
            result.not_followed += 1
        else:
            result.waits[day].append(max(0.0, (followed - at).total_seconds() / 60))


def _feedback(result: Report) -> None:
    rows = (
        Feedback.objects.filter(day__gte=result.start, day__lte=result.end)
        .values("topic", "language")
        .annotate(
            up=Count("pk", filter=Q(rating=RATING_UP)),
            down=Count("pk", filter=Q(rating=RATING_DOWN)),
        )
        .order_by()
    )
    for row in rows:
        result.feedback[(row["topic"] or "unknown", row["language"])].update(
            up=row["up"], down=row["down"]
        )


def median_and_p90(values: List[float]) -> Tuple[Optional[float], Optional[float]]:
    return (statistics.median(values) if values else None), percentile(values, 0.9)
