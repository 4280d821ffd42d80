"""Sending messages through the Graph API (`POST /<version>/<phone number id>/messages`).

Retries with exponential backoff on 429, 5xx, throttling error codes and network
errors. Failures are logged with status and error codes only: never the message
text, the recipient or the token.
"""

import asyncio
import logging
import random
from typing import Any, Dict, Optional

import aiohttp

from channels.whatsapp.per_loop import PerLoop

logger = logging.getLogger(__name__)

# Graph error codes that mean "try again later" even when the status is 400
RETRYABLE_CODES = {1, 2, 4, 80007, 130429, 131000, 131016, 131056}


class GraphClient:
    """One WhatsApp business phone number's messages endpoint."""

    def __init__(
        self,
        access_token: str,
        phone_number_id: str,
        version: str = "v26.0",
        base_url: str = "https://graph.facebook.com",
        attempts: int = 5,
        backoff: float = 0.5,
        max_delay: float = 20.0,
        timeout: float = 15.0,
    ) -> None:
        self.access_token = access_token
        self.url = f"{base_url.rstrip('/')}/{version.strip('/')}/{phone_number_id}/messages"
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.max_delay = max_delay
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._sessions: PerLoop[aiohttp.ClientSession] = PerLoop(
            self._open, usable=lambda session: not session.closed
        )

    def _open(self) -> aiohttp.ClientSession:
        return aiohttp.ClientSession(
            timeout=self.timeout,
            connector=aiohttp.TCPConnector(limit=32),
            headers={"Authorization": f"Bearer {self.access_token}"},
        )

    def _client(self) -> aiohttp.ClientSession:
        return self._sessions.get()

    async def close(self) -> None:
        await self._sessions.close(_close_session)

    async def send(self, message: Dict[str, Any]) -> bool:
        """POST one message (without `messaging_product`); True once Graph accepted it."""
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", **message}
        kind = message.get("type", "?")
        for attempt in range(1, self.attempts + 1):
            retry_after = None
            try:
                async with self._client().post(self.url, json=body) as answer:
                    if 200 <= answer.status < 300:
                        return True
                    error = await _graph_error(answer)
                    retryable = (
                        answer.status == 429
                        or answer.status >= 500
                        or error.get("code") in RETRYABLE_CODES
                    )
                    retry_after = _seconds(answer.headers.get("Retry-After"))
                    outcome = (
                        f"status={answer.status} code={error.get('code')} "
                        f"subcode={error.get('error_subcode')} "
                        f"type={error.get('type')} trace={error.get('fbtrace_id')}"
                    )
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                retryable, outcome = True, f"network error {type(exc).__name__}"
            if not retryable or attempt == self.attempts:
                logger.error(
                    "WhatsApp send failed (%s message, %d attempt(s)): %s", kind, attempt, outcome
                )
                return False
            delay = (
                min(self.max_delay, retry_after)
                if retry_after is not None
                else self._delay(attempt)
            )
            logger.warning("WhatsApp send retry %d in %.1fs: %s", attempt, delay, outcome)
            await asyncio.sleep(delay)
        return False

    def _delay(self, attempt: int) -> float:
        return min(self.max_delay, self.backoff * 2 ** (attempt - 1)) * random.uniform(1.0, 1.25)


async def _close_session(session: aiohttp.ClientSession) -> None:
    if not session.closed:
        await session.close()


async def _graph_error(answer: aiohttp.ClientResponse) -> Dict[str, Any]:
    try:
        payload = await answer.json(content_type=None)
    except (ValueError, aiohttp.ClientError):
        return {}
    error = payload.get("error") if isinstance(payload, dict) else None
    return error if isinstance(error, dict) else {}


def _seconds(value: Optional[str]) -> Optional[float]:
    try:
        return min(60.0, max(0.0, float(value))) if value else None
    except ValueError:
        return None
