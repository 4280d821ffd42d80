"""Webhook payloads and signatures built the way Meta builds them.

Meta serialises the payload with non-ASCII characters as \\uXXXX escapes and '/'
as '\\/', and signs exactly those bytes: X-Hub-Signature-256 = 'sha256=' + HMAC-SHA256.
"""

import hashlib
import hmac
import itertools
import json
import time
from typing import Any, Dict, Iterable, Optional, Tuple

APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"
ACCESS_TOKEN = "test-access-token"
PHONE_NUMBER_ID = "106540352242922"
WABA_ID = "102290129340398"

_ids = itertools.count(1)


def cloud_env(graph_url: str, redis_url: str = "") -> Dict[str, str]:
    """The environment of servers whose Cloud API channel takes this module's signed
    payloads and replies to a fake Graph API at `graph_url` (harness/whatsapp/fake_graph.py);
    `redis_url` empty: duplicate checks in process memory."""
    return {
        "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
        "WHATSAPP_APP_SECRET": APP_SECRET,
        "WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN,
        "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "WHATSAPP_GRAPH_BASE_URL": graph_url,
        "WHATSAPP_REDIS_URL": redis_url,
    }


def message_id() -> str:
    return f"wamid.TEST{time.time_ns()}{next(_ids)}"


def contact(wa_id: str, user_id: str = "", name: str = "Asha") -> Dict[str, Any]:
    entry = {"profile": {"name": name}, "wa_id": wa_id}
    if user_id:
        entry["user_id"] = user_id
    return entry


def _message(
    wa_id: str, kind: str, content: Dict[str, Any], mid: Optional[str], user_id: str = ""
) -> Dict[str, Any]:
    message = {
        "from": wa_id,
        "id": mid or message_id(),
        "timestamp": str(int(time.time())),
        "type": kind,
        **content,
    }
    if user_id:
        message["from_user_id"] = user_id
    return message


def text(wa_id: str, body: str, mid: Optional[str] = None, user_id: str = "") -> Dict[str, Any]:
    return _message(wa_id, "text", {"text": {"body": body}}, mid, user_id)


def button_reply(
    wa_id: str, reply_id: str, title: str, mid: Optional[str] = None
) -> Dict[str, Any]:
    return _message(
        wa_id,
        "interactive",
        {"interactive": {"type": "button_reply", "button_reply": {"id": reply_id, "title": title}}},
        mid,
    )


def list_reply(wa_id: str, reply_id: str, title: str, mid: Optional[str] = None) -> Dict[str, Any]:
    return _message(
        wa_id,
        "interactive",
        {
            "interactive": {
                "type": "list_reply",
                "list_reply": {"id": reply_id, "title": title, "description": ""},
            }
        },
        mid,
    )


MEDIA: Dict[str, Dict[str, Any]] = {
    "image": {
        "image": {
            "mime_type": "image/jpeg",
            "sha256": "abc",
            "id": "1479537139650973",
        }
    },
    "audio": {
        "audio": {
            "mime_type": "audio/ogg; codecs=opus",
            "sha256": "abc",
            "id": "1479537139650974",
            "voice": True,
        }
    },
    "location": {"location": {"latitude": 28.5672, "longitude": 77.2100, "name": "Max Hospital"}},
    "sticker": {
        "sticker": {
            "mime_type": "image/webp",
            "sha256": "abc",
            "id": "1479537139650975",
            "animated": False,
        }
    },
    "video": {"video": {"mime_type": "video/mp4", "sha256": "abc", "id": "1479537139650976"}},
    "document": {
        "document": {
            "filename": "report.pdf",
            "mime_type": "application/pdf",
            "sha256": "abc",
            "id": "1479537139650977",
        }
    },
    "unsupported": {"errors": [{"code": 131051, "title": "Message type unknown"}]},
}


def media(
    wa_id: str, kind: str, mid: Optional[str] = None, caption: Optional[str] = None
) -> Dict[str, Any]:
    """A photo, video, document, ... (with `caption`, as the patient may add one)."""
    body = json.loads(json.dumps(MEDIA[kind]))
    if caption is not None:
        body[kind]["caption"] = caption
    return _message(wa_id, kind, body, mid)


def status(wa_id: str, state: str = "delivered", errors: Iterable[Dict] = ()) -> Dict[str, Any]:
    entry: Dict[str, Any] = {
        "id": message_id(),
        "status": state,
        "timestamp": str(int(time.time())),
        "recipient_id": wa_id,
    }
    if errors:
        entry["errors"] = list(errors)
    return entry


def value(
    messages: Iterable[Dict] = (),
    contacts: Iterable[Dict] = (),
    statuses: Iterable[Dict] = (),
    phone_number_id: str = PHONE_NUMBER_ID,
) -> Dict[str, Any]:
    result: Dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": phone_number_id},
    }
    if contacts:
        result["contacts"] = list(contacts)
    if messages:
        result["messages"] = list(messages)
    if statuses:
        result["statuses"] = list(statuses)
    return result


def webhook(*entries: Iterable[Dict[str, Any]]) -> Dict[str, Any]:
    """One `entry` per argument, each a list of change values."""
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {"id": WABA_ID, "changes": [{"value": v, "field": "messages"} for v in values]}
            for values in entries
        ],
    }


def one(wa_id: str, message: Dict[str, Any], user_id: str = "") -> Dict[str, Any]:
    """A payload with a single message from one patient."""
    return webhook([value([message], [contact(wa_id, user_id)])])


def encode(payload: Dict[str, Any]) -> bytes:
    return (
        json.dumps(payload, ensure_ascii=True, separators=(",", ":"))
        .replace("/", "\\/")
        .encode("ascii")
    )


def signature(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signed(payload: Dict[str, Any], secret: str = APP_SECRET) -> Tuple[bytes, Dict[str, str]]:
    body = encode(payload)
    return body, {
        "Content-Type": "application/json",
        "X-Hub-Signature-256": signature(body, secret),
    }
