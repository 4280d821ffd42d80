"""WhatsApp through Twilio, built on Rasa's Twilio connector: `/webhooks/twilio_whatsapp/webhook`.

Adds to `rasa.core.channels.twilio`: every request's `X-Twilio-Signature` is checked
with the twilio package's `RequestValidator` (against a configurable public URL when
the server sits behind a proxy), `ButtonPayload` is read when present, buttons are
shown as numbered options, and turns run in the background like the Cloud channel.
"""

import asyncio
import logging
import random
from typing import Any, Awaitable, Callable, Dict, List, Optional
from urllib.parse import parse_qs

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.twilio import TwilioInput, TwilioOutput
from sanic import Blueprint, response
from sanic.request import Request, RequestParameters
from sanic.response import HTTPResponse
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.request_validator import RequestValidator

from assistant.channel_labels import labels_for
from channels.whatsapp.formatting import emergency_text, numbered_options, split_text, to_whatsapp
from channels.whatsapp.inbound import CHOICE, NOT_TEXT, TEXT, Inbound
from channels.whatsapp.options import OptionMemory
from channels.whatsapp.replies import BufferedOutput, TurnBuffer
from channels.whatsapp.store import Namespace, open_store
from channels.whatsapp.turns import PatientTurns
from channels.whatsapp.window import ServiceWindow

logger = logging.getLogger(__name__)

BODY_LIMIT = 1600  # Twilio's limit for one WhatsApp message body
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
SIGNATURE_HEADER = "X-Twilio-Signature"


def whatsapp_address(number: str) -> str:
    """'whatsapp:+14155238886' from '+14155238886' (or unchanged)."""
    number = (number or "").strip()
    return number if not number or number.startswith("whatsapp:") else f"whatsapp:{number}"


class TwilioWhatsAppOutput(BufferedOutput, TwilioOutput):
    """Rasa's Twilio output, sending a turn's replies at its end, buttons as numbered options."""

    @classmethod
    def name(cls) -> str:
        return "twilio_whatsapp"

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        twilio_number: str,
        options: OptionMemory,
        window: Optional[ServiceWindow] = None,
        api_base_url: str = "",
        attempts: int = 5,
        backoff: float = 0.5,
    ) -> None:
        super().__init__(account_sid, auth_token, whatsapp_address(twilio_number))
        if api_base_url:  # a stand-in for api.twilio.com (tests)
            self.api.base_url = api_base_url.rstrip("/")
        self.options = options
        self.window = window
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.buffer = TurnBuffer()

    async def flush(self, recipient_id: str) -> int:
        """Send the collected replies; returns how many messages Twilio accepted."""
        replies = await self.take_sendable(recipient_id)
        if not replies:
            return 0
        messages: List[Dict[str, Any]] = []
        for reply in replies:
            text = to_whatsapp(reply.text)
            if reply.emergency is not None:
                text = emergency_text(text, reply.emergency)
            if reply.buttons:
                titles = [str(b.get("title") or b.get("payload")) for b in reply.buttons]
                payloads = [str(b.get("payload") or b.get("title")) for b in reply.buttons]
                await self.options.remember(recipient_id, list(zip(titles, payloads)), True)
                options = numbered_options(
                    titles, labels_for(reply.language).get("choose_number", "")
                )
                text = f"{text}\n\n{options}" if text else options
            if reply.image:
                messages.append({"media_url": [reply.image]})
            messages.extend({"body": piece} for piece in split_text(text, BODY_LIMIT))
        sent = 0
        for message in messages:
            data = {"to": recipient_id, "from_": self.twilio_number, **message}
            sent += await self._send_message(data) is not None
        return sent

    async def _send_message(self, message_data: Dict[str, Any]) -> Any:
        """Create the message, retrying with backoff on 429 and 5xx; logs carry no content."""
        for attempt in range(1, self.attempts + 1):
            try:
                return await asyncio.to_thread(self.messages.create, **message_data)
            except TwilioRestException as error:
                retryable = error.status == 429 or error.status >= 500
                outcome = f"status={error.status} code={error.code}"
            except (TwilioException, OSError) as error:
                retryable, outcome = True, f"error {type(error).__name__}"
            if not retryable or attempt == self.attempts:
                logger.error("Twilio WhatsApp send failed (%d attempt(s)): %s", attempt, outcome)
                return None
            delay = self.backoff * 2 ** (attempt - 1) * random.uniform(1.0, 1.25)
            logger.warning("Twilio WhatsApp send retry %d in %.1fs: %s", attempt, delay, outcome)
            await asyncio.sleep(delay)
        return None


