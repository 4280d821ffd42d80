"""Signing in and out, changing one's password."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import LoginView, LogoutView
from django.shortcuts import redirect, render

from console.staff import audit
from console.staff.models import User
from console.staff.roles import CLINICIAN, REVIEWER, role_required


class _Login(LoginView):
    """Django's sign-in page; says how to create the first admin while nobody can sign in."""

    template_name = "staff/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "no_accounts": not User.objects.exists()}


login = _Login.as_view()
logout = LogoutView.as_view()


@role_required(REVIEWER)
def home(request):
    """The escalation worklist for clinicians and admins, the conversations for reviewers."""
    return redirect("worklist:list" if request.user.has_role(CLINICIAN) else "staff:conversations")


@role_required(REVIEWER)
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        audit.record(request, "password_change", target=f"user {user.get_username()}")
        messages.success(request, "Your password was changed.")
        return redirect("staff:conversations")
    return render(request, "staff/password_change.html", {"form": form})
