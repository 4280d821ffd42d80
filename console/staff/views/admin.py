"""Admin pages: staff accounts, the audit log, erasure and retention."""

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from console.staff import audit, retention
from console.staff.forms import ErasureForm, ReauthForm, UserCreateForm, UserEditForm
from console.staff.models import ADMIN, AUDIT_ACTIONS, AuditEntry, User
from console.staff.roles import role_required
from console.staff.two_factor import confirmed_device


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def users(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = User.objects.create_user(
            data["username"], password=data["password1"], role=data["role"]
        )
        audit.record(request, "user_created", target=f"user {user.username}", role=user.role)
        messages.success(request, f"{user.username} can now sign in as {user.role}.")
        return redirect("staff:users")
    return render(
        request, "staff/users.html", {"form": form, "users": User.objects.order_by("username")}
    )


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def user_edit(request, user_pk):
    member = get_object_or_404(User, pk=user_pk)
    initial = {"role": member.role, "is_active": member.is_active}
    form = UserEditForm(request.POST or None, initial=initial, user=member, admin=request.user)
    if request.method == "POST" and not form.is_valid() and form.has_error("admin_password"):
        audit.record(request, "reauth_failed", target=f"user {member.username}", change="password")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if member == request.user and (data["role"] != ADMIN or not data["is_active"]):
            messages.error(request, "You cannot remove your own admin role or account.")
            return redirect("staff:user_edit", user_pk=member.pk)
        if data["role"] != member.role:
            audit.record(
                request,
                "role_change",
                target=f"user {member.username}",
                before=member.role,
                after=data["role"],
            )
        if data["is_active"] != member.is_active or data["password"]:
            audit.record(
                request,
                "user_change",
                target=f"user {member.username}",
                active=data["is_active"],
                password_set=bool(data["password"]),
            )
        member.role, member.is_active = data["role"], data["is_active"]
        if data["password"]:
            member.set_password(data["password"])
        member.save()
        messages.success(request, f"{member.username} saved.")
        return redirect("staff:users")
    return render(
        request,
        "staff/user_edit.html",
        {
            "form": form,
            "member": member,
            "reset_form": ReauthForm(admin=request.user),
            "device": confirmed_device(member),
        },
    )


@role_required(ADMIN)
@require_POST
def user_two_factor_reset(request, user_pk):
    """Remove someone's authenticator app (a lost phone), after the admin's password."""
    member = get_object_or_404(User, pk=user_pk)
    form = ReauthForm(request.POST, admin=request.user)
    if not form.is_valid():
        audit.record(
            request, "reauth_failed", target=f"user {member.username}", change="two-step sign-in"
        )
        messages.error(request, "Two-step sign-in was not reset: your own password was wrong.")
        return redirect("staff:user_edit", user_pk=member.pk)
    removed, _ = TOTPDevice.objects.filter(user=member).delete()
    audit.record(request, "2fa_reset", target=f"user {member.username}", devices=removed)
    messages.success(
        request,
        f"Two-step sign-in of {member.username} reset: they add their "
        "app again at their next sign-in.",
    )
    return redirect("staff:user_edit", user_pk=member.pk)


@role_required(ADMIN)
@require_POST
def user_unlock(request, user_pk):
    member = get_object_or_404(User, pk=user_pk)
    cleared = axes_reset(username=member.username)
    audit.record(request, "lockout_cleared", target=f"user {member.username}", attempts=cleared)
    messages.success(request, f"Login lockout of {member.username} cleared.")
    return redirect("staff:user_edit", user_pk=member.pk)


@role_required(ADMIN)
def audit_log(request):
    action = request.GET.get("action", "")
    entries = AuditEntry.objects.all()
    if action in dict(AUDIT_ACTIONS):
        entries = entries.filter(action=action)
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(
        request, "staff/audit.html", {"page": page, "action": action, "actions": AUDIT_ACTIONS}
    )


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def erasure(request):
    form = ErasureForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = retention.erase_sender(
            request, form.cleaned_data["sender_id"], form.cleaned_data["appointments"]
        )
        if result["found"]:
            form = ErasureForm()  # a mistyped id stays in the form, to be corrected
    return render(request, "staff/erasure.html", {"form": form, "result": result})


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def retention_view(request):
    days = settings.CONSOLE_RETENTION_DAYS
    result = None
    if request.method == "POST":
        result = retention.purge_older_than(days, request=request)
    return render(
        request,
        "staff/retention.html",
        {"days": days, "preview": retention.preview(days), "result": result},
    )
