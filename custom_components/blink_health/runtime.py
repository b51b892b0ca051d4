"""What a loaded entry holds: its coordinator and the feature slices wired to it."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.config_entries import ConfigEntry

from .coordinator import BlinkHealthCoordinator
from .outages import OutageHistory
from .power import PowerCycles
from .readd import ReaddWatcher
from .watchdog import CoreWatchdog


@dataclass(slots=True, kw_only=True)
class BlinkHealthData:
    """The entry's runtime data: built and wired in __init__.py, read by platforms and flows."""

    coordinator: BlinkHealthCoordinator
    power: PowerCycles
    readd: ReaddWatcher
    # Reloads a stuck core Blink entry (issue 21); started only when its option is on.
    watchdog: CoreWatchdog
    # Outages per device and the account's fixes, kept across restarts (issue 20).
    outages: OutageHistory


type BlinkHealthConfigEntry = ConfigEntry[BlinkHealthData]
