"""Audit entries for logins, failed logins, lockouts and logouts."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from console.staff.audit import record


@receiver(user_logged_in)
def _login(sender, request, user, **kwargs):
    record(request, "login", target=f"user {user.get_username()}", user=user)


@receiver(user_logged_out)
def _logout(sender, request, user, **kwargs):
    if user is not None:
        record(request, "logout", target=f"user {user.get_username()}", user=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    record(request, "login_failed", target=f"user {username}", username=username)


@receiver(user_locked_out)
def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    record(request, "lockout", target=f"user {username or ''}", username=str(username or "")[:150])
