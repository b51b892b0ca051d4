"""What the re-adds ask of the coordinator: devices kept while away, and the re-add poll pace."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.core import CALLBACK_TYPE, callback

from custom_components.blink_health.const import READD_POLL_INTERVAL

if TYPE_CHECKING:
    from custom_components.blink_health.coordinator import BlinkHealthCoordinator


class CoordinatorClaims:
    """The re-adds' claims on one coordinator, each taken once and released once."""

    def __init__(self, coordinator: BlinkHealthCoordinator) -> None:
        """Start with no claim."""
        self._coordinator = coordinator
        self._kept: dict[str, CALLBACK_TYPE] = {}
        self._release_pace: CALLBACK_TYPE | None = None

    @callback
    def keep(self, serial: str) -> None:
        """Keep the camera's device (and its entities) while it is away from the account."""
        if serial not in self._kept:
            self._kept[serial] = self._coordinator.async_keep_device(serial)

    @callback
    def release(self, serial: str) -> None:
        """Let the camera's device go as stale once it is away long enough."""
        if (release := self._kept.pop(serial, None)) is not None:
            release()

    @callback
    def pace(self, *, watching: bool) -> None:
        """Poll at the re-add pace while any re-add is watched, at the usual pace otherwise."""
        if watching and self._release_pace is None:
            self._release_pace = self._coordinator.async_poll_faster(
                READD_POLL_INTERVAL
            )
        elif not watching and self._release_pace is not None:
            self._release_pace()
            self._release_pace = None
