"""Reading a Cloud API webhook payload: every entry, change, message and status in it."""

import logging
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional, Tuple

from channels.whatsapp.inbound import CHOICE, NOT_TEXT, TEXT, Inbound

logger = logging.getLogger(__name__)

# types that need no answer; every other non-text type (image, audio, video, document,
# sticker, location, contacts, order, unsupported, ...) gets the polite "text only" notice
SILENT_TYPES = {"reaction", "system", "request_welcome", "ephemeral", "revoke", "edit"}


@dataclass
class Webhook:
    messages: List[Inbound] = field(default_factory=list)
    statuses: List[Dict[str, Any]] = field(default_factory=list)


def read_webhook(payload: Any, phone_number_id: str = "") -> Webhook:
    """All messages and statuses of a payload, for our phone number only."""
    result = Webhook()
    if not isinstance(payload, dict):
        return result
    for value in _values(payload):
        receiver = str(_dict(value.get("metadata")).get("phone_number_id") or "")
        if phone_number_id and receiver and receiver != phone_number_id:
            logger.debug("WhatsApp webhook for another phone number ignored")
            continue
        contacts = _dicts(value.get("contacts"))
        for message in _dicts(value.get("messages")):
            inbound = _message(message, contacts)
            if inbound is not None:
                result.messages.append(inbound)
        result.statuses.extend(_dicts(value.get("statuses")))
    return result


def _dict(value: Any) -> Dict[str, Any]:
    """`value` if it is a JSON object, else an empty one (payloads are not trusted)."""
    return value if isinstance(value, dict) else {}


def _dicts(value: Any) -> List[Dict[str, Any]]:
    """The objects of a JSON array; nothing if `value` is not an array."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _values(payload: Dict[str, Any]) -> Iterator[Dict[str, Any]]:
    for entry in _dicts(payload.get("entry")):
        for change in _dicts(entry.get("changes")):
            if change.get("field", "messages") != "messages":
                continue
            value = change.get("value")
            if isinstance(value, dict):
                yield value


def _contact(message: Dict[str, Any], contacts: List[Dict[str, Any]]) -> Dict[str, Any]:
    for contact in contacts:
        if (message.get("from") and contact.get("wa_id") == message.get("from")) or (
            message.get("from_user_id") and contact.get("user_id") == message.get("from_user_id")
        ):
            return contact
    return contacts[0] if len(contacts) == 1 else {}


def _identity(
    message: Dict[str, Any], contacts: List[Dict[str, Any]]
) -> Tuple[str, str, Dict[str, str]]:
    """(phone number, BSUID, reply address); the turn picks the conversation (identity.py)."""
    contact = _contact(message, contacts)
    wa_id = str(contact.get("wa_id") or message.get("from") or "")
    user_id = str(message.get("from_user_id") or contact.get("user_id") or "")
    # replies go to the phone number when known (Meta's advice), else to the BSUID
    to = {"to": wa_id} if wa_id else {"recipient": user_id}
    return wa_id, user_id, to


def _message(message: Dict[str, Any], contacts: List[Dict[str, Any]]) -> Optional[Inbound]:
    kind_of = str(message.get("type") or "unknown")
    message_id = str(message.get("id") or "")
    wa_id, user_id, to = _identity(message, contacts)
    sender_id = wa_id or user_id
    if not message_id or not sender_id or kind_of in SILENT_TYPES or message.get("group_id"):
        return None
    base: Dict[str, Any] = dict(
        message_id=message_id,
        sender_id=sender_id,
        to=to,
        type=kind_of,
        wa_id=wa_id,
        user_id=user_id,
    )
    if kind_of == "text":
        body = str(_dict(message.get("text")).get("body") or "")
        return Inbound(kind=TEXT, text=body, **base) if body.strip() else None
    if kind_of == "interactive":
        interactive = _dict(message.get("interactive"))
        kind = interactive.get("type")
        reply = interactive.get(kind) if kind in ("button_reply", "list_reply") else None
        if isinstance(reply, dict):
            return Inbound(
                kind=CHOICE,
                text=str(reply.get("id") or ""),
                title=str(reply.get("title") or ""),
                **base,
            )
        return Inbound(kind=NOT_TEXT, **base)
    if kind_of == "button":  # quick-reply button of a template message
        button = _dict(message.get("button"))
        text = str(button.get("payload") or button.get("text") or "")
        return Inbound(kind=TEXT, text=text, **base) if text else None
    # A photo, video or document may carry a caption: the attachment is not read, the
    # caption is screened and answered like any text ("since the fall I can't control my
    # bladder").
    caption = str(_dict(message.get(kind_of)).get("caption") or "").strip()
    return Inbound(kind=NOT_TEXT, text=caption, **base)


def describe_status(status: Dict[str, Any]) -> str:
    """A status for the log: its state and error codes, no ids or numbers."""
    errors = ",".join(str(e.get("code")) for e in _dicts(status.get("errors")))
    return f"{status.get('status', '?')}{' errors=' + errors if errors else ''}"
