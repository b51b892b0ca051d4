"""Who waits on a camera's re-add (its fix flow, the action): woken at each change of it."""

from __future__ import annotations

import asyncio


class Waiters:
    """Futures by serial, each woken once at the next change of that camera's re-add."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start with nobody waiting."""
        self._loop = loop
        self._futures: dict[str, list[asyncio.Future[None]]] = {}

    async def async_wait(self, serial: str) -> None:
        """Return at the next change of the camera's re-add (or when all are woken)."""
        future: asyncio.Future[None] = self._loop.create_future()
        self._futures.setdefault(serial, []).append(future)
        try:
            await future
        finally:
            # Cancelled (a closed flow, a gone caller): nothing is left behind for it.
            futures = self._futures.get(serial, [])
            if future in futures:
                futures.remove(future)

    def wake(self, serial: str) -> None:
        """Wake whoever waits on the camera's re-add."""
        for future in self._futures.pop(serial, []):
            if not future.done():
                future.set_result(None)

    def wake_all(self) -> None:
        """Wake everyone (the account unloads: no change will come)."""
        for serial in list(self._futures):
            self.wake(serial)
