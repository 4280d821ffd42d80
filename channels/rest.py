"""Rasa's REST channel (`/webhooks/rest/webhook`) with its request checked before use.

Stock Rasa 3.6 reads `request.json.get(...)` without looking at the body first: a JSON
array or string, or a sender that is a number, ended in an exception and a 500. Here a
body must be a JSON object of at most MAX_BODY bytes and MAX_DEPTH levels, with `message` a
string, `sender` a string (or absent) and `metadata` an object (or absent); anything else
gets 400 and a one-line reason. `input_channel` in the body is ignored: the conversation belongs to
this channel (assistant/rasa_patches.py stores it as "rest:<sender>").

In production this channel is not public (deploy/nginx.conf): it serves tests, tools and
the practice's own systems on the internal network.
"""

import json
import logging
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, Optional, Union

import rasa.utils.endpoints
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput as StockRestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse, ResponseStream

logger = logging.getLogger(__name__)

MAX_BODY = 64 * 1024  # bytes; a patient's message is a few hundred
MAX_SENDER = 128  # characters of the sender id
MAX_MESSAGE = 5000  # characters of the message text
MAX_DEPTH = 16  # nesting of arrays and objects (metadata); a message needs 2


class BadRequest(ValueError):
    """The body cannot be a REST message; the text says why (no content of the body)."""


def read_body(body: bytes) -> Dict[str, Any]:
    """The checked fields of a REST message body; BadRequest when it is not one."""
    if len(body) > MAX_BODY:
        raise BadRequest(f"body larger than {MAX_BODY} bytes")
    try:
        data = json.loads(body or b"null")
    except (ValueError, RecursionError):
        raise BadRequest("body is not valid JSON") from None
    if not isinstance(data, dict):
        raise BadRequest("body must be a JSON object")
    if depth(data) > MAX_DEPTH:
        raise BadRequest(f"body nested more than {MAX_DEPTH} levels deep")
    sender, message = data.get("sender"), data.get("message")
    metadata = data.get("metadata")
    if sender is not None and not (isinstance(sender, str) and 0 < len(sender) <= MAX_SENDER):
        raise BadRequest(f"sender must be a string of 1 to {MAX_SENDER} characters")
    if not (isinstance(message, str) and len(message) <= MAX_MESSAGE):
        raise BadRequest(f"message must be a string of at most {MAX_MESSAGE} characters")
    if metadata is not None and not isinstance(metadata, dict):
        raise BadRequest("metadata must be a JSON object")
    return {"sender": sender, "message": message, "metadata": metadata}


def depth(value: Any) -> int:
    """How deeply arrays and objects nest in a parsed JSON value (iteratively)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            stack.extend(
                (child, level + 1) for child in (item.values() if isinstance(item, dict) else item)
            )
    return deepest


class RestInput(StockRestInput):
    """The REST channel, named `rest` like Rasa's, refusing malformed bodies with 400."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = Blueprint("checked_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Union[ResponseStream, HTTPResponse]:
            try:
                fields = read_body(request.body)
            except BadRequest as error:
                return response.json({"error": str(error)}, status=400)
            request.ctx.rest_fields = fields
            sender_id = await self._extract_sender(request)
            text = self._extract_message(request)
            metadata = self.get_metadata(request)
            if rasa.utils.endpoints.bool_arg(request, "stream", default=False):
                return response.stream(
                    self.stream_response(on_new_message, text, sender_id, self.name(), metadata),
                    content_type="text/event-stream",
                )
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        text, collector, sender_id, input_channel=self.name(), metadata=metadata
                    )
                )
            except CancelledError:
                logger.error("REST message timed out")
            except Exception as error:  # the caller gets what was said; the log no text
                logger.error("REST message failed: %s", type(error).__name__)
                logger.debug("REST message failure", exc_info=True)
            return response.json(collector.messages)

        return webhook

    async def _extract_sender(self, req: Request) -> Optional[str]:
        return req.ctx.rest_fields["sender"]

    def _extract_message(self, req: Request) -> Optional[str]:
        return req.ctx.rest_fields["message"]

    def _extract_input_channel(self, req: Request) -> str:
        return self.name()

    def get_metadata(self, request: Request) -> Optional[Dict[str, Any]]:
        return request.ctx.rest_fields["metadata"]
