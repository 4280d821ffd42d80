"""Meta's `X-Hub-Signature-256` webhook signature: HMAC-SHA256 of the raw body."""

import hashlib
import hmac
from typing import Optional

HEADER = "X-Hub-Signature-256"


def sign(app_secret: str, body: bytes) -> str:
    """The header value Meta sends for `body`: 'sha256=<hex digest>'."""
    digest = hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def is_valid(app_secret: str, body: bytes, header: Optional[str]) -> bool:
    """True only with a configured secret and a matching header (constant-time compare)."""
    if not app_secret or not header:
        return False
    expected = sign(app_secret, body).encode("ascii")
    return hmac.compare_digest(expected, header.strip().encode("utf-8"))
