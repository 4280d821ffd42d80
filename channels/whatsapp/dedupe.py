"""Repeated webhook deliveries: each message id is processed once, across restarts and instances."""

from channels.whatsapp.store import Namespace

SEEN_TTL = 7 * 24 * 3600  # Meta retries an unanswered webhook for up to 7 days


class SeenMessages:
    """Message ids already taken for processing (hashed, expiring)."""

    def __init__(self, namespace: Namespace, ttl: int = SEEN_TTL) -> None:
        self.namespace = namespace
        self.ttl = ttl

    async def first_time(self, message_id: str) -> bool:
        """True for the first delivery of `message_id`, False for every repeat."""
        return await self.namespace.store.add(self.namespace.key("seen", message_id), "1", self.ttl)
