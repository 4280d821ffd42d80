"""Practice configuration, read from the environment (see `.env.example`).

The hospital's name, its emergency line and the contact route are configuration,
not code: responses refer to them as `{emergency_number}`, `{practice_name}`, ...
and `assistant.nlg.PracticeNLG` fills them in. Their defaults are the project's
(settings.py at the repository root).
"""
from dataclasses import asdict, dataclass
from typing import Dict, Mapping, Optional

from settings import DEFAULTS, value


@dataclass(frozen=True)
class Practice:
    """What the assistant says about the practice it serves."""

    practice_name: str
    emergency_number: str
    hospital_emergency_line: str
    practice_contact: str
    privacy_contact: str = ""  # empty: practice_contact (practice() fills it in)
    retention_days: str = DEFAULTS["CONSOLE_RETENTION_DAYS"]

    @property
    def emergency_lines(self) -> str:
        """The number, or 'NUMBER or the hospital's emergency line LINE' in plain words."""
        if self.hospital_emergency_line:
            return (f"{self.emergency_number} or the hospital's emergency line "
                    f"{self.hospital_emergency_line}")
        return self.emergency_number

    def template_values(self) -> Dict[str, str]:
        """Values offered to every response template."""
        values = asdict(self)
        values["emergency_lines"] = self.emergency_lines
        return values


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
    )
