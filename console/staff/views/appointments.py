"""Appointment requests from the assistant's form (the practice's own table)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from console.staff import audit, tracker
from console.staff.forms import AppointmentStatusForm
from console.staff.models import Conversation
from console.staff.roles import CLINICIAN, role_required

PAGE_SIZE = 50


class _Rows:
    """Lets Django's Paginator page through the table without loading it."""

    def __init__(self, status):
        self.status = status
        self._total = None

    def count(self):
        if self._total is None:
            self._total = tracker.appointments(self.status, 0, 0)[1]
        return self._total

    def __getitem__(self, window):
        return tracker.appointments(self.status, window.start, window.stop - window.start)[0]


@role_required(CLINICIAN)
def appointment_list(request):
    status = request.GET.get("status", "")
    if status not in tracker.APPOINTMENT_STATUSES:
        status = ""
    page = Paginator(_Rows(status or None), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    conversations = dict(
        Conversation.objects.filter(sender_id__in=[r["sender_id"] for r in rows]).values_list(
            "sender_id", "pk"
        )
    )
    for row in rows:
        row["conversation"] = conversations.get(row["sender_id"])
    audit.record(request, "appointments_view", target=f"{len(rows)} requests", status=status)
    return render(
        request,
        "staff/appointments.html",
        {"page": page, "rows": rows, "status": status, "statuses": tracker.APPOINTMENT_STATUSES},
    )


@role_required(CLINICIAN)
@require_POST
def appointment_status(request, request_id):
    row = tracker.appointment(request_id)
    if row is None:
        raise Http404("no such request")
    form = AppointmentStatusForm(request.POST)
    if form.is_valid():
        tracker.set_appointment_status(request_id, form.cleaned_data["status"])
        audit.record(
            request,
            "appointment_status",
            target=f"appointment request #{request_id}",
            sender_id=row["sender_id"],
            before=row["status"],
            after=form.cleaned_data["status"],
        )
        messages.success(request, f"Request #{request_id} is now {form.cleaned_data['status']}.")
    return redirect("staff:appointments")
