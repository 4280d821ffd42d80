"""Accounts and web security: Argon2, lockout, session expiry, cookies, CSRF on every
form, headers, escaping, nothing about patients in URLs or logs."""

import importlib
import logging
import os
import re
import stat
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from console.staff.models import AuditEntry
from tests.console import helpers
from tests.console.test_access import RULES, url_of

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def login(client, username, password=helpers.PASSWORD):
    return client.post(reverse("staff:login"), {"username": username, "password": password})


@pytest.fixture
def world(db, tracker, staff):
    from console.staff.models import Conversation
    from console.staff.sync import sync

    message = tracker.escalation("sec-patient", "peshab ruk gaya hai")
    request_id = tracker.appointment("sec-patient")
    sync()
    conversation = Conversation.objects.get(sender_id="sec-patient")
    return {
        "pk": conversation.pk,
        "event_id": message,
        "request_id": request_id,
        "escalation_pk": conversation.escalations.get().pk,
        "user_pk": staff["reviewer"].pk,
        "staff": staff,
    }


def test_passwords_are_hashed_with_argon2(db):
    production = importlib.import_module("console.settings")
    assert production.PASSWORD_HASHERS == ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = helpers.make_user("reviewer")
    assert user.password.startswith("argon2$argon2id$")
    assert helpers.PASSWORD not in user.password


@pytest.mark.parametrize("name", sorted(RULES))
def test_csrf_is_enforced_on_every_form(world, name):
    client = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    if name not in ("login",):
        client.force_login(world["staff"]["admin"])
    response = client.post(url_of(name, world), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert b"CSRF" in response.content


def test_a_form_with_its_token_goes_through(world):
    client = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    client.force_login(world["staff"]["reviewer"])
    page = client.get(reverse("staff:transcript", args=[world["pk"]])).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        reverse("staff:note", args=[world["pk"]]), {"body": "checked", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_lockout_after_repeated_failed_logins(db, staff):
    user = staff["clinician"]
    client = Client(HTTP_HOST="localhost", REMOTE_ADDR="10.9.9.9")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = login(client, user.username, "wrong password")
        assert response.status_code == 200 and b"Wrong username or password" in response.content
    assert login(client, user.username, "wrong password").status_code == 429
    locked = login(client, user.username)  # the right password no longer helps
    assert locked.status_code == 429 and b"Too many failed sign-ins" in locked.content
    assert "_auth_user_id" not in client.session
    entries = AuditEntry.objects.filter(username=user.username)
    actions = list(entries.values_list("action", flat=True))
    assert actions.count("login_failed") >= settings.AXES_FAILURE_LIMIT
    assert "lockout" in actions
    assert all(e.ip == "10.9.9.9" for e in AuditEntry.objects.filter(action="login_failed"))
    # someone else on the same address still signs in
    other = Client(HTTP_HOST="localhost", REMOTE_ADDR="10.9.9.9")
    assert login(other, staff["reviewer"].username).status_code == 302
    # an admin clears the lockout
    admin = Client(HTTP_HOST="localhost")
    admin.force_login(staff["admin"])
    admin.post(reverse("staff:user_unlock", args=[user.pk]))
    elsewhere = Client(HTTP_HOST="localhost", REMOTE_ADDR="10.9.9.9")
    assert login(elsewhere, user.username).status_code == 302


def test_login_is_audited_and_cookies_are_secure(db, staff):
    client = Client(HTTP_HOST="localhost", REMOTE_ADDR="10.4.4.4")
    response = login(client, staff["reviewer"].username)
    # home: the conversation list for a reviewer, the worklist for clinicians and admins
    assert response.status_code == 302 and response["Location"] == reverse("staff:home")
    entry = AuditEntry.objects.filter(action="login").first()
    assert entry.username == staff["reviewer"].username and entry.ip == "10.4.4.4"
    for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
        cookie = response.cookies[name]
        assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Strict"


def test_session_expires_after_inactivity(db, staff):
    client = Client(HTTP_HOST="localhost")
    login(client, staff["reviewer"].username)
    assert client.get(reverse("staff:conversations")).status_code == 200
    assert 0 < client.session.get_expiry_age() <= settings.SESSION_COOKIE_AGE <= 3600
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("staff:conversations"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("staff:login"))


def test_security_headers(world, client_for):
    response = client_for("reviewer").get(reverse("staff:transcript", args=[world["pk"]]))
    # scripts only from the console's own files (the worklist's), never inline
    assert "script-src 'self';" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_patient_data_in_urls_or_logs(world, client_for, caplog):
    caplog.set_level(logging.DEBUG)
    client = client_for("admin")
    pages = [
        client.get(reverse("staff:conversations")),
        client.get(reverse("staff:transcript", args=[world["pk"]])),
        client.get(reverse("staff:appointments")),
        client.get(reverse("staff:safety_review"), {"certainty": "any"}),
    ]
    assert "peshab" in pages[-1].content.decode()  # the flagged message is listed
    links = re.findall(r'(?:href|action)="([^"]+)"', "".join(p.content.decode() for p in pages))
    assert links and not any("sec-patient" in link or "peshab" in link for link in links)
    assert "sec-patient" not in caplog.text and "peshab" not in caplog.text
    assert not AuditEntry.objects.filter(target__contains="sec-patient").exists()
    assert not AuditEntry.objects.filter(detail__icontains="sec-patient").exists()


def test_development_secret_is_generated_once_under_var(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env.update(CONSOLE_VAR_DIR=str(tmp_path), PYTHONPATH=ROOT)
    code = "from console import settings; print(settings.SECRET_KEY)"
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout and len(first.stdout.strip()) > 40
    key = tmp_path / "console-secret.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
