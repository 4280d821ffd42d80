"""Practice configuration, read from the environment (see `.env.example`): the one place.

The hospital's name, its emergency line and the clinic's contact details (phone, address,
opening hours, booking link) are configuration, not code: responses refer to them as
`{emergency_number}`, `{clinic_phone}`, `{practice_contact}`, ... and
`assistant.nlg.PracticeNLG` fills them in, in the conversation's language and in the form
the channel can tap (assistant/contact_values.py).

The defaults below are EXAMPLE values for development and the demo page; a deployment
sets every CLINIC_* variable (the server logs a warning while one is missing).
"""
import os
from dataclasses import asdict, dataclass
from typing import Dict, List

EXAMPLE_DEFAULTS = {
    "CLINIC_PHONE": "+91 11 4000 0000",
    "CLINIC_ADDRESS": "Example Spine Clinic, 1 Example Road, New Delhi 110001",
    "CLINIC_HOURS": "Mon–Sat 9:00–17:00",
    "BOOKING_URL": "https://clinic.example.org/book",
}
DEFAULTS = {
    "PRACTICE_NAME": "Dr. Bhavuk Garg's spine clinic, Max Hospital, Delhi",
    "EMERGENCY_NUMBER": "112",
    "HOSPITAL_EMERGENCY_LINE": "",
    "CLINIC_HOURS_HI": "",
    "CLINIC_HOURS_HINGLISH": "",
    **EXAMPLE_DEFAULTS,
}


@dataclass(frozen=True)
class Practice:
    """What the assistant says about the practice it serves."""

    practice_name: str
    emergency_number: str
    hospital_emergency_line: str
    clinic_phone: str
    clinic_address: str
    clinic_hours: str
    clinic_hours_hi: str
    clinic_hours_hinglish: str
    booking_url: str
    examples: tuple = ()   # the CLINIC_* settings still at their example value

    @property
    def emergency_lines(self) -> str:
        """'112' or '112 or the hospital's emergency line 011-...' in plain English."""
        if self.hospital_emergency_line:
            return (f"{self.emergency_number} or the hospital's emergency line "
                    f"{self.hospital_emergency_line}")
        return self.emergency_number

    def hours_in(self, language: str) -> str:
        """Opening hours as configured for `language` (English when not configured)."""
        specific = {"hi": self.clinic_hours_hi, "hinglish": self.clinic_hours_hinglish}
        return specific.get(language) or self.clinic_hours

    def template_values(self) -> Dict[str, str]:
        """The raw values offered to every response template."""
        values = {k: v for k, v in asdict(self).items() if isinstance(v, str)}
        values["emergency_lines"] = self.emergency_lines
        return values

    def missing(self) -> List[str]:
        """Contact settings still at their example value (to warn about at start)."""
        return list(self.examples)


def practice(environ=None) -> Practice:
    """Read the practice settings from `environ` (default: the process environment)."""
    env = os.environ if environ is None else environ

    def get(key: str) -> str:
        return (env.get(key) or DEFAULTS[key]).strip()

    return Practice(
        practice_name=get("PRACTICE_NAME"),
        emergency_number=get("EMERGENCY_NUMBER"),
        hospital_emergency_line=get("HOSPITAL_EMERGENCY_LINE"),
        clinic_phone=get("CLINIC_PHONE"),
        clinic_address=get("CLINIC_ADDRESS"),
        clinic_hours=get("CLINIC_HOURS"),
        clinic_hours_hi=get("CLINIC_HOURS_HI"),
        clinic_hours_hinglish=get("CLINIC_HOURS_HINGLISH"),
        booking_url=get("BOOKING_URL"),
        examples=tuple(key for key in EXAMPLE_DEFAULTS if not (env.get(key) or "").strip()),
    )
