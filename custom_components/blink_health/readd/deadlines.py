"""One timer per running re-add, that ends it at its deadline even if no poll comes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_point_in_utc_time

# Told that a camera's re-add reached its deadline: its serial and the moment.
type DeadlinePassed = Callable[[str, datetime], None]


class Deadlines:
    """The deadlines of the running re-adds, by serial (a poll past one ends it too)."""

    def __init__(self, hass: HomeAssistant, passed: DeadlinePassed) -> None:
        """Start with no timer; `passed` is called when one fires."""
        self._hass = hass
        self._passed = passed
        self._timers: dict[str, CALLBACK_TYPE] = {}

    @callback
    def schedule(self, serial: str, deadline: datetime) -> None:
        """Call `passed` at the deadline of a re-add that starts running (it has no timer)."""

        @callback
        def _fire(now: datetime) -> None:
            """Time is up: forget the timer, then say so."""
            self._timers.pop(serial, None)
            self._passed(serial, now)

        self._timers[serial] = async_track_point_in_utc_time(
            self._hass, _fire, deadline
        )

    @callback
    def cancel(self, serial: str) -> None:
        """Stop the timer of a re-add that ended."""
        if (unsub := self._timers.pop(serial, None)) is not None:
            unsub()

    @callback
    def cancel_all(self) -> None:
        """Stop every timer (the account unloads)."""
        for unsub in self._timers.values():
            unsub()
        self._timers.clear()
