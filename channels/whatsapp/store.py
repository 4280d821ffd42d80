"""Small expiring key-value store: Redis, shared by every server instance, or process memory.

Keys are hashed before they are stored, so phone numbers and message ids (which
encode the phone number) never appear in Redis.
"""

import hashlib
import logging
import threading
import time
from typing import Dict, Optional, Tuple

from channels.whatsapp.per_loop import PerLoop

logger = logging.getLogger(__name__)


def digest(value: str) -> str:
    """Short stable hash of an identifier."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]


class MemoryStore:
    """Per-process store with expiry: enough for one server, forgotten on restart.

    Used from the server's loop and the turns' worker thread, hence the lock.
    """

    SWEEP_EVERY = 60.0  # seconds between removals of expired items

    def __init__(self) -> None:
        self._items: Dict[str, Tuple[float, str]] = {}
        self._lock = threading.Lock()
        self._swept = time.monotonic()

    def _live(self, key: str) -> Optional[str]:
        item = self._items.get(key)
        if item is None:
            return None
        if item[0] < time.monotonic():
            del self._items[key]
            return None
        return item[1]

    def _put(self, key: str, value: str, ttl: int) -> None:
        now = time.monotonic()
        if now - self._swept > self.SWEEP_EVERY:
            self._swept = now
            self._items = {k: v for k, v in self._items.items() if v[0] >= now}
        self._items[key] = (now + ttl, value)

    async def add(self, key: str, value: str, ttl: int) -> bool:
        """Store `value` unless `key` exists; True if it was stored."""
        with self._lock:
            if self._live(key) is not None:
                return False
            self._put(key, value, ttl)
            return True

    async def set(self, key: str, value: str, ttl: int) -> None:
        with self._lock:
            self._put(key, value, ttl)

    async def get(self, key: str) -> Optional[str]:
        with self._lock:
            return self._live(key)

    async def pop(self, key: str) -> Optional[str]:
        with self._lock:
            value = self._live(key)
            self._items.pop(key, None)
            return value

    async def close(self) -> None:
        """Nothing to release."""


class RedisStore:
    """Redis store; while Redis cannot be reached it falls back to process memory."""

    def __init__(self, url: str) -> None:
        import redis.asyncio as redis  # imported here: only needed with a Redis URL

        self._errors = (redis.RedisError, OSError)
        self._clients = PerLoop(
            lambda: redis.from_url(
                url, decode_responses=True, socket_connect_timeout=2, socket_timeout=2
            )
        )
        self._fallback = MemoryStore()
        self._warned_at = 0.0

    def _degraded(self, error: Exception) -> MemoryStore:
        if time.monotonic() - self._warned_at > 60:
            self._warned_at = time.monotonic()
            logger.warning(
                "WhatsApp state store: Redis unavailable (%s); using process "
                "memory until it is back",
                type(error).__name__,
            )
        return self._fallback

    async def add(self, key: str, value: str, ttl: int) -> bool:
        try:
            return bool(await self._clients.get().set(key, value, ex=ttl, nx=True))
        except self._errors as error:
            return await self._degraded(error).add(key, value, ttl)

    async def set(self, key: str, value: str, ttl: int) -> None:
        try:
            await self._clients.get().set(key, value, ex=ttl)
        except self._errors as error:
            await self._degraded(error).set(key, value, ttl)

    async def get(self, key: str) -> Optional[str]:
        try:
            return await self._clients.get().get(key)
        except self._errors as error:
            return await self._degraded(error).get(key)

    async def close(self) -> None:
        await self._clients.close(lambda client: client.close())

    async def pop(self, key: str) -> Optional[str]:
        try:  # GET and DEL in one transaction (GETDEL needs Redis 6.2)
            async with self._clients.get().pipeline(transaction=True) as pipe:
                value, _ = await pipe.get(key).delete(key).execute()
            return value
        except self._errors as error:
            return await self._degraded(error).pop(key)


class Namespace:
    """A store's keys under one prefix, e.g. 'whatsapp:cloud:'; identifiers are hashed."""

    def __init__(self, store, prefix: str) -> None:
        self.store = store
        self.prefix = prefix

    def key(self, kind: str, identifier: str) -> str:
        return f"{self.prefix}{kind}:{digest(identifier)}"


def open_store(redis_url: Optional[str]):
    """Redis when a URL is configured, else process memory (single instance only)."""
    if redis_url:
        return RedisStore(redis_url)
    logger.warning(
        "WhatsApp state store: no Redis URL; duplicate checks and numbered "
        "options live in process memory (one server instance only)"
    )
    return MemoryStore()
