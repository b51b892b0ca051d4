"""Watching a power-cycled device come back: fast polls until a poll sees it online."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from homeassistant.core import callback

from custom_components.blink_health.const import FAST_POLL_INTERVAL, MAX_FAST_POLL
from custom_components.blink_health.health import AccountHealth

if TYPE_CHECKING:
    from custom_components.blink_health.coordinator import BlinkHealthCoordinator


async def async_watch_until_online(
    coordinator: BlinkHealthCoordinator, serial: str, seconds: float
) -> bool:
    """Poll every 15 s until a poll reports the device online; return whether one did.

    Bounded by `seconds` and at most 10 minutes. Each poll is still one homescreen request;
    the usual interval returns when no device is being watched.
    """
    online: asyncio.Future[None] = coordinator.hass.loop.create_future()

    @callback
    def _polled(health: AccountHealth) -> None:
        """Resolve once a poll shows the device online."""
        device = health.device(serial)
        if device is not None and device.online and not online.done():
            online.set_result(None)

    remove_listener = coordinator.async_add_poll_listener(_polled)
    release_pace = coordinator.async_poll_faster(FAST_POLL_INTERVAL, live=True)
    try:
        async with asyncio.timeout(min(seconds, MAX_FAST_POLL.total_seconds())):
            await online
    except TimeoutError:
        return False
    finally:
        remove_listener()
        release_pace()
    return True
