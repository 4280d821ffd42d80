"""Client addresses behind the TLS proxy: only configured proxies are trusted, the client
is the rightmost X-Forwarded-For hop that is not one of them; lockout is per account and
address, and per address whatever the account; the audit log has the real address."""

import ipaddress
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from console.staff.models import AuditEntry
from tests.console import helpers

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROXY = "10.0.0.2"  # the TLS proxy in front of the console
CLIENT = "203.0.113.7"  # the person at the keyboard, as the proxy saw them
BEHIND_PROXY = override_settings(
    CONSOLE_TRUSTED_PROXIES=[ipaddress.ip_network("10.0.0.0/24"), ipaddress.ip_network("fd00::/64")]
)


def address_of(remote, forwarded=None):
    from console.staff.client_address import client_ip

    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


@BEHIND_PROXY
@pytest.mark.parametrize(
    "remote,forwarded,expected",
    [
        (PROXY, CLIENT, CLIENT),
        # the client wrote the leftmost hops itself: ignored
        (PROXY, f"6.6.6.6, {CLIENT}", CLIENT),
        (PROXY, f"10.0.0.9, 6.6.6.6,{CLIENT}", CLIENT),
        # two proxies of ours in a row
        (PROXY, f"1.2.3.4, {CLIENT}, 10.0.0.3", CLIENT),
        # a client inside the proxies' network: every hop trusted, the leftmost is the client
        (PROXY, "10.0.0.50", "10.0.0.50"),
        # not from a proxy: the header is the client's own invention
        ("198.51.100.4", "6.6.6.6", "198.51.100.4"),
        (CLIENT, None, CLIENT),
        (PROXY, None, PROXY),
        (PROXY, "", PROXY),
        # garbage where the proxy should have written an address: the proxy's own address
        (PROXY, "6.6.6.6, unknown", PROXY),
        (PROXY, "2001:db8::7", "2001:db8::7"),
        ("fd00::2", f"6.6.6.6, {CLIENT}", CLIENT),
    ],
)
def test_the_rightmost_untrusted_hop_is_the_client(remote, forwarded, expected):
    assert address_of(remote, forwarded) == expected


@override_settings(CONSOLE_TRUSTED_PROXIES=[])
def test_without_trusted_proxies_forwarded_for_is_ignored():
    assert address_of(PROXY, "6.6.6.6") == PROXY


def settings_in_subprocess(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CONSOLE_")}
    clean.update(PYTHONPATH=ROOT, DJANGO_SECRET_KEY="x" * 50, **env)
    code = "from console import settings; print(settings.CONSOLE_TRUSTED_PROXIES)"
    return subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True)


def test_trusted_proxies_come_from_the_environment(tmp_path):
    done = settings_in_subprocess(
        CONSOLE_VAR_DIR=str(tmp_path), CONSOLE_TRUSTED_PROXIES="10.0.0.2, 172.18.0.0/16 ::1"
    )
    assert done.returncode == 0, done.stderr
    assert "IPv4Network('10.0.0.2/32')" in done.stdout and "172.18.0.0/16" in done.stdout
    assert "IPv6Network('::1/128')" in done.stdout
    bad = settings_in_subprocess(CONSOLE_VAR_DIR=str(tmp_path), CONSOLE_TRUSTED_PROXIES="proxy")
    assert bad.returncode != 0 and "CONSOLE_TRUSTED_PROXIES" in bad.stderr
    # the old switch trusted the client's own leftmost hop; it must not be silently ignored
    old = settings_in_subprocess(CONSOLE_VAR_DIR=str(tmp_path), CONSOLE_TRUST_X_FORWARDED_FOR="1")
    assert old.returncode != 0 and "CONSOLE_TRUSTED_PROXIES" in old.stderr


def guess(username, forged_hop, client=CLIENT, password="wrong password"):
    browser = Client(
        HTTP_HOST="localhost", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{forged_hop}, {client}"
    )
    return browser.post(reverse("staff:login"), {"username": username, "password": password})


@BEHIND_PROXY
def test_twelve_guesses_with_forged_hops_are_locked_out(db, staff):
    clinician = staff["clinician"]
    codes = [guess(clinician.username, f"198.51.100.{n}").status_code for n in range(12)]
    limit = settings.AXES_FAILURE_LIMIT
    assert codes[: limit - 1] == [200] * (limit - 1)
    assert codes[limit - 1 :] == [429] * (12 - limit + 1)
    # the right password from the guesser's address no longer helps
    assert guess(clinician.username, "198.51.100.99", password=helpers.PASSWORD).status_code == 429
    failed = AuditEntry.objects.filter(action__in=["login_failed", "lockout"])
    assert failed.count() >= limit and {e.ip for e in failed} == {CLIENT}
    # the clinician, elsewhere, is not locked out by the guesser
    assert (
        guess(
            clinician.username, "anything", client="198.51.100.200", password=helpers.PASSWORD
        ).status_code
        == 302
    )
    login = AuditEntry.objects.get(action="login")
    assert login.ip == "198.51.100.200" and login.username == clinician.username


@BEHIND_PROXY
def test_a_guesser_rotating_usernames_is_locked_out(db, staff):
    names = [staff["clinician"].username, staff["admin"].username]
    names += [f"guess{n}" for n in range(10)]
    codes = [guess(name, f"192.0.2.{n}").status_code for n, name in enumerate(names)]
    limit = settings.CONSOLE_ADDRESS_FAILURE_LIMIT
    assert limit < len(names)
    assert codes[: limit - 1] == [200] * (limit - 1)
    assert codes[limit - 1 :] == [429] * (12 - limit + 1)
    # a colleague at another address signs in
    assert (
        guess(
            staff["reviewer"].username, "x", client="198.51.100.201", password=helpers.PASSWORD
        ).status_code
        == 302
    )


@BEHIND_PROXY
def test_typos_of_one_account_leave_the_address_open_to_others(db, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        guess(staff["clinician"].username, "x")
    assert guess(staff["clinician"].username, "x", password=helpers.PASSWORD).status_code == 429
    assert guess(staff["reviewer"].username, "x", password=helpers.PASSWORD).status_code == 302


@BEHIND_PROXY
def test_the_audit_log_has_the_real_client_address(db, tracker, staff):
    from console.staff.models import Conversation
    from console.staff.sync import sync

    tracker.turn("address-patient", "hello")
    sync()
    pk = Conversation.objects.get(sender_id="address-patient").pk
    browser = Client(
        HTTP_HOST="localhost", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"6.6.6.6, {CLIENT}"
    )
    browser.force_login(staff["reviewer"])
    assert browser.get(reverse("staff:transcript", args=[pk])).status_code == 200
    assert AuditEntry.objects.get(action="transcript_view").ip == CLIENT
