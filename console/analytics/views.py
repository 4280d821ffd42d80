"""The analytics page (clinicians and admins) and the CSV export of each of its tables.
The date range is in the URL (?from=YYYY-MM-DD&to=YYYY-MM-DD), so a view can be shared;
without it the page shows the last CONSOLE_ANALYTICS_DAYS days."""

import csv
from datetime import timedelta

from django import forms
from django.conf import settings
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from console.analytics.charts import charts
from console.analytics.html import chart_html, table_html
from console.analytics.queries import report
from console.analytics.tables import export, show, tables
from console.staff import audit, sync
from console.staff.roles import CLINICIAN, role_required
from console.staff.views.conversations import _cell, _Echo

MAX_DAYS = 3 * 366


class RangeForm(forms.Form):
    start = forms.DateField(required=False, label="From")
    end = forms.DateField(required=False, label="To")

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or end - timedelta(days=settings.CONSOLE_ANALYTICS_DAYS - 1)
        if start > end:
            raise forms.ValidationError("The range starts after it ends.")
        if (end - start).days >= MAX_DAYS:
            raise forms.ValidationError(f"Choose at most {MAX_DAYS} days.")
        data.update(start=start, end=end)
        return data


def _range(request):
    form = RangeForm({"start": request.GET.get("from", ""), "end": request.GET.get("to", "")})
    if form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    end = timezone.localdate()
    return form, end - timedelta(days=settings.CONSOLE_ANALYTICS_DAYS - 1), end


@role_required(CLINICIAN)
@require_GET
def analytics(request):
    sync.sync_quietly()
    form, start, end = _range(request)
    result = report(start, end)
    found = tables(result)
    drawn = charts(result, found)
    query = f"from={start.isoformat()}&to={end.isoformat()}"
    export_url = reverse("analytics:analytics_export")
    shown = []
    for t in found.values():
        rows = [[show(v, kind) for v, (_, kind) in zip(row, t.columns)] for row in t.rows]
        chart = drawn.get(t.name)
        shown.append(
            {
                "table": t,
                "html": table_html(t, rows, f"{export_url}?table={t.name}&{query}"),
                "chart": chart_html(chart) if chart else "",
            }
        )
    return render(
        request,
        "analytics/analytics.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "items": shown,
            "totals": result.totals,
            "default_days": settings.CONSOLE_ANALYTICS_DAYS,
        },
    )


@role_required(CLINICIAN)
@require_GET
def export_csv(request):
    form, start, end = _range(request)
    found = tables(report(start, end))
    table = found.get(request.GET.get("table", ""))
    if table is None:
        raise Http404("no such table")
    audit.record(
        request,
        "export_csv",
        target=f"analytics: {table.name}",
        rows=len(table.rows),
        table=table.name,
        start=start.isoformat(),
        end=end.isoformat(),
    )

    def rows():
        yield [heading for heading, _ in table.columns]
        for row in table.rows:
            yield [export(value, kind) for value, (_, kind) in zip(row, table.columns)]

    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow([_cell(v) for v in row]) for row in rows()),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="analytics-{table.name}-{start}-{end}.csv"'
    )
    return response
