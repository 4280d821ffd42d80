"""Settings of the staff console. Everything that differs between machines comes from
the environment; `make run` works with none of it set (development defaults)."""

import os
import runpy
import secrets
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from console.dburl import django_database, is_postgres
from console.staff.client_address import parse_networks

ROOT = Path(__file__).resolve().parents[1]
VAR = Path(os.environ.get("CONSOLE_VAR_DIR", ROOT / "var"))
# The variables the console shares with the other processes (DATABASE_URL,
# CONSOLE_RETENTION_DAYS) take their default from the project's settings.py, the one place
# each default is written. It is read by its path: console/ is the script directory of
# manage.py, where `import settings` would find this very file.
project_setting = runpy.run_path(str(ROOT / "settings.py"))["value"]


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value in (None, "") else value.lower() in ("1", "true", "yes", "on")


def _secret_key() -> str:
    """DJANGO_SECRET_KEY, or a development key generated once under var/ (never committed)."""
    if os.environ.get("DJANGO_SECRET_KEY"):
        return os.environ["DJANGO_SECRET_KEY"]
    path = VAR / "console-secret.key"
    if not path.exists():
        VAR.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _flag("DJANGO_DEBUG", False)
ALLOWED_HOSTS = os.environ.get("CONSOLE_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")

# The tracker store (Rasa's `events` table) and the practice's `appointment_requests`.
TRACKER_DATABASE_URL = project_setting("DATABASE_URL")
# The console's own tables: the same PostgreSQL database in production, a file beside
# the tracker store in development. CONSOLE_DATABASE_URL overrides both.
CONSOLE_DATABASE_URL = os.environ.get("CONSOLE_DATABASE_URL") or (
    TRACKER_DATABASE_URL if is_postgres(TRACKER_DATABASE_URL) else f"sqlite:///{VAR / 'console.db'}"
)
DATABASES = {"default": django_database(CONSOLE_DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "console.staff",
    "console.takeover",
    "console.worklist",
    "console.analytics",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "console.staff.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "console.staff.two_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]
ROOT_URLCONF = "console.urls"
WSGI_APPLICATION = "console.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "console.staff.context.console",
            ]
        },
    }
]

# Accounts: Argon2 hashes, lockout after repeated failures (django-axes).
AUTH_USER_MODEL = "staff.User"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "staff:home"  # the worklist for clinicians and admins
LOGOUT_REDIRECT_URL = "staff:login"
# Lockout (console/staff/lockout.py): an account from one address after
# CONSOLE_LOGIN_FAILURE_LIMIT failures, an address for every account after
# CONSOLE_ADDRESS_FAILURE_LIMIT failures, both for CONSOLE_LOCKOUT_MINUTES.
AXES_FAILURE_LIMIT = int(os.environ.get("CONSOLE_LOGIN_FAILURE_LIMIT", "5"))
CONSOLE_ADDRESS_FAILURE_LIMIT = int(os.environ.get("CONSOLE_ADDRESS_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("CONSOLE_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "console.staff.lockout.ConsoleLockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_TEMPLATE = "staff/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "console.staff.client_address.client_ip"
AXES_VERBOSE = False
# Addresses or networks of the proxies in front of the console (the TLS proxy): only a
# request from one of them has its X-Forwarded-For read, and the client is the rightmost
# hop that is not one of them (console/staff/client_address.py). Empty: REMOTE_ADDR.
CONSOLE_TRUSTED_PROXIES = parse_networks(os.environ.get("CONSOLE_TRUSTED_PROXIES", ""))
if os.environ.get("CONSOLE_TRUST_X_FORWARDED_FOR"):
    raise ImproperlyConfigured(
        "CONSOLE_TRUST_X_FORWARDED_FOR is gone (it trusted the client's own leftmost hop): "
        "name the proxies in CONSOLE_TRUSTED_PROXIES instead, see docs/deploy.md"
    )

# Second factor (console/staff/two_factor.py): a TOTP code from an authenticator app.
# CONSOLE_REQUIRE_2FA=1 (production) makes it compulsory for clinicians and admins;
# whoever has enrolled an app gives its code anyway.
CONSOLE_REQUIRE_2FA = _flag("CONSOLE_REQUIRE_2FA", False)
OTP_TOTP_ISSUER = os.environ.get("CONSOLE_TOTP_ISSUER", "Spine clinic console")

# Sessions end after CONSOLE_IDLE_MINUTES without a request, and with the browser.
SESSION_COOKIE_AGE = int(os.environ.get("CONSOLE_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_COOKIES = _flag("CONSOLE_SECURE_COOKIES", True)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Strict"
SESSION_COOKIE_NAME = "console_session"
CSRF_COOKIE_NAME = "console_csrftoken"
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("CONSOLE_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if _flag("CONSOLE_HTTPS", False):  # behind a TLS-terminating proxy
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("CONSOLE_TIME_ZONE", "Asia/Kolkata")
USE_I18N = False
USE_TZ = True
STATIC_URL = "/static/"
WHITENOISE_USE_FINDERS = True  # served straight from console/staff/static, no collectstatic

# What the console shows and keeps.
CONSOLE_PAGE_SIZE = 50
CONSOLE_LOW_CONFIDENCE = float(os.environ.get("CONSOLE_LOW_CONFIDENCE", "0.6"))
CONSOLE_RETENTION_DAYS = int(project_setting("CONSOLE_RETENTION_DAYS"))
CONSOLE_SYNC_MAX_EVENTS = 20000  # per request; `sync_conversations` has no limit
CONSOLE_NLU_DIR = ROOT / "data" / "nlu"
CONSOLE_ANALYTICS_DAYS = 30  # the analytics page's range when the URL names none
# Personal data is masked; a clinician or admin who reveals a conversation sees it for
# this long (console/staff/masking.py).
CONSOLE_REVEAL_MINUTES = int(os.environ.get("CONSOLE_REVEAL_MINUTES", "10"))
# The escalation worklist (console/worklist/): an open escalation is overdue after these
# minutes without a follow-up, and the open page asks for new rows this often (each poll
# is a request, so the session does not time out while the worklist is open).
CONSOLE_WORKLIST_TARGET_EMERGENCY_MINUTES = int(
    os.environ.get("CONSOLE_WORKLIST_TARGET_EMERGENCY_MINUTES", "10")
)
CONSOLE_WORKLIST_TARGET_URGENT_MINUTES = int(
    os.environ.get("CONSOLE_WORKLIST_TARGET_URGENT_MINUTES", "60")
)
CONSOLE_WORKLIST_POLL_SECONDS = int(os.environ.get("CONSOLE_WORKLIST_POLL_SECONDS", "15"))

# Errors go to stderr without request data; no access log (URLs carry no patient data
# anyway: conversations are addressed by the console's own number).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {"axes": {"level": "WARNING"}},
}
