"""Red-flag detection for patient messages (English, Hinglish, Devanagari Hindi)."""
from redflags.detector import (EMERGENCY, LEVELS, URGENT, Finding, RedFlagDetector,
                               load_rules, summarise)

__all__ = ["EMERGENCY", "URGENT", "LEVELS", "Finding", "RedFlagDetector",
           "load_rules", "summarise"]
