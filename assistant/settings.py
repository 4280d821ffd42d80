"""Practice configuration, read from the environment (see `.env.example`).

The hospital's name, its emergency line and the clinic's contact details (phone, address,
opening hours, booking link) are configuration, not code: responses refer to them as
`{emergency_number}`, `{clinic_phone}`, `{practice_contact}`, ... and
`assistant.nlg.PracticeNLG` fills them in, in the conversation's language and in the form
the channel can tap (assistant/contact_values.py). Their defaults are the project's
(settings.py at the repository root); the CLINIC_* and BOOKING_URL defaults are EXAMPLE
values, which a deployment replaces (the server logs a warning while one is left).
"""

from dataclasses import asdict, dataclass
from typing import Dict, List, Mapping, Optional, Tuple

from settings import DEFAULTS, EXAMPLE_VALUES, value


@dataclass(frozen=True)
class Practice:
    """What the assistant says about the practice it serves."""

    practice_name: str
    emergency_number: str
    hospital_emergency_line: str
    practice_contact: str
    clinic_phone: str
    clinic_address: str
    clinic_hours: str
    clinic_hours_hi: str
    clinic_hours_hinglish: str
    booking_url: str
    privacy_contact: str = ""  # empty: practice_contact (practice() fills it in)
    retention_days: str = DEFAULTS["CONSOLE_RETENTION_DAYS"]
    examples: Tuple[str, ...] = ()  # the contact settings still at their example value

    @property
    def emergency_lines(self) -> str:
        """The number, or 'NUMBER or the hospital's emergency line LINE' in plain words."""
        if self.hospital_emergency_line:
            return (
                f"{self.emergency_number} or the hospital's emergency line "
                f"{self.hospital_emergency_line}"
            )
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


def practice(environ: Optional[Mapping[str, str]] = None) -> Practice:
    """Read the practice settings from `environ` (default: the process environment)."""

    def get(key: str) -> str:
        return value(key, environ)

    return Practice(
        practice_name=get("PRACTICE_NAME"),
        emergency_number=get("EMERGENCY_NUMBER"),
        hospital_emergency_line=get("HOSPITAL_EMERGENCY_LINE"),
        practice_contact=get("PRACTICE_CONTACT"),
        privacy_contact=get("PRIVACY_CONTACT") or get("PRACTICE_CONTACT"),
        retention_days=get("CONSOLE_RETENTION_DAYS"),
        clinic_phone=get("CLINIC_PHONE"),
        clinic_address=get("CLINIC_ADDRESS"),
        clinic_hours=get("CLINIC_HOURS"),
        clinic_hours_hi=get("CLINIC_HOURS_HI"),
        clinic_hours_hinglish=get("CLINIC_HOURS_HINGLISH"),
        booking_url=get("BOOKING_URL"),
        # scripts/env.sh exports every default, so "still the example" is by value
        examples=tuple(key for key in EXAMPLE_VALUES if get(key) == DEFAULTS[key]),
    )
