"""The conversation list (filters kept in the session) and its CSV export."""

import csv
from datetime import date

from django.conf import settings
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from console.pii import redact
from console.staff import audit, filters, sync
from console.staff.forms import FilterForm
from console.staff.models import SyncState
from console.staff.roles import ADMIN, REVIEWER, role_required

SESSION_KEY = "conversation_filters"


def _channels():
    state = SyncState.objects.filter(pk=1).first()
    return state.channels if state else []


def _saved_filters(request) -> dict:
    """The session's filters, re-validated (a tag may have been deleted meanwhile)."""
    form = FilterForm(request.session.get(SESSION_KEY, {}), channels=_channels())
    return form.cleaned_data if form.is_valid() else {}


@role_required(REVIEWER)
@require_http_methods(["GET", "POST"])
def conversation_list(request):
    if request.method == "POST":
        form = FilterForm(request.POST, channels=_channels())
        if "reset" in request.POST:
            request.session.pop(SESSION_KEY, None)
            return redirect("staff:conversations")
        if form.is_valid():
            request.session[SESSION_KEY] = filters.to_session(form.cleaned_data)
            return redirect("staff:conversations")
        data = {}
    else:
        sync.sync_quietly()
        data = _saved_filters(request)
        form = FilterForm(initial=request.session.get(SESSION_KEY, {}), channels=_channels())
    page = Paginator(
        filters.conversations(data).prefetch_related("tags"), settings.CONSOLE_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "staff/conversation_list.html",
        {"form": form, "page": page, "filtered": bool(filters.to_session(data))},
    )


@role_required(REVIEWER)
@require_POST
def followup_shortcut(request):
    """'Show escalations awaiting follow-up' from the banner."""
    request.session[SESSION_KEY] = {"level": "escalated", "followup": "open"}
    return redirect("staff:conversations")


def _cell(value) -> str:
    """CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class _Echo:
    def write(self, value):
        return value


@role_required(ADMIN)
@require_POST
def export_csv(request):
    data = _saved_filters(request)
    qs = filters.conversations(data).prefetch_related("tags")
    count = qs.count()
    audit.record(
        request,
        "export_csv",
        target=f"{count} conversations",
        rows=count,
        filters=sorted(filters.to_session(data)),
    )  # names of those set
    local = timezone.localtime

    def rows():
        yield [
            "conversation",
            "sender_id",
            "channel",
            "started_at",
            "last_activity",
            "patient_messages",
            "escalation",
            "awaiting_followup",
            "triage_level",
            "fallback",
            "low_confidence",
            "reviewed",
            "tags",
        ]
        for c in qs.iterator(chunk_size=2000):
            yield [
                c.pk,
                redact(c.sender_id),
                c.channel,
                local(c.started_at).isoformat(),
                local(c.last_event_at).isoformat(),
                c.message_count,
                c.escalation_level,
                c.needs_followup,
                c.triage_level,
                c.has_fallback,
                c.has_low_confidence,
                bool(c.reviewed_at),
                "; ".join(t.name for t in c.tags.all()),
            ]

    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow([_cell(v) for v in row]) for row in rows()),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="conversations-{date.today()}.csv"'
    return response
