"""A patient's message through Rasa: once per message id, in order, replies sent at the end."""

import logging
from functools import partial
from typing import Any, Awaitable, Callable, Optional, Sequence

from rasa.core.channels.channel import UserMessage

from assistant.channel_labels import labels_for
from channels.whatsapp.dedupe import SeenMessages
from channels.whatsapp.dispatch import TurnQueue
from channels.whatsapp.identity import Identities
from channels.whatsapp.inbound import CHOICE, NOT_TEXT, Inbound, not_text_notice
from channels.whatsapp.options import OptionMemory
from channels.whatsapp.store import Namespace
from channels.whatsapp.window import ServiceWindow

logger = logging.getLogger(__name__)

Handler = Callable[[UserMessage], Awaitable[Any]]
Closer = Callable[[], Awaitable[None]]
SHUTDOWN_WAIT = 20.0
LANGUAGE_TTL = 24 * 3600  # the conversation's language, for notices sent without Rasa


class PatientTurns:
    """Shared state of a channel (seen ids, offered options, service windows) and its turns."""

    def __init__(
        self,
        namespace: Namespace,
        closers: Sequence[Closer] = (),
        identities: Optional[Identities] = None,
    ) -> None:
        self.closers = list(closers)  # the channel's clients, closed while the worker runs
        self.identities = identities  # Cloud API: phone number and BSUID, one conversation
        self.seen = SeenMessages(namespace)
        self.options = OptionMemory(namespace)
        self.window = ServiceWindow(namespace)
        self.queue = TurnQueue()
        self.store = namespace.store
        self.namespace = namespace

    async def close(self, wait: float = SHUTDOWN_WAIT) -> None:
        """At shutdown: let running turns finish (up to `wait` s), then release everything."""
        await self.queue.drain(wait)
        for close in self.closers:
            await close()
        await self.store.close()
        await self.queue.stop()

    def submit(
        self, inbound: Inbound, output: Any, on_new_message: Handler, input_channel: str
    ) -> None:
        """Queue the turn; the caller answers the webhook straight away."""
        self.queue.submit(
            inbound.sender_id, partial(self.run, inbound, output, on_new_message, input_channel)
        )

    async def run(
        self, inbound: Inbound, output: Any, on_new_message: Handler, input_channel: str
    ) -> None:
        if not await self.seen.first_time(inbound.message_id):
            logger.debug("WhatsApp message delivered again: ignored")
            return
        sender = inbound.sender_id
        if self.identities is not None:
            sender = await self.identities.conversation_of(inbound.wa_id, inbound.user_id)
        await self.window.patient_wrote(sender)
        if inbound.kind == NOT_TEXT and not inbound.text:
            await self.attachment_notice(sender, output)
            return
        if inbound.kind == CHOICE:
            await self.options.forget(sender)
            text = await self.options.payload_for(inbound.text, inbound.title)
        else:  # typed text, or an attachment's caption
            text = await self.options.answer(sender, inbound.text)
        try:
            await on_new_message(
                UserMessage(
                    text,
                    output,
                    sender,
                    input_channel=input_channel,
                    message_id=inbound.message_id,
                    metadata={"whatsapp_type": inbound.type},
                )
            )
        finally:  # what Rasa said before a failure (e.g. emergency advice) still goes out
            await output.flush(sender)
            if getattr(output, "last_language", ""):
                await self.store.set(
                    self.namespace.key("language", sender), output.last_language, LANGUAGE_TTL
                )
            if inbound.kind == NOT_TEXT:  # a caption was answered first, then the notice
                await self.attachment_notice(sender, output)

    async def attachment_notice(self, sender: str, output: Any) -> None:
        """The answer to an attachment, in the conversation's language, with the number."""
        language = await self.store.get(self.namespace.key("language", sender))
        notice = labels_for(language).get("not_text") or not_text_notice()
        await output.send_response(sender, {"text": notice, "language": language})
        await output.flush(sender)
