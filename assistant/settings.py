"""Practice configuration, read from the environment (see `.env.example`).

The hospital's name, its emergency line and the contact route are configuration,
not code: responses refer to them as `{emergency_number}`, `{practice_name}`, ...
and `assistant.nlg.PracticeNLG` fills them in.
"""
import os
from dataclasses import dataclass, asdict
from typing import Dict

DEFAULTS = {
    "PRACTICE_NAME": "Dr. Bhavuk Garg's spine clinic, Max Hospital, Delhi",
    "EMERGENCY_NUMBER": "112",
    "HOSPITAL_EMERGENCY_LINE": "",
    "PRACTICE_CONTACT": "the clinic's front desk, through the \"Book an appointment\" link on this page",
    # who answers questions about personal data (the privacy notice); default: the practice
    "PRIVACY_CONTACT": "",
    # how long conversations are kept (the console's retention, said in the privacy notice)
    "CONSOLE_RETENTION_DAYS": "365",
}


@dataclass(frozen=True)
class Practice:
    """What the assistant says about the practice it serves."""

    practice_name: str
    emergency_number: str
    hospital_emergency_line: str
    practice_contact: str
    privacy_contact: str = ""
    retention_days: str = "365"

    @property
    def emergency_lines(self) -> str:
        """'112' or '112 or the hospital's emergency line 011-...' in plain words."""
        if self.hospital_emergency_line:
            return (f"{self.emergency_number} or the hospital's emergency line "
                    f"{self.hospital_emergency_line}")
        return self.emergency_number

    def template_values(self) -> Dict[str, str]:
        """Values offered to every response template."""
        values = asdict(self)
        values["emergency_lines"] = self.emergency_lines
        return values


def practice(environ=None) -> Practice:
    """Read the practice settings from `environ` (default: the process environment)."""
    env = os.environ if environ is None else environ

    def get(key: str) -> str:
        return (env.get(key) or DEFAULTS[key]).strip()

    return Practice(
        practice_name=get("PRACTICE_NAME"),
        emergency_number=get("EMERGENCY_NUMBER"),
        hospital_emergency_line=get("HOSPITAL_EMERGENCY_LINE"),
        practice_contact=get("PRACTICE_CONTACT"),
        privacy_contact=get("PRIVACY_CONTACT") or get("PRACTICE_CONTACT"),
        retention_days=get("CONSOLE_RETENTION_DAYS"),
    )
