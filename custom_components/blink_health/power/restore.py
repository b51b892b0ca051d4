"""Switching one plug back on until it is confirmed on: retried, woken by the plug itself.

Any exception a plug integration raises is a failed attempt, never an escape. After a first
burst of attempts the critical issue is raised and the tries go on, slowly, and at once when
the plug reports on or comes back from unavailable.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from homeassistant.core import HomeAssistant

from custom_components.blink_health.const import DOMAIN, LOGGER

from .plug import CONFIRM_SECONDS, SETTLE_SECONDS, Plug, is_available, is_on

if TYPE_CHECKING:
    from .keeper import PlugKeeper

# Waits before each further turn-on attempt of the first burst.
TURN_ON_BACKOFF: tuple[float, ...] = (2.0, 5.0, 15.0)
# After the burst (the issue is up): another try this often, besides those the plug wakes.
RETRY_SECONDS = 300.0
# Unload, Home Assistant stopping, entry removal: one attempt, confirmed within this.
FINAL_CONFIRM_SECONDS = 5.0


class Restorer:
    """Switches one plug on until it is confirmed on; then its records and issues go."""

    def __init__(self, hass: HomeAssistant, keeper: PlugKeeper, plug: Plug) -> None:
        """Start listening to the plug; nothing is switched before a try."""
        self.hass = hass
        self.keeper = keeper
        self.plug = plug
        self.reports = plug.reports()
        # Reports from this position on came after our last command (only those count).
        self.since = 0
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._verdict: asyncio.Future[bool] = hass.loop.create_future()

    def mark_command(self) -> None:
        """Note that a command is about to go out: earlier reports no longer count."""
        self.since = self.reports.mark

    async def async_try(self, confirm: float = CONFIRM_SECONDS) -> bool:
        """Make one attempt; once the plug is confirmed on, its records and issues go."""
        async with self._lock:
            if not await self._async_attempt(confirm):
                return False
        await self.keeper.async_confirmed(self.plug.key)
        return True

    async def _async_attempt(self, confirm: float) -> bool:
        """Switch the plug on (unless it reported on since our last command) and confirm."""
        if not is_available(self.plug.state):
            return False
        if self._reported_on():
            # On since our last command (by hand, or a late report): it only has to hold.
            return await self.reports.async_confirm_on(self.since, 0, SETTLE_SECONDS)
        if not await self._async_switch_on():
            return False
        return await self.reports.async_confirm_on(self.since, confirm)

    def _reported_on(self) -> bool:
        """Return whether the plug reported on since our last command and still says so."""
        return is_on(self.plug.state) and self.reports.seen(is_on, self.since)

    async def _async_switch_on(self) -> bool:
        """Send turn_on, journal first; return whether the call went through."""
        # The journal first: a crash from here on still finds the record.
        await self.keeper.async_sent(self.plug.key, "on")
        self.mark_command()
        try:
            await self.plug.async_turn(True)
        except Exception as err:  # noqa: BLE001  # any plug integration's failure is retried
            LOGGER.warning("Switching %s on failed: %r", self.plug.entity_id, err)
            return False
        return True

    async def async_burst(self) -> bool:
        """Try at once, then after growing waits (cut short by the plug's own reports)."""
        for wait in (0.0, *TURN_ON_BACKOFF):
            if wait:
                await self.reports.async_wait_wake(wait)
            if await self.async_try():
                return True
        return False

    def start(self) -> asyncio.Future[bool]:
        """Keep trying in the background (if not already); return the first burst's verdict."""
        if self._task is None or self._task.done():
            if self._verdict.done():
                self._verdict = self.hass.loop.create_future()
            # Owned here, not by Home Assistant's task tracking: it may run for days, and
            # PlugKeeper ends it (confirmed on, or Home Assistant stopping).
            self._task = self.hass.loop.create_task(
                self._async_run(), name=f"{DOMAIN} switch {self.plug.entity_id} on"
            )
        return self._verdict

    async def _async_run(self) -> None:
        """Try in a burst with growing waits, then raise the issue and keep trying slowly."""
        try:
            if await self.async_burst():
                self._decide(True)
                return
            LOGGER.error(
                "%s did not switch back on after a power cycle", self.plug.entity_id
            )
            self.keeper.raise_issues(self.plug.key)
            self._decide(False)
            while True:
                await self.reports.async_wait_wake(RETRY_SECONDS)
                if await self.async_try():
                    return
        finally:
            if not self._verdict.done():
                self._verdict.cancel()

    def _decide(self, confirmed: bool) -> None:
        """Tell whoever waits for the first burst how it went."""
        if not self._verdict.done():
            self._verdict.set_result(confirmed)

    async def async_stop(self) -> None:
        """Stop trying in the background (the record stays)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def async_final(
        self, *, keep_trying: bool, confirm_here: bool = False
    ) -> bool:
        """Switch on now (unload, stop, removal); unconfirmed, the issue stays up.

        `keep_trying` (an unload): the command goes out now and the confirmation (the settle
        time) and any retries go on in the background, the record kept until then. Else
        (Home Assistant stopping, or `confirm_here`): one attempt, confirmed here.
        """
        await self.async_stop()
        if keep_trying and not confirm_here:
            async with self._lock:
                if is_available(self.plug.state) and not self._reported_on():
                    await self._async_switch_on()
            self.start()
            return False
        if await self.async_try(FINAL_CONFIRM_SECONDS):
            return True
        self.keeper.raise_issues(self.plug.key)
        if keep_trying:
            self.start()
        return False

    def close(self) -> None:
        """Stop listening to the plug and trying (the plug is confirmed on, or HA stops)."""
        self.reports.close()
        if (
            self._task is not None
            and not self._task.done()
            and self._task is not asyncio.current_task()
        ):
            self._task.cancel()
