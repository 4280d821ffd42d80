"""Second factor: clinicians and admins enrol an authenticator app (QR code drawn on the
server) when CONSOLE_REQUIRE_2FA is on, and give its code at every sign-in; the codes
here are computed by the test itself (RFC 6238), not by the library under test. Admins
type their own password again before resetting someone's password or app."""

import base64
import hashlib
import hmac
import re
import time

from django.test import Client, override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from console.staff.models import AuditEntry, Note
from tests.console import helpers

REQUIRED = override_settings(CONSOLE_REQUIRE_2FA=True)


def totp(key: bytes, at: float, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 with HMAC-SHA1, as authenticator apps compute it."""
    counter = int(at // step).to_bytes(8, "big")
    mac = hmac.new(key, counter, hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    number = int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF
    return f"{number % 10**digits:0{digits}d}"


def sign_in(username, password=helpers.PASSWORD):
    client = Client(HTTP_HOST="localhost", REMOTE_ADDR="10.7.7.7")
    response = client.post(reverse("staff:login"), {"username": username, "password": password})
    assert response.status_code == 302, response.content[:300]
    return client


def enrol(client):
    """Through the enrolment page, as a person would: scan (here: read the key), type."""
    page = client.get(reverse("staff:two_factor_setup")).content.decode()
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page).group(1)
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    response = client.post(reverse("staff:two_factor_setup"), {"token": totp(key, time.time())})
    return key, page, response


@REQUIRED
def test_a_clinician_enrols_at_first_sign_in(db, staff):
    clinician = sign_in(staff["clinician"].username)
    # every page leads to enrolment until it is done; nothing about patients on the way
    for url in (reverse("staff:conversations"), reverse("staff:appointments")):
        response = clinician.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("staff:two_factor_setup") + "?next=")
    page = clinician.get(reverse("staff:two_factor_setup"))
    html = page.content.decode()
    assert "script-src 'self';" in page["Content-Security-Policy"]
    assert "unsafe-inline" not in page["Content-Security-Policy"]
    qr = re.search(r"<svg [^>]*role=\"img\".*?</svg>", html, re.S).group(0)
    assert "<path" in qr and "<script" not in html and "href" not in qr and "src=" not in qr
    assert not re.search(r'(src|href)="https?://', html)  # nothing from elsewhere
    assert "awaiting follow-up" not in html and "Conversations</a>" not in html

    key, _, response = enrol(clinician)
    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=staff["clinician"])
    assert device.confirmed and device.bin_key == key
    assert "Spine%20clinic%20console" in device.config_url
    assert clinician.get(reverse("staff:conversations")).status_code == 200
    assert AuditEntry.objects.filter(
        action="2fa_enrolled", username=staff["clinician"].username, ip="10.7.7.7"
    ).exists()

    # the next sign-in asks for the code; a wrong one is refused and recorded
    again = sign_in(staff["clinician"].username)
    assert again.get(reverse("staff:conversations"))["Location"].startswith(
        reverse("staff:two_factor_verify")
    )
    wrong = again.post(
        reverse("staff:two_factor_verify"),
        {"token": "000000" if totp(key, time.time() + 30) != "000000" else "111111"},
    )
    assert wrong.status_code == 200 and "That code is not right" in wrong.content.decode()
    assert again.get(reverse("staff:conversations")).status_code == 302
    assert AuditEntry.objects.filter(action="2fa_failed").count() == 1
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    # a code is used once: the enrolment's is spent, the app's next one works
    right = again.post(
        reverse("staff:two_factor_verify") + "?next=/appointments/",
        {"token": totp(key, time.time() + 30), "next": "/appointments/"},
    )
    assert right.status_code == 302 and right["Location"] == "/appointments/"
    assert again.get(reverse("staff:appointments")).status_code == 200
    assert AuditEntry.objects.filter(action="2fa_verified").count() == 1


@REQUIRED
def test_nothing_is_done_before_the_code(db, tracker, staff):
    from console.staff.models import Conversation
    from console.staff.sync import sync

    tracker.turn("patient", "hello")
    sync()
    pk = Conversation.objects.get(sender_id="patient").pk
    admin = sign_in(staff["admin"].username)
    response = admin.post(reverse("staff:note", args=[pk]), {"body": "written too early"})
    assert response.status_code == 302 and "two-factor" in response["Location"]
    assert not Note.objects.exists()
    assert admin.post(reverse("staff:export_csv")).status_code == 302


@REQUIRED
def test_reviewers_may_go_without(db, staff):
    reviewer = sign_in(staff["reviewer"].username)
    assert reviewer.get(reverse("staff:conversations")).status_code == 200


def test_off_by_default_but_an_enrolled_app_is_always_asked_for(db, staff):
    clinician = sign_in(staff["clinician"].username)
    assert clinician.get(reverse("staff:conversations")).status_code == 200
    key, _, response = enrol(clinician)  # optional, and then for good
    assert response.status_code == 302
    again = sign_in(staff["clinician"].username)
    assert again.get(reverse("staff:conversations")).status_code == 302


def test_an_admin_retypes_their_password_to_reset_a_password_or_an_app(db, staff):
    member = staff["clinician"]
    enrol(sign_in(member.username))
    admin = Client(HTTP_HOST="localhost")
    admin.force_login(staff["admin"])
    edit = reverse("staff:user_edit", args=[member.pk])
    reset = reverse("staff:user_two_factor_reset", args=[member.pk])
    new = {"role": "clinician", "is_active": "on", "password": "a brand new password 7"}

    page = admin.post(edit, new).content.decode()
    assert "Type your own password" in page
    assert admin.post(edit, {**new, "admin_password": "not mine at all"}).status_code == 200
    member.refresh_from_db()
    assert member.check_password(helpers.PASSWORD)
    assert admin.post(reset, {"admin_password": "not mine at all"}).status_code == 302
    assert TOTPDevice.objects.filter(user=member).exists()
    assert AuditEntry.objects.filter(action="reauth_failed").count() == 3

    assert admin.post(edit, {**new, "admin_password": helpers.PASSWORD}).status_code == 302
    member.refresh_from_db()
    assert member.check_password("a brand new password 7")
    assert admin.post(reset, {"admin_password": helpers.PASSWORD}).status_code == 302
    assert not TOTPDevice.objects.filter(user=member).exists()
    assert AuditEntry.objects.get(action="2fa_reset").detail == {"devices": 1}
    # role changes need no password
    assert admin.post(edit, {"role": "reviewer", "is_active": "on"}).status_code == 302


def test_production_turns_it_on():
    from pathlib import Path

    import yaml

    deploy = Path(__file__).resolve().parents[2] / "deploy"
    assert "\nCONSOLE_REQUIRE_2FA=1\n" in (deploy / "env.example").read_text()
    console = yaml.safe_load((deploy / "docker-compose.yml").read_text())["services"]["console"]
    assert console["environment"]["CONSOLE_REQUIRE_2FA"] == "${CONSOLE_REQUIRE_2FA:-1}"
    assert "CONSOLE_TRUSTED_PROXIES" in console["environment"]
    dockerfile = (deploy / "Dockerfile").read_text()
    install = dockerfile.split("AS console", 1)[1].split("COPY console/")[0]
    assert "django-otp" in install and "qrcode" in install
