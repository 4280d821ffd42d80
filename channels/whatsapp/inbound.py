"""A patient's message as both WhatsApp channels see it."""

from dataclasses import dataclass, field
from typing import Dict

from assistant.settings import practice

TEXT, CHOICE, NOT_TEXT = "text", "choice", "not_text"

NOT_TEXT_NOTICE = (
    "Sorry, I can only read text messages. Please type your question in a few words.\n"
    "यहाँ केवल लिखे हुए संदेश पढ़े जा सकते हैं। कृपया अपना सवाल लिखकर भेजें।\n\n"
    "If this is an emergency, call {emergency_number} now."
)


@dataclass(frozen=True)
class Inbound:
    """One patient message: who sent it, where replies go, and what it says."""

    message_id: str
    sender_id: str  # the patient as the provider names them
    kind: str  # TEXT, CHOICE (tapped button or list row) or NOT_TEXT
    text: str = ""  # the text or payload; the tapped reply's id for CHOICE;
    # an attachment's caption for NOT_TEXT
    title: str = ""  # the tapped reply's title
    type: str = "text"  # the provider's message type
    to: Dict[str, str] = field(default_factory=dict)  # Cloud API reply address
    wa_id: str = ""  # Cloud API: the phone number, when Meta gives it
    user_id: str = ""  # Cloud API: the business-scoped user id (BSUID)


def not_text_notice() -> str:
    """The polite answer to images, voice notes, locations, stickers, ..."""
    return NOT_TEXT_NOTICE.format(emergency_number=practice().emergency_number)
