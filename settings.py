"""The environment every process of the project reads: one default per variable, written
here once, and a clear error when a variable without a default is missing.

The Rasa server (assistant/settings.py builds the practice's settings from these), the
action server, the staff console and the scripts all take their configuration from
environment variables (README, "Configuration"). Rasa's own YAML files
(endpoints.yml, credentials.yml) read `${VARIABLE}`s that must be set, so scripts/env.sh
exports the values printed by `python settings.py exports` instead of repeating the
defaults. This module imports nothing but the standard library, so that every process can
use it.
"""

import os
import shlex
import sys
from pathlib import Path
from typing import Dict, List, Mapping, Optional

ROOT = Path(__file__).resolve().parent

#: Every variable with a default, and the default. Empty means "not used": the feature
#: that needs it is off (a WhatsApp channel refuses every request, no alert is sent, ...).
DEFAULTS: Dict[str, str] = {
    # --- storage and the servers' addresses
    "DATABASE_URL": f"sqlite:///{ROOT / 'var' / 'assistant.db'}",
    "ACTION_SERVER_URL": "http://127.0.0.1:5055/webhook",
    # the interfaces the servers listen on: loopback unless a deployment says otherwise
    # (the action server answers only the Rasa server, with ACTION_SERVER_TOKEN, which has
    # no default: scripts/env.sh generates one into var/ for this machine)
    "RASA_INTERFACE": "127.0.0.1",
    "ACTION_HOST": "127.0.0.1",
    "ACTION_LOG_LEVEL": "INFO",
    "ALLOWED_ORIGINS": "http://localhost:8080 http://127.0.0.1:8080",
    # --- the practice, in what the assistant says (assistant/settings.py)
    "PRACTICE_NAME": "Dr. Bhavuk Garg's spine clinic, Max Hospital, Delhi",
    "EMERGENCY_NUMBER": "112",
    "HOSPITAL_EMERGENCY_LINE": "",
    "PRACTICE_CONTACT": 'the clinic\'s front desk, through the "Book an appointment" link '
    "on this page",
    # who answers questions about personal data (the privacy notice); empty: PRACTICE_CONTACT
    "PRIVACY_CONTACT": "",
    # how long conversations are kept, in days (the console's retention; the privacy notice)
    "CONSOLE_RETENTION_DAYS": "365",
    # The clinic's contact details (assistant/contact_values.py renders them per language
    # and channel). EXAMPLE values for development and the demo page: a deployment sets
    # each one (EXAMPLE_VALUES; the Rasa server logs a warning while one is left).
    "CLINIC_PHONE": "+91 11 4000 0000",
    "CLINIC_ADDRESS": "Example Spine Clinic, 1 Example Road, New Delhi 110001",
    "CLINIC_HOURS": "Mon–Sat 9:00–17:00",
    # optional: the opening hours in Hindi and in Hinglish (empty: the English ones)
    "CLINIC_HOURS_HI": "",
    "CLINIC_HOURS_HINGLISH": "",
    "BOOKING_URL": "https://clinic.example.org/book",
    # channels on which the assistant offers a call back after emergency or urgent advice
    # (actions/callback.py); WhatsApp patients are reached on their WhatsApp number
    "CALLBACK_OFFER_CHANNELS": "socketio",
    # --- WhatsApp channels (docs/whatsapp.md); empty secrets: every request is refused
    "WHATSAPP_VERIFY_TOKEN": "",
    "WHATSAPP_APP_SECRET": "",
    "WHATSAPP_ACCESS_TOKEN": "",
    "WHATSAPP_PHONE_NUMBER_ID": "",
    "WHATSAPP_GRAPH_VERSION": "v26.0",
    "WHATSAPP_GRAPH_BASE_URL": "https://graph.facebook.com",
    # empty: duplicate checks in process memory (one server); production sets a Redis URL
    "WHATSAPP_REDIS_URL": "",
    "TWILIO_ACCOUNT_SID": "",
    "TWILIO_AUTH_TOKEN": "",
    "TWILIO_WHATSAPP_NUMBER": "",
    "TWILIO_WEBHOOK_PUBLIC_URL": "",
    "TWILIO_API_BASE_URL": "",
    # --- live takeover (console/takeover/)
    # empty: the widget's sockets are known to this process only (one Rasa server); with
    # several replicas a Redis URL, through which a message reaches the replica holding the
    # patient's socket (python-socketio's AsyncRedisManager)
    "SOCKETIO_REDIS_URL": "",
    # where the console reaches the Rasa server's HTTP API (internal; RASA_AUTH_TOKEN)
    "CONSOLE_RASA_URL": "http://127.0.0.1:5005",
    # seconds a taken-over conversation may wait for a staff reply before the patient is
    # told how to reach the clinic
    "TAKEOVER_NO_REPLY_SECONDS": "300",
}

#: The variables whose default is an example, not a value to deploy with.
EXAMPLE_VALUES = ("CLINIC_PHONE", "CLINIC_ADDRESS", "CLINIC_HOURS", "BOOKING_URL")

#: What `make run-cluster` uses instead (scripts/run_cluster.sh, cluster/prepare.py): the
#: shared stores of several replicas, PostgreSQL and Redis on this machine.
CLUSTER_DEFAULTS: Dict[str, str] = {
    "DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/assistant",
    "REDIS_URL": "redis://127.0.0.1:6379/1",
}


class MissingSetting(KeyError):
    """A variable that has no default is not set (or not a variable of the project)."""

    def __str__(self) -> str:
        return str(self.args[0])


def value(name: str, environ: Optional[Mapping[str, str]] = None, cluster: bool = False) -> str:
    """The variable's value: from `environ` (default: the process environment) when set and
    not empty, else its default (the cluster's, with `cluster`)."""
    env = os.environ if environ is None else environ
    given = (env.get(name) or "").strip()
    if given:
        return given
    defaults = {**DEFAULTS, **CLUSTER_DEFAULTS} if cluster else DEFAULTS
    if name not in defaults:
        raise MissingSetting(
            f"{name} is not set and has no default: set it in the environment "
            'or in .env (README, "Configuration"; .env.example)'
        )
    return defaults[name]


def database_url(environ: Optional[Mapping[str, str]] = None) -> str:
    """DATABASE_URL: conversations and appointment requests (a SQLAlchemy URL)."""
    return value("DATABASE_URL", environ)


def exports(
    names: List[str], environ: Optional[Mapping[str, str]] = None, cluster: bool = False
) -> str:
    """`export NAME='value'` lines for a shell, one per name."""
    return "".join(
        f"export {name}={shlex.quote(value(name, environ, cluster))}\n" for name in names
    )


def main(argv: List[str]) -> int:
    """`python settings.py exports [--cluster] [NAME ...]`: every default's variable (or the
    names given), as the environment or the default sets it, for scripts/env.sh."""
    if not argv or argv[0] != "exports":
        print(main.__doc__, file=sys.stderr)
        return 2
    cluster = "--cluster" in argv
    names = [a for a in argv[1:] if a != "--cluster"]
    if not names:
        names = list({**DEFAULTS, **CLUSTER_DEFAULTS} if cluster else DEFAULTS)
    try:
        sys.stdout.write(exports(names, cluster=cluster))
    except MissingSetting as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
