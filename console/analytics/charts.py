"""Charts drawn on the server as inline SVG (templates/analytics/chart_*.html): no
script, no CDN, nothing the console's strict Content-Security-Policy would block. Each
function returns the shapes' geometry; colours come from classes in analytics.css."""

from datetime import date
from typing import Any, Dict, List, Sequence, Tuple

from console.analytics.queries import LEVELS, Report
from console.analytics.tables import Table, show

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 720, 220, 44, 24, 8
BAR_ROW, LABEL_WIDTH = 26, 260


def _nice_max(value: float) -> int:
    step = 1
    while step * 10 < value:
        step *= 10
    for factor in (1, 2, 5, 10):
        if step * factor >= value:
            return max(1, step * factor)
    return max(1, int(value))


def stacked_bars(
    title: str,
    days: Sequence[date],
    series: List[Tuple[str, List[int]]],
    colours: Sequence[str] = (),
) -> Dict[str, Any]:
    """One bar per day, its parts stacked in the order of `series` (colour classes
    s0, s1, ... unless `colours` names them)."""
    classes = list(colours) or [f"s{n % 8}" for n in range(len(series))]
    totals = [sum(values[i] for _, values in series) for i in range(len(days))]
    top = _nice_max(max(totals, default=0))
    plot_w, plot_h = WIDTH - LEFT - 4, HEIGHT - BOTTOM - TOP
    slot = plot_w / max(1, len(days))
    bars = []
    for i, day in enumerate(days):
        y = float(TOP + plot_h)
        for n, (name, values) in enumerate(series):
            h = values[i] / top * plot_h
            if values[i]:
                bars.append(
                    {
                        "x": round(LEFT + i * slot + slot * 0.1, 2),
                        "y": round(y - h, 2),
                        "w": round(max(slot * 0.8, 0.5), 2),
                        "h": round(h, 2),
                        "cls": classes[n],
                        "title": f"{day}: {name} {values[i]:,}",
                    }
                )
            y -= h
    step = max(1, len(days) // 6)
    ticks = [
        {"x": round(LEFT + i * slot + slot / 2, 2), "label": day.strftime("%d %b")}
        for i, day in enumerate(days)
        if i % step == 0
    ]
    return {
        "kind": "stacked",
        "title": title,
        "width": WIDTH,
        "height": HEIGHT,
        "bars": bars,
        "ticks": ticks,
        "top": f"{top:,}",
        "left": LEFT,
        "plot_top": TOP,
        "base": TOP + plot_h,
        "right": WIDTH - 4,
        "label_y": HEIGHT - 6,
        "legend": [{"name": name, "cls": classes[n]} for n, (name, _) in enumerate(series)],
    }


def horizontal_bars(
    title: str, rows: List[Tuple[str, float, str]], scale: float = 0.0
) -> Dict[str, Any]:
    """One bar per row (label, value, what is written after the bar)."""
    top = scale or max((value for _, value, _ in rows), default=0) or 1
    span = WIDTH - LABEL_WIDTH - 90
    bars = [
        {
            "y": i * BAR_ROW + 4,
            "w": round(value / top * span, 2),
            "label": label,
            "text": text,
            "text_x": LABEL_WIDTH + round(value / top * span, 2) + 6,
            "text_y": i * BAR_ROW + 18,
            "cls": f"s{i % 8}" if not scale else "s0",
        }
        for i, (label, value, text) in enumerate(rows)
    ]
    return {
        "kind": "hbar",
        "title": title,
        "width": WIDTH,
        "height": len(rows) * BAR_ROW + 8,
        "bars": bars,
        "label_x": LABEL_WIDTH - 8,
        "x": LABEL_WIDTH,
    }


def charts(report: Report, found: Dict[str, Table]) -> Dict[str, Dict[str, Any]]:
    days = report.days
    funnel = [
        (
            ("– " + label.strip()) if label.startswith(" ") else label,
            n,
            f"{n:,} ({show(share, 'pct')})",
        )
        for label, n, share in found["funnel"].rows
    ]
    helpful = [
        (f"{topic} ({language})", share or 0.0, show(share, "pct"))
        for topic, language, _, _, share in found["feedback"].rows
    ]
    return {
        "per_day_channel": stacked_bars(
            "Conversations per day by channel",
            days,
            [(c, [report.by_day_channel.get((d, c), 0) for d in days]) for c in report.channels],
        ),
        "per_day_language": stacked_bars(
            "Conversations per day by language",
            days,
            [
                (lang, [report.by_day_language.get((d, lang), 0) for d in days])
                for lang in report.languages
            ],
        ),
        "funnel": horizontal_bars("From greeting to appointment request", funnel),
        "escalations": stacked_bars(
            "Escalations per day",
            days,
            [
                (
                    level,
                    [report.escalations[d][level] if d in report.escalations else 0 for d in days],
                )
                for level in LEVELS
            ],
            colours=("s4", "s7"),  # EMERGENCY red, URGENT amber
        ),
        "feedback": horizontal_bars("Helpful rate by topic and language", helpful, scale=1.0),
    }
