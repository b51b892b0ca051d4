"""The power cycles' journal: which plugs may be off, and when each device was cycled (Store).

A record is written before every command that changes a plug and removed only once the plug
is confirmed on, so whoever finds a record (a retry, the next start) switches its plug on.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NotRequired, TypedDict

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from custom_components.blink_health.const import DOMAIN
from custom_components.blink_health.storage import STORAGE_VERSION, account_store

from .plug import Plug

STORE_NAME = "power_cycles"
# Records of removed entries whose plug was not confirmed on: kept until it is (no account id).
REMOVED_STORE_KEY = f"{DOMAIN}.power_cycles_removed"
# The window that caps attempts.
CAP_WINDOW = timedelta(hours=24)


class Record(TypedDict):
    """A plug that is (or may be) off because of a power cycle of one device."""

    plug: str  # its entity id when last seen
    started: str
    plug_id: NotRequired[str | None]  # entity-registry id: follows a rename
    device_id: NotRequired[str | None]  # the Blink device's Home Assistant device id
    device: NotRequired[str]  # the device's name, for the issue
    entry_id: NotRequired[str]
    command: NotRequired[str]  # the last command sent ("off" or "on") and when
    sent: NotRequired[str]


class _StoredData(TypedDict):
    """Everything persisted per account: in-flight cycles and when each device was cycled."""

    in_flight: dict[str, Record]
    history: dict[str, list[str]]


def plug_key(record: Record) -> str:
    """Return what identifies a record's plug across renames."""
    return record.get("plug_id") or record["plug"]


class Journal:
    """One account's journal (or the removed entries'), loaded once and saved on every change."""

    def __init__(self, hass: HomeAssistant, store: Store[Any], entry_id: str) -> None:
        """Bind to a store; nothing is read before async_load."""
        self.hass = hass
        self.entry_id = entry_id
        self._store = store
        self._data: _StoredData = {"in_flight": {}, "history": {}}

    @classmethod
    def for_entry(cls, hass: HomeAssistant, entry: ConfigEntry[Any]) -> Journal:
        """Return the journal of an account."""
        return cls(hass, account_store(hass, entry, STORE_NAME), entry.entry_id)

    @classmethod
    def for_removed(cls, hass: HomeAssistant) -> Journal:
        """Return the journal that keeps records of removed entries."""
        return cls(hass, Store(hass, STORAGE_VERSION, REMOVED_STORE_KEY), "")

    @property
    def records(self) -> dict[str, Record]:
        """Return the records by device serial."""
        return self._data["in_flight"]

    async def async_load(self) -> None:
        """Read the store; complete records an older version or a crash left partial."""
        if (stored := await self._store.async_load()) is not None:
            self._data = stored
        registry = dr.async_get(self.hass)
        for serial, record in self.records.items():
            if record.get("plug_id") is None:
                record["plug_id"] = Plug(self.hass, record["plug"]).registry_id
            if record.get("device_id") is None and (
                device := registry.async_get_device_by_identifier(
                    (DOMAIN, serial), self.entry_id
                )
            ):
                record["device_id"] = device.id
                record.setdefault("device", device.name_by_user or device.name or "")
            record.setdefault("entry_id", self.entry_id)

    async def async_save(self) -> None:
        """Write the journal now (before the command it prepares)."""
        await self._store.async_save(self._data)

    async def async_remove_store(self) -> None:
        """Delete the stored journal (a removed entry with no plug left off)."""
        await self._store.async_remove()

    async def async_put(self, serial: str, record: Record) -> None:
        """Record (or update) a device's plug as possibly off, and save."""
        self.records[serial] = record
        await self.async_save()

    async def async_sent(self, key: str, command: str) -> None:
        """Note a command about to be sent to a plug in each of its records, and save."""
        now = dt_util.utcnow().isoformat()
        for record in self.records.values():
            if plug_key(record) == key:
                record["command"] = command
                record["sent"] = now
        await self.async_save()

    def for_plug(self, key: str) -> dict[str, Record]:
        """Return the records of one plug by serial."""
        return {s: r for s, r in self.records.items() if plug_key(r) == key}

    async def async_drop_plug(self, key: str) -> dict[str, Record]:
        """Forget the records of a plug confirmed on; return them."""
        dropped = self.for_plug(key)
        if dropped:
            for serial in dropped:
                del self.records[serial]
            await self.async_save()
        return dropped

    def count_cycle(self, serial: str, now: datetime) -> None:
        """Remember that the device is being cycled now (saved with its record)."""
        self._data["history"].setdefault(serial, []).append(now.isoformat())

    def recent(self, serial: str, now: datetime) -> list[datetime]:
        """Return when the device was cycled in the last 24 hours, oldest first."""
        times = [
            parsed
            for value in self._data["history"].get(serial, [])
            if (parsed := dt_util.parse_datetime(value)) is not None
            and now - parsed < CAP_WINDOW
        ]
        self._data["history"][serial] = [t.isoformat() for t in times]
        return times
