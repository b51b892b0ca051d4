"""Clocks the simulator reads time from: the real monotonic clock, or a manual one for tests."""

from __future__ import annotations

from collections.abc import Callable
import time

type Clock = Callable[[], float]

# The default: seconds that only move forward, so wall-clock jumps do not reboot devices.
monotonic: Clock = time.monotonic


class ManualClock:
    """A clock that only moves when told to (tests, frozen-time Home Assistant runs)."""

    def __init__(self, start: float = 1000.0) -> None:
        """Start at `start` seconds."""
        self.now = start

    def __call__(self) -> float:
        """Return the current time in seconds."""
        return self.now

    def advance(self, seconds: float) -> float:
        """Move time forward by `seconds` and return the new time."""
        if seconds < 0:
            raise ValueError("a clock does not go backwards")
        self.now += seconds
        return self.now