class TwilioWhatsAppInput(TwilioInput):
    """Twilio WhatsApp webhook with signature validation."""

    @classmethod
    def name(cls) -> str:
        return "twilio_whatsapp"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "TwilioWhatsAppInput":
        credentials = {k: str(v or "").strip() for k, v in (credentials or {}).items()}
        return cls(
            credentials.get("account_sid", ""),
            credentials.get("auth_token", ""),
            credentials.get("twilio_number", ""),
            public_url=credentials.get("public_url", ""),
            redis_url=credentials.get("redis_url", ""),
            api_base_url=credentials.get("api_base_url", ""),
        )

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        twilio_number: str,
        public_url: str = "",
        redis_url: str = "",
        api_base_url: str = "",
        store: Any = None,
        key_prefix: str = "whatsapp:twilio:",
    ) -> None:
        super().__init__(account_sid, auth_token, whatsapp_address(twilio_number), debug_mode=False)
        self.public_url = public_url
        self.api_base_url = api_base_url
        self.turns = PatientTurns(
            Namespace(store if store is not None else open_store(redis_url), key_prefix)
        )
        if not self.configured:
            logger.warning(
                "Twilio WhatsApp channel refuses all requests until "
                "account_sid, auth_token and twilio_number are set"
            )

    @property
    def configured(self) -> bool:
        return bool(self.account_sid and self.auth_token and self.twilio_number)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("twilio_whatsapp_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return self.receive(request, on_new_message)

        @webhook.listener("before_server_stop")
        async def close(*_: Any) -> None:
            await self.turns.close()

        return webhook

    def signed_url(self, request: Request) -> str:
        """The URL Twilio signed: the configured public URL, else this request's own URL."""
        query = f"?{request.query_string}" if request.query_string else ""
        if self.public_url:
            return self.public_url if "?" in self.public_url else self.public_url + query
        scheme = request.headers.get("X-Forwarded-Proto") or request.scheme
        host = request.headers.get("X-Forwarded-Host") or request.host
        return f"{scheme}://{host}{request.path}{query}"

    def is_signed(self, request: Request, fields: RequestParameters) -> bool:
        signature = request.headers.get(SIGNATURE_HEADER)
        if not self.configured or not signature:
            return False
        return RequestValidator(self.auth_token).validate(
            self.signed_url(request), fields, signature
        )

    def receive(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        fields = form_fields(request)
        if not self.is_signed(request, fields):
            return response.text("forbidden", status=403)
        inbound = read_form(fields)
        if inbound is not None:
            self.turns.submit(inbound, self.output(), on_new_message, self.name())
        return response.text(EMPTY_TWIML, content_type="text/xml")

    def output(self, window: Optional[ServiceWindow] = None) -> TwilioWhatsAppOutput:
        return TwilioWhatsAppOutput(
            self.account_sid,
            self.auth_token,
            self.twilio_number,
            self.turns.options,
            window=window,
            api_base_url=self.api_base_url,
        )

    def get_output_channel(self) -> Optional[TwilioWhatsAppOutput]:
        """For messages not answering a turn: sent only inside the 24-hour window."""
        return self.output(window=self.turns.window) if self.configured else None


def form_fields(request: Request) -> RequestParameters:
    """The posted fields, empty ones included (Twilio signs `Body=` of a photo too)."""
    try:
        return RequestParameters(parse_qs(request.body.decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError:
        return RequestParameters()


def read_form(form: Any) -> Optional[Inbound]:
    """The patient message in Twilio's form fields, or None (status callbacks, empty)."""
    sender, sid = form.get("From"), form.get("MessageSid") or form.get("SmsMessageSid")
    if not sender or not sid or form.get("MessageStatus"):
        return None
    base = dict(message_id=sid, sender_id=sender, type="text")
    payload = (form.get("ButtonPayload") or "").strip()
    if payload:  # a tapped quick-reply button of a template
        return Inbound(kind=CHOICE, text=payload, title=form.get("ButtonText") or "", **base)
    body = (form.get("Body") or "").strip()
    media = str(form.get("NumMedia") or "0")
    if (media.isdigit() and int(media) > 0) or form.get("Latitude"):
        # the attachment is not read; its caption (Body) is screened like any text
        return Inbound(
            kind=NOT_TEXT, text=body, **{**base, "type": form.get("MessageType") or "media"}
        )
    if body:
        return Inbound(kind=TEXT, text=body, **base)
    return None
