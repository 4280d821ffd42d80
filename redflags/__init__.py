"""Red-flag detection for patient messages (English, Hinglish, Devanagari Hindi)."""

from contract import CONFIRMED, EMERGENCY, POSSIBLE, URGENT
from redflags.detector import (
    LEVELS,
    Analysis,
    Finding,
    RedFlagDetector,
    load_rules,
    summaries,
    summarise,
)

__all__ = [
    "EMERGENCY",
    "URGENT",
    "LEVELS",
    "CONFIRMED",
    "POSSIBLE",
    "Analysis",
    "Finding",
    "RedFlagDetector",
    "load_rules",
    "summaries",
    "summarise",
]
