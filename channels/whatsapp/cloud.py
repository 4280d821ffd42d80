"""Rasa input channel for the WhatsApp Cloud API (Meta): `/webhooks/whatsapp/webhook`.

GET answers Meta's verification handshake; POST takes signed webhook payloads,
answers 200 at once and runs each new message as a Rasa turn in the background. A signed
body that cannot be read (malformed, nested too deeply) is answered 200 too and dropped:
Meta would retry any other answer for days.
"""

import hmac
import json
import logging
from dataclasses import dataclass, fields
from typing import Any, Awaitable, Callable, Dict, List, Optional

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.whatsapp import signature
from channels.whatsapp.cloud_inbound import describe_status, read_webhook
from channels.whatsapp.cloud_output import WhatsAppCloudOutput, turn_ref
from channels.whatsapp.graph_client import GraphClient
from channels.whatsapp.identity import Identities
from channels.whatsapp.store import Namespace, open_store
from channels.whatsapp.turns import PatientTurns

logger = logging.getLogger(__name__)

GRAPH_VERSION = "v26.0"
GRAPH_BASE_URL = "https://graph.facebook.com"


@dataclass(frozen=True)
class CloudSettings:
    """The channel's settings (credentials.yml, filled from WHATSAPP_* variables)."""

    verify_token: str = ""
    app_secret: str = ""
    access_token: str = ""
    phone_number_id: str = ""
    graph_version: str = GRAPH_VERSION
    graph_base_url: str = GRAPH_BASE_URL
    redis_url: str = ""

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any]) -> "CloudSettings":
        values = {f.name: str(credentials.get(f.name) or "").strip() for f in fields(cls)}
        values = {name: value for name, value in values.items() if value}
        return cls(**values)

    def missing(self) -> List[str]:
        """Settings without which every webhook request is refused."""
        required = ("verify_token", "app_secret", "access_token", "phone_number_id")
        return [name for name in required if not getattr(self, name)]


class WhatsAppCloudInput(InputChannel):
    """WhatsApp Cloud API webhook."""

    @classmethod
    def name(cls) -> str:
        return "whatsapp"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        return cls(CloudSettings.from_credentials(credentials or {}))

    def __init__(
        self,
        settings: CloudSettings,
        store: Any = None,
        key_prefix: str = "whatsapp:cloud:",
        graph: Optional[GraphClient] = None,
    ) -> None:
        self.settings = settings
        self.graph = graph or GraphClient(
            settings.access_token,
            settings.phone_number_id,
            settings.graph_version,
            settings.graph_base_url,
        )
        namespace = Namespace(
            store if store is not None else open_store(settings.redis_url), key_prefix
        )
        self.turns = PatientTurns(
            namespace, closers=[self.graph.close], identities=Identities(namespace)
        )
        if settings.missing():
            logger.warning(
                "WhatsApp Cloud channel refuses all requests until these are set: %s",
                ", ".join(settings.missing()),
            )

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("whatsapp_cloud_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            return self.verify(request)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return self.receive(request, on_new_message)

        @webhook.listener("before_server_stop")
        async def close(*_: Any) -> None:
            await self.turns.close()

        return webhook

    def verify(self, request: Request) -> HTTPResponse:
        """Meta's subscription handshake: echo `hub.challenge` for the right token."""
        token = request.args.get("hub.verify_token") or ""
        expected = self.settings.verify_token
        if (
            expected
            and request.args.get("hub.mode") == "subscribe"
            and hmac.compare_digest(token.encode("utf-8"), expected.encode("utf-8"))
        ):
            return response.text(request.args.get("hub.challenge") or "")
        return response.text("forbidden", status=403)

    def receive(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        """Check the signature, queue every new message, answer at once."""
        if self.settings.missing() or not signature.is_valid(
            self.settings.app_secret, request.body, request.headers.get(signature.HEADER)
        ):
            return response.text("forbidden", status=403)
        try:
            webhook = read_webhook(json.loads(request.body), self.settings.phone_number_id)
        except (ValueError, RecursionError) as error:
            # Meta retries any other answer than 200 for days and documents no 4xx that it
            # would not retry: a signed body that cannot be read is acknowledged and dropped.
            logger.warning(
                "WhatsApp webhook body unreadable (%s, %d bytes): dropped",
                type(error).__name__,
                len(request.body),
            )
            return response.text("EVENT_RECEIVED")
        for status in webhook.statuses:
            level = logging.WARNING if status.get("status") == "failed" else logging.DEBUG
            logger.log(level, "WhatsApp delivery status: %s", describe_status(status))
        for inbound in webhook.messages:
            output = WhatsAppCloudOutput(
                self.graph, self.turns.options, to=inbound.to, tag=turn_ref(inbound.message_id)
            )
            self.turns.submit(inbound, output, on_new_message, self.name())
        return response.text("EVENT_RECEIVED")

    def get_output_channel(self) -> Optional[WhatsAppCloudOutput]:
        """For messages not answering a turn: sent only inside the 24-hour window."""
        if self.settings.missing():
            return None
        return WhatsAppCloudOutput(self.graph, self.turns.options, window=self.turns.window)
