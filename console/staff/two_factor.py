"""Second factor at sign-in: a TOTP code from an authenticator app (django-otp's TOTP
device), after the password.

Who needs it: everybody who has enrolled a device, and, when CONSOLE_REQUIRE_2FA is on
(production), every clinician and admin, who is sent to enrolment at first sign-in.
Until the code is given, a signed-in session reaches only the enrolment and code pages
and "sign out" (SecondFactorMiddleware, after django-otp's OTPMiddleware).
"""

import io
from base64 import b32encode
from typing import Optional

import qrcode
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathImage

from console.staff.models import CLINICIAN

DEVICE_NAME = "authenticator app"


def confirmed_device(user) -> Optional[TOTPDevice]:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def required_for(user) -> bool:
    """Must this user give a code at sign-in?"""
    if confirmed_device(user) is not None:
        return True
    return settings.CONSOLE_REQUIRE_2FA and user.has_role(CLINICIAN)


def pending(request) -> bool:
    """Signed in with the password, still owing the code."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_verified():
        return False
    return required_for(user)


def enrolment_device(user) -> TOTPDevice:
    """The device being enrolled (unconfirmed), the same on every reload of the page."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The key as an authenticator app takes it when typed: base32, in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device: TOTPDevice) -> SafeString:
    """The otpauth:// link as an inline SVG drawn here (no image service, no script,
    nothing the Content-Security-Policy would have to allow)."""
    out = io.BytesIO()
    qrcode.make(device.config_url, image_factory=SvgPathImage, border=2).save(out)
    svg = out.getvalue().decode()
    svg = svg[svg.index("<svg") :].replace(
        "<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1
    )
    return mark_safe(svg)


class SecondFactorMiddleware:
    """Sends a session that still owes its code to the code page (or to enrolment)."""

    OPEN = ("staff:two_factor_setup", "staff:two_factor_verify", "staff:logout")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if pending(request) and not request.path.startswith(settings.STATIC_URL):
            open_paths = {reverse(name) for name in self.OPEN}
            if request.path not in open_paths:
                target = (
                    "staff:two_factor_verify"
                    if confirmed_device(request.user)
                    else "staff:two_factor_setup"
                )
                return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
