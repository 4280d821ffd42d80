"""WhatsApp's 24-hour customer-service window, per patient.

Free-form messages may only be sent within 24 hours of the patient's last message;
outside it only approved templates may be sent. The assistant never starts a
conversation, so sends that do not answer a patient are refused once the window closed.
"""

from channels.whatsapp.store import Namespace

WINDOW_SECONDS = 24 * 3600


class ServiceWindow:
    """When each patient last wrote, kept exactly as long as the window stays open."""

    def __init__(self, namespace: Namespace, seconds: int = WINDOW_SECONDS) -> None:
        self.namespace = namespace
        self.seconds = seconds

    async def patient_wrote(self, sender_id: str) -> None:
        await self.namespace.store.set(self.namespace.key("window", sender_id), "1", self.seconds)

    async def is_open(self, sender_id: str) -> bool:
        return await self.namespace.store.get(self.namespace.key("window", sender_id)) is not None
