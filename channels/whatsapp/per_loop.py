"""One client per event loop: aiohttp sessions and Redis connections belong to the
loop that opened them, and the WhatsApp channels use two loops (the server's and the
worker loop of the turns, see dispatch.py)."""

import asyncio
import weakref
from typing import Any, Callable, Coroutine, Generic, List, Optional, TypeVar

T = TypeVar("T")


class PerLoop(Generic[T]):
    """`get()` returns the client of the running loop, made by `make()` on first use."""

    def __init__(self, make: Callable[[], T], usable: Callable[[T], bool] = lambda _: True) -> None:
        self._make = make
        self._usable = usable
        self._items: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, T] = (
            weakref.WeakKeyDictionary()
        )

    def get(self) -> T:
        loop = asyncio.get_running_loop()
        item: Optional[T] = self._items.get(loop)
        if item is None or not self._usable(item):
            item = self._items[loop] = self._make()
        return item

    async def close(self, closer: Callable[[T], Coroutine[Any, Any, None]]) -> None:
        """Close every client: this loop's here, the others' on their own loop if it runs."""
        current = asyncio.get_running_loop()
        items: List = list(self._items.items())
        self._items.clear()
        for loop, item in items:
            if loop is current:
                await closer(item)
            elif loop.is_running():
                future = asyncio.run_coroutine_threadsafe(closer(item), loop)
                await asyncio.wait([asyncio.wrap_future(future)], timeout=5)
