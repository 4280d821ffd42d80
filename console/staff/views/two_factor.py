"""Enrolling an authenticator app and giving its code at sign-in (console/staff/
two_factor.py says who must)."""

import django_otp
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from console.staff import audit, two_factor
from console.staff.forms import TokenForm
from console.staff.roles import REVIEWER, role_required


def _next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "staff:home"


@role_required(REVIEWER)
@require_http_methods(["GET", "POST"])
def setup(request):
    """Scan the QR code, type the app's code: two-step sign-in is on."""
    user = request.user
    if two_factor.confirmed_device(user) is not None:
        if not user.is_verified():
            return redirect("staff:two_factor_verify")
        return render(
            request, "staff/two_factor_setup.html", {"enrolled": two_factor.confirmed_device(user)}
        )
    device = two_factor.enrolment_device(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            django_otp.login(request, device)
            audit.record(request, "2fa_enrolled", target=f"user {user.get_username()}")
            messages.success(
                request,
                "Two-step sign-in is on. You will be asked for a code "
                "from the app each time you sign in.",
            )
            return redirect(_next(request))
        form.add_error("token", "That code is not right (or has expired): try the app's next one.")
    return render(
        request,
        "staff/two_factor_setup.html",
        {
            "form": form,
            "qr": two_factor.qr_svg(device),
            "secret": two_factor.secret_text(device),
            "required": two_factor.required_for(user),
            "next": request.GET.get("next", ""),
        },
    )


@role_required(REVIEWER)
@require_http_methods(["GET", "POST"])
def verify(request):
    """The code from the app, after the password."""
    user = request.user
    device = two_factor.confirmed_device(user)
    if device is None:
        return redirect("staff:two_factor_setup")
    if user.is_verified():
        return redirect(_next(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verified = django_otp.verify_token(user, device.persistent_id, form.cleaned_data["token"])
        if verified is not None:
            django_otp.login(request, verified)
            audit.record(request, "2fa_verified", target=f"user {user.get_username()}")
            return redirect(_next(request))
        audit.record(request, "2fa_failed", target=f"user {user.get_username()}")
        form.add_error(
            "token",
            "That code is not right. Wait for the app's next code; "
            "after several wrong codes each new try waits longer.",
        )
    return render(
        request, "staff/two_factor_verify.html", {"form": form, "next": request.GET.get("next", "")}
    )
