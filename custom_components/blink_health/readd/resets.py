"""Re-add resets through the smart plug that feeds a camera, one per camera at a time."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError

from custom_components.blink_health.const import DOMAIN, LOGGER

from .procedure import Reset

# Resets a camera through the plug that feeds it (the power slice's, wired in __init__.py).
type PlugReset = Callable[[str], Awaitable[object]]
# Told how a camera's reset went: its serial, the reset, the plug's error if it failed.
type ResetDone = Callable[[str, Reset, str | None], None]


class PlugResets:
    """The resets under way; only their waits are owned here (the power cycle is shielded)."""

    def __init__(self, hass: HomeAssistant, reset: PlugReset) -> None:
        """Start with no reset under way."""
        self._hass = hass
        self._reset = reset
        self._waits: dict[str, asyncio.Task[None]] = {}

    @callback
    def start(self, serial: str, name: str, done: ResetDone) -> None:
        """Power-cycle the camera (off 10 s, on) and tell `done` how it went."""
        # Owned here (not by Home Assistant's task tracking): it waits for the plug's cycle,
        # and shutdown cancels the wait.
        task = self._hass.loop.create_task(
            self._async_reset(serial, name, done),
            name=f"{DOMAIN} re-add reset {serial}",
        )
        self._waits[serial] = task

        def _forget(_: asyncio.Task[None]) -> None:
            """Forget the wait, unless a newer re-add of the camera has its own."""
            if self._waits.get(serial) is task:
                del self._waits[serial]

        task.add_done_callback(_forget)

    async def _async_reset(self, serial: str, name: str, done: ResetDone) -> None:
        """Cycle the plug; a refusal or failure leaves the reset to the person."""
        try:
            await self._reset(serial)
        except HomeAssistantError as err:
            LOGGER.warning("%s could not be reset through its plug: %s", name, err)
            done(serial, Reset.MANUAL, str(err))
        else:
            done(serial, Reset.PLUG, None)

    @callback
    def drop(self, serial: str) -> None:
        """Stop waiting for a camera's reset (a new re-add of it begins)."""
        if (task := self._waits.pop(serial, None)) is not None:
            task.cancel()  # pragma: no cover - the last re-add's plug still cycles

    async def async_shutdown(self) -> None:
        """End every wait (the power slice's shutdown switches the plugs back on)."""
        waits = list(self._waits.values())
        for task in waits:
            task.cancel()
        await asyncio.gather(*waits, return_exceptions=True)
