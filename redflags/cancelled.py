"""Red-flag concepts that a message's own words cancelled, kept for the safety review.

The screen gives no finding for a red-flag concept only when the message denies it ("no
numbness in my legs"), tells it as a resolved history ("went away", "theek ho gaya"), or
says all is fine now beside a doubtful mention ("abhi sab theek hai"). Such a decision is
where a wrongly read context would silently cancel an emergency, so each one is published
in the parse result (contract.RED_FLAGS_CANCELLED) and listed in the staff console's
safety review beside the possible findings. This module names the reason.
"""

from dataclasses import dataclass
from typing import Any, Dict, Iterable

from spacy.tokens import Span

from contract import CANCEL_NEGATED, CANCEL_RESOLVED
from redflags.certainty import RESOLVED


@dataclass(frozen=True)
class Cancelled:
    """A red-flag concept the message mentioned and its context cancelled."""

    category: str
    level: str
    text: str
    reason: str

    def as_dict(self) -> Dict[str, Any]:
        """The shape published in the parse result's `red_flags_cancelled`."""
        return {
            "category": self.category,
            "level": self.level,
            "text": self.text,
            "reason": self.reason,
        }


def reason_of(span: Span, modifiers: Iterable) -> str:
    """Why the certainty judge gave `span` no finding: resolved history, or a denial."""
    sentence = span.sent
    for modifier in modifiers:
        start = modifier.modifier_span[0]
        if modifier.category == RESOLVED and sentence.start <= start < sentence.end:
            return CANCEL_RESOLVED
    return CANCEL_NEGATED
