"""One conversation per WhatsApp patient, whether Meta sends a phone number, a BSUID or both.

Meta now sends a business-scoped user id (BSUID, e.g. "IN.1648738043044942") with every
message, beside the phone number (`wa_id`) while it may, and alone when a patient who
adopted a username withholds the number. A conversation keeps the id it started with:
the phone number when Meta gave one, else the BSUID. The first time a BSUID is seen it
is linked to that id, so later messages with the BSUID alone (or with the phone number
added) reach the same conversation.

The link is kept in the channel's store (Redis, or process memory), for LINK_TTL after
the patient's last message, under a hash of the BSUID; the conversation id it leads to
is encrypted with a key derived from the BSUID itself (Fernet), so the store holds no
phone number and reveals none without the BSUID, which only Meta and this practice know.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken

from channels.whatsapp.store import Namespace

LINK_TTL = 90 * 24 * 3600


def _fernet(user_id: str) -> Fernet:
    key = hashlib.sha256(f"whatsapp-bsuid-link:{user_id}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


class Identities:
    """The conversation of a (phone number, BSUID) pair, linked on first sight."""

    def __init__(self, namespace: Namespace, ttl: int = LINK_TTL) -> None:
        self.namespace = namespace
        self.ttl = ttl

    async def conversation_of(self, wa_id: str, user_id: str) -> str:
        """The patient's sender id: the one linked to the BSUID, else the phone number,
        else the BSUID (then linked)."""
        if not user_id:
            return wa_id
        key = self.namespace.key("bsuid", user_id)
        stored = await self.namespace.store.get(key)
        known = None
        if stored:
            try:
                known = _fernet(user_id).decrypt(stored.encode("ascii")).decode("utf-8")
            except (InvalidToken, ValueError):
                known = None
        sender = known or wa_id or user_id
        token = _fernet(user_id).encrypt(sender.encode("utf-8")).decode("ascii")
        await self.namespace.store.set(key, token, self.ttl)  # refreshes the expiry
        return sender
