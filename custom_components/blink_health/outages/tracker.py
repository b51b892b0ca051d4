"""Outage history of one account, kept in Home Assistant's Store across restarts.

It reads the coordinator's polls (a poll listener: no request of its own) and the bus's
power-cycle and re-add events; the sensors in outages/entities.py show its figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util

from custom_components.blink_health.const import EVENT_POWER_CYCLE, EVENT_READD, LOGGER
from custom_components.blink_health.health import AccountHealth, iter_devices
from custom_components.blink_health.storage import account_store

from .record import DAY, WEEK, DeviceRecord, events_in, prune_moments

if TYPE_CHECKING:
    from custom_components.blink_health.coordinator import BlinkHealthCoordinator

STORE_NAME = "outages"
# Polls change a record only when a device goes offline or comes back: writes are rare, and
# Home Assistant writes what is pending when it stops.
SAVE_DELAY = 30
READD_DONE = "done"


class OutageHistory:
    """Per device, when it was offline; for the account, when power cycles and re-adds happened."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry[Any],
        coordinator: BlinkHealthCoordinator,
    ) -> None:
        """Prepare the account's store; nothing is read before async_setup."""
        self.hass = hass
        self.entry = entry
        self.coordinator = coordinator
        self.devices: dict[str, DeviceRecord] = {}
        self.power_cycles: list[datetime] = []
        self.readds: list[datetime] = []
        self._store = account_store(hass, entry, STORE_NAME)
        # Per device serial; None: the account's sensors.
        self._listeners: dict[str | None, list[CALLBACK_TYPE]] = {}
        # Devices first seen at the last poll (their availability needs a span of time).
        self._seen_first: set[str] = set()
        self._unsubscribe: list[CALLBACK_TYPE] = []

    async def async_setup(self) -> None:
        """Read the stored history, then follow the polls and events (before the first poll)."""
        self._load(await self._store.async_load())
        self._unsubscribe = [
            self.coordinator.async_add_poll_listener(self._on_poll),
            self.hass.bus.async_listen(EVENT_POWER_CYCLE, self._on_power_cycle),
            self.hass.bus.async_listen(EVENT_READD, self._on_readd),
        ]

    @callback
    def async_unsubscribe(self) -> None:
        """Stop following the polls and events (also when the entry's setup fails)."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []

    async def async_shutdown(self) -> None:
        """Stop following and write the history now (unload)."""
        self.async_unsubscribe()
        await self._store.async_save(self._stored())

    def _load(self, raw: Any) -> None:
        """Take the stored history; an unreadable part is dropped, not fatal."""
        if not isinstance(raw, Mapping):
            return
        for serial, record in _mapping(raw.get("devices")).items():
            try:
                self.devices[serial] = DeviceRecord.from_stored(record)
            except KeyError, TypeError, ValueError:
                LOGGER.warning("A device's stored outage history was unreadable")
        self.power_cycles = _moments(raw.get("power_cycles"))
        self.readds = _moments(raw.get("readds"))

    def _stored(self) -> dict[str, Any]:
        """Return the history as JSON-serialisable stored data."""
        return {
            "devices": {
                serial: record.as_stored() for serial, record in self.devices.items()
            },
            "power_cycles": [moment.isoformat() for moment in self.power_cycles],
            "readds": [moment.isoformat() for moment in self.readds],
        }

    # ----- what the sensors read ------------------------------------------------------------

    @callback
    def async_add_listener(
        self, listener: CALLBACK_TYPE, serial: str | None = None
    ) -> CALLBACK_TYPE:
        """Call `listener` whenever a device's figures (or the account's) may have changed."""
        listeners = self._listeners.setdefault(serial, [])
        listeners.append(listener)
        return lambda: listeners.remove(listener)

    def record(self, serial: str) -> DeviceRecord | None:
        """Return a device's record, if the history has seen it."""
        return self.devices.get(serial)

    def outages_24h(self, serial: str) -> int | None:
        """Return the device's outages in the last 24 hours."""
        record = self.devices.get(serial)
        return None if record is None else record.outages_in(DAY, dt_util.utcnow())

    def last_outage_seconds(self, serial: str) -> float | None:
        """Return how long the device's latest outage lasted (so far)."""
        record = self.devices.get(serial)
        return None if record is None else record.last_outage_seconds(dt_util.utcnow())

    def availability_7d(self, serial: str) -> float | None:
        """Return the share of the last 7 days the device was online, in %."""
        record = self.devices.get(serial)
        return None if record is None else record.availability(WEEK, dt_util.utcnow())

    def power_cycles_7d(self) -> int:
        """Return the account's power cycles in the last 7 days."""
        return events_in(self.power_cycles, WEEK, dt_util.utcnow())

    def readds_7d(self) -> int:
        """Return the account's completed re-adds in the last 7 days."""
        return events_in(self.readds, WEEK, dt_util.utcnow())

    # ----- following the account ------------------------------------------------------------

    @callback
    def _on_poll(self, health: AccountHealth) -> None:
        """Open or close outages from what a good poll saw."""
        now = dt_util.utcnow()
        changed: set[str] = set()
        new: set[str] = set()
        for device in iter_devices(health):
            record = self.devices.get(device.serial)
            if record is None:
                record = self.devices[device.serial] = DeviceRecord(since=now)
                new.add(device.serial)
            if record.seen(device.online, now) | record.prune(now):
                changed.add(device.serial)
        # A device gone from the account (and no longer kept) with nothing left to show.
        gone = False
        for serial in (
            set(self.devices) - health.serials - self.coordinator.kept_serials
        ):
            if not self.devices[serial].outages:
                del self.devices[serial]
                gone = True
        if changed or new or gone:
            self._save()
        # The figures move with time only where there is an outage in the window (a lasting
        # one, a day's or a week's window passing it); a device without one shows 0 and
        # 100 % until it has one: most devices, most polls, are not told.
        # A device first seen at the last poll had no span yet: its availability appears now.
        moving = (
            changed
            | new
            | self._seen_first
            | {serial for serial, record in self.devices.items() if record.outages}
        )
        self._seen_first = new
        account = self.power_cycles or self.readds
        self._notify(moving | ({None} if account else set()))

    @callback
    def _on_power_cycle(self, event: Event[Mapping[str, Any]]) -> None:
        """Count a power cycle of one of this account's devices."""
        if self._ours(event.data):
            self.power_cycles = [
                *prune_moments(self.power_cycles, event.time_fired),
                event.time_fired,
            ]
            self._save()
            self._notify()

    @callback
    def _on_readd(self, event: Event[Mapping[str, Any]]) -> None:
        """Count a re-add of one of this account's cameras that ended with the camera back."""
        if event.data.get("outcome") == READD_DONE and self._ours(event.data):
            self.readds = [
                *prune_moments(self.readds, event.time_fired),
                event.time_fired,
            ]
            self._save()
            self._notify()

    def _ours(self, data: Mapping[str, Any]) -> bool:
        """Return whether an event is about this account: by entry, device id, else serial.

        Events carry the entry and device ids (issue 19); a power-cycle event from before
        named the device by its serial (`device`).
        """
        if (entry_id := data.get("entry_id")) is not None:
            return bool(entry_id == self.entry.entry_id)
        if (device_id := data.get("device_id")) is not None:
            device = dr.async_get(self.hass).async_get(str(device_id))
            return device is not None and device.config_entry_id == self.entry.entry_id
        # A power-cycle event from before issue 19: `device` is the serial.
        health = self.coordinator.data
        return health is not None and data.get("device") in health.serials

    @callback
    def _save(self) -> None:
        """Write the history soon (writes coalesce)."""
        self._store.async_delay_save(self._stored, SAVE_DELAY)

    @callback
    def _notify(self, whose: set[str | None] | None = None) -> None:
        """Tell the sensors whose figures may have changed (every sensor: `whose` None)."""
        for serial, listeners in list(self._listeners.items()):
            if whose is None or serial in whose:
                for listener in list(listeners):
                    listener()


def _mapping(value: Any) -> Mapping[str, Any]:
    """Return the value if it is a mapping, else an empty one."""
    return value if isinstance(value, Mapping) else {}


def _moments(value: Any) -> list[datetime]:
    """Read a stored list of ISO times, dropping what is unreadable or has no zone."""
    moments: list[datetime] = []
    for item in value if isinstance(value, list) else []:
        try:
            moment = datetime.fromisoformat(item)
        except TypeError, ValueError:
            continue
        if moment.tzinfo is not None:
            moments.append(moment)
    return moments
