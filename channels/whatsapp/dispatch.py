"""Turns run in the background, one at a time per patient, in arrival order.

Rasa's model runs on whichever event loop runs the turn and blocks it while it thinks.
The turns therefore run on an event loop of their own, in a worker thread, so the
server's loop stays free to answer webhooks at once however busy the model is.
"""

import asyncio
import concurrent.futures
import logging
import threading
from typing import Awaitable, Callable, Dict, Optional, Set

logger = logging.getLogger(__name__)

Turn = Callable[[], Awaitable[None]]


class TurnQueue:
    """Runs each turn on the worker loop; a patient's turns wait for the previous one."""

    def __init__(self, at_once: int = 4) -> None:
        self.at_once = at_once
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._thread: Optional[threading.Thread] = None
        self._started = threading.Lock()
        self._running: Optional[asyncio.Semaphore] = None  # used on the worker loop only
        self._locks: Dict[str, asyncio.Lock] = {}
        self._waiting: Dict[str, int] = {}
        self._pending: Set[concurrent.futures.Future] = set()
        self._pending_lock = threading.Lock()

    def _worker(self) -> asyncio.AbstractEventLoop:
        with self._started:
            if self._loop is None or self._loop.is_closed():
                self._loop = asyncio.new_event_loop()
                self._thread = threading.Thread(
                    target=self._loop.run_forever, name="whatsapp-turns", daemon=True
                )
                self._thread.start()
            return self._loop

    def submit(self, sender_id: str, turn: Turn) -> None:
        """Schedule `turn`; returns at once (the webhook must not wait for Rasa)."""
        future = asyncio.run_coroutine_threadsafe(self._run(sender_id, turn), self._worker())
        with self._pending_lock:
            self._pending.add(future)
        future.add_done_callback(self._done)

    def _done(self, future: concurrent.futures.Future) -> None:
        with self._pending_lock:
            self._pending.discard(future)

    async def _run(self, sender_id: str, turn: Turn) -> None:
        lock = self._locks.setdefault(sender_id, asyncio.Lock())
        self._waiting[sender_id] = self._waiting.get(sender_id, 0) + 1
        try:
            async with lock:  # asyncio locks are fair: turns run in submission order
                if self._running is None:
                    self._running = asyncio.Semaphore(self.at_once)
                async with self._running:
                    await turn()
        except Exception as error:  # one failed turn must not stop the others
            logger.error("WhatsApp turn failed: %s", type(error).__name__)
            logger.debug("WhatsApp turn failure", exc_info=True)
        finally:
            self._waiting[sender_id] -= 1
            if not self._waiting[sender_id]:
                del self._waiting[sender_id]
                self._locks.pop(sender_id, None)

    @property
    def busy(self) -> int:
        """Turns submitted and not finished yet."""
        with self._pending_lock:
            return len(self._pending)

    async def drain(self, timeout: Optional[float] = None) -> bool:
        """Wait (on any event loop) until every submitted turn has finished; False on timeout."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while True:
            with self._pending_lock:
                pending = list(self._pending)
            if not pending:
                return True
            left = None if deadline is None else deadline - loop.time()
            if left is not None and left <= 0:
                return False
            await asyncio.wait([asyncio.wrap_future(f) for f in pending], timeout=left)

    async def stop(self) -> None:
        """Stop the worker loop (call `drain` first; turns still running are dropped)."""
        if self.busy:
            logger.warning("WhatsApp turns still running at shutdown: %d", self.busy)
        with self._started:
            loop, thread, self._loop = self._loop, self._thread, None
            self._running, self._locks = None, {}  # they belonged to the old loop
        if loop is not None:
            loop.call_soon_threadsafe(loop.stop)
            if thread is not None:
                await asyncio.get_running_loop().run_in_executor(None, thread.join, 5)
            if not loop.is_running():
                loop.close()
