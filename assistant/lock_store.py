"""Redis ticket lock store for the cluster whose waiting messages cannot be stranded.

Rasa's RedisLockStore (3.6) orders each conversation's messages with a ticket queue in
Redis, and has two faults that a replica crash exposes (tests/assistant/test_lock_store.py
reproduces both):
- A waiting message's own ticket expires while it waits. A crashed replica's ticket
  expires `TICKET_LOCK_LIFETIME` seconds after it was issued, the waiter's one second or so
  later, and the waiter looks only once a second: when it misses that window the queue is
  empty, its ticket is gone, and it waits until the patient's client gives up.
- Every change is a read, a change in Python and a write: two replicas issuing tickets or
  clearing the queue of one conversation at the same moment overwrite each other's tickets.

This store keeps Rasa's lock format, ticket order and lifetime, and changes one thing each:
every read-change-write is one Redis transaction (WATCH/MULTI, retried by redis-py when
another replica wrote in between), and a waiter renews its ticket each time it looks, so
only the ticket of a holder that stopped (crashed) expires. A waiter whose ticket was lost
anyway (its replica stalled for a whole lifetime) takes a new one at the end of the queue.

The Rasa internals this relies on are pinned in assistant/rasa_patches.py.
"""

import asyncio
import hashlib
import json
import logging
import time
from contextlib import asynccontextmanager
from typing import AsyncGenerator, Callable, Optional, Tuple, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)


def log_id(conversation_id: str) -> str:
    """A conversation id for the log: a short hash (ids hold WhatsApp numbers)."""
    return hashlib.sha256(conversation_id.encode("utf-8")).hexdigest()[:12]


Result = TypeVar("Result")


class TransactionalRedisLockStore(RedisLockStore):
    """RedisLockStore with atomic changes and waiters that keep their place in the queue.

    endpoints.yml: `lock_store: {type: assistant.lock_store.TransactionalRedisLockStore,
    url: <host>, port: ..., db: ..., password: ..., key_prefix: ...}` (the keys of Rasa's
    `type: redis`).
    """

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url or "localhost", **endpoint_config.kwargs)

    def _change(
        self,
        conversation_id: str,
        change: Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], Result]],
    ) -> Result:
        """Apply `change` to the stored lock atomically; it returns (lock to save or None
        to delete, result)."""
        key = self.key_prefix + conversation_id

        def transaction(pipe) -> Result:
            stored = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(stored)) if stored else None
            new_lock, result = change(lock)
            pipe.multi()
            if new_lock is None:
                pipe.delete(key)
            else:
                pipe.set(key, new_lock.dumps())
            return result

        return self.red.transaction(transaction, key, value_from_callable=True)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: Optional[TicketLock]) -> Tuple[TicketLock, int]:
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def _take_turn(
        self, conversation_id: str, ticket: int, lock_lifetime: float
    ) -> Tuple[bool, int, TicketLock]:
        """(whether `ticket` is served now, the ticket to wait with from now on, the lock).

        Expired tickets are dropped; this one is renewed for `lock_lifetime` (a holder
        gets its whole lifetime from the moment it is served).
        """

        def look(lock: Optional[TicketLock]) -> Tuple[TicketLock, Tuple[bool, int, TicketLock]]:
            lock = lock or TicketLock(conversation_id)
            lock.remove_expired_tickets()
            own = next((t for t in lock.tickets if t.number == ticket), None)
            if own is None:
                logger.warning(
                    "The ticket of a message of conversation %s (hash) expired "
                    "while it waited; it queues again.",
                    log_id(conversation_id),
                )
                number = lock.issue_ticket(lock_lifetime)
            else:
                number = own.number
                own.expires = time.time() + lock_lifetime
            return lock, (lock.now_serving == number, number, lock)

        return self._change(conversation_id, look)

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncGenerator[TicketLock, None]:
        """Wait for this message's turn in the conversation; release it afterwards."""
        ticket = self.issue_ticket(conversation_id, lock_lifetime)
        try:
            while True:
                served, ticket, lock = self._take_turn(conversation_id, ticket, lock_lifetime)
                if served:
                    break
                logger.debug(
                    f"Conversation '{conversation_id}' is busy; ticket {ticket} "
                    f"waits {wait_time_in_seconds} s."
                )
                await asyncio.sleep(wait_time_in_seconds)
            yield lock
        finally:
            self.cleanup(conversation_id, ticket)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Remove the ticket; delete the lock when no other ticket waits."""

        def finish(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._change(conversation_id, finish)
