"""Writing the audit log: who, what, when, from which address. Never message text; a
sender id only as a keyed hash (so a later request "was X erased?" can be answered)."""

import hashlib
import hmac
from typing import Any, Dict, Optional

from django.conf import settings

from console.staff.client_address import client_ip
from console.staff.models import AuditEntry


def sender_hash(sender_id: str) -> str:
    key = hashlib.sha256(("audit:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, sender_id.encode(), hashlib.sha256).hexdigest()[:32]


def record(
    request,
    action: str,
    target: str = "",
    sender_id: Optional[str] = None,
    user=None,
    **detail: Any,
) -> AuditEntry:
    """Append one entry; `user` defaults to the request's user."""
    user = user if user is not None else getattr(request, "user", None)
    known = user is not None and getattr(user, "is_authenticated", False)
    return AuditEntry.objects.create(
        user_id=user.pk if known else None,
        username=user.get_username() if known else detail.pop("username", ""),
        action=action,
        target=target[:200],
        sender_hash=sender_hash(sender_id) if sender_id else "",
        detail=_plain(detail),
        ip=client_ip(request),
    )


def _plain(detail: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in detail.items() if v is not None}
