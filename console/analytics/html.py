"""The page's tables and charts as HTML strings, escaped here: a year of days is a few
thousand cells and bars, which Django's template loops would take most of a second to
render (docs/bench-console.md). Every value interpolated goes through `escape`
(html.escape: &, <, >, " and ')."""

from html import escape  # the standard library's: Django's wraps it for lazy strings
from typing import Any, Dict, List

from django.utils.safestring import SafeString, mark_safe

from console.analytics.tables import Table


def table_html(table: Table, rows: List[List[str]], csv_url: str) -> SafeString:
    head = "".join(f'<th scope="col" class="{kind}">{escape(h)}</th>' for h, kind in table.columns)
    body = "".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row) + "</tr>" for row in rows)
    if not rows:
        body = f'<tr><td colspan="{len(table.columns)}">Nothing in this range.</td></tr>'
    return mark_safe(
        f'<table class="list figures" data-table="{escape(table.name)}">'
        f'<caption>{escape(table.note)} <a class="csv" href="{escape(csv_url)}">Download CSV</a>'
        f"</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _svg(chart: Dict[str, Any], inner: str) -> str:
    label = escape(f"{chart['title']} (the table below has the figures)")
    return (
        f'<svg viewBox="0 0 {chart["width"]} {chart["height"]}" role="img" '
        f'aria-label="{label}">{inner}</svg>'
    )


def chart_html(chart: Dict[str, Any]) -> SafeString:
    if chart["kind"] == "stacked":
        c = chart
        parts = [
            f'<line class="axis" x1="{c["left"]}" y1="{c["base"]}" x2="{c["right"]}" '
            f'y2="{c["base"]}"/>',
            f'<line class="axis" x1="{c["left"]}" y1="{c["plot_top"]}" x2="{c["left"]}" '
            f'y2="{c["base"]}"/>',
            f'<text class="tick" x="{c["left"] - 4}" y="{c["plot_top"] + 10}" '
            f'text-anchor="end">{escape(c["top"])}</text>',
            f'<text class="tick" x="{c["left"] - 4}" y="{c["base"]}" text-anchor="end">0</text>',
        ]
        parts += [
            f'<rect class="{b["cls"]}" x="{b["x"]}" y="{b["y"]}" width="{b["w"]}" '
            f'height="{b["h"]}"><title>{escape(b["title"])}</title></rect>'
            for b in c["bars"]
        ]
        parts += [
            f'<text class="tick" x="{t["x"]}" y="{c["label_y"]}" '
            f'text-anchor="middle">{escape(t["label"])}</text>'
            for t in c["ticks"]
        ]
        legend = "".join(
            f'<span><span class="swatch {item["cls"]}" aria-hidden="true"></span>'
            f"{escape(item['name'])}</span>"
            for item in c["legend"]
        )
        return mark_safe(
            f'<figure class="chart">{_svg(c, "".join(parts))}'
            f'<figcaption class="legend">{legend}</figcaption></figure>'
        )
    parts = []
    for b in chart["bars"]:
        label, text = escape(b["label"]), escape(b["text"])
        parts.append(
            f'<text class="label" x="{chart["label_x"]}" y="{b["text_y"]}" '
            f'text-anchor="end">{label}</text>'
            f'<rect class="{b["cls"]}" x="{chart["x"]}" y="{b["y"]}" width="{b["w"]}" '
            f'height="18"><title>{label}: {text}</title></rect>'
            f'<text class="label" x="{b["text_x"]}" y="{b["text_y"]}">{text}</text>'
        )
    return mark_safe(f'<figure class="chart">{_svg(chart, "".join(parts))}</figure>')
