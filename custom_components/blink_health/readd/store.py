"""Where an account's re-adds are kept across restarts: those that run, and those that timed out."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypedDict

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store

from custom_components.blink_health.const import DOMAIN, LOGGER
from custom_components.blink_health.storage import account_store

from .procedure import Phase, Procedure

STORE_NAME = "readd"


class _StoredData(TypedDict):
    """Everything stored per account: the re-adds that run or timed out, by serial."""

    procedures: dict[str, dict[str, Any]]


def _stored(procedures: Iterable[Procedure]) -> _StoredData:
    """Return what is stored: re-adds that run, and those that timed out (their issue stays)."""
    return {
        "procedures": {
            procedure.serial: procedure.as_stored()
            for procedure in procedures
            if procedure.running or procedure.phase is Phase.TIMEOUT
        }
    }


class ReaddStore:
    """One account's stored re-adds (Home Assistant's Store, `blink_health.readd.{id}`)."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry[Any]) -> None:
        """Name the account's store; nothing is read yet."""
        self._hass = hass
        self._entry = entry
        self._store: Store[_StoredData] = account_store(hass, entry, STORE_NAME)

    async def async_load(self) -> list[Procedure]:
        """Return the stored re-adds; an unreadable one is logged and skipped."""
        stored = await self._store.async_load()
        procedures: list[Procedure] = []
        for raw in (stored or {"procedures": {}})["procedures"].values():
            try:
                procedures.append(Procedure.from_stored(raw))
            except (KeyError, TypeError, ValueError) as err:
                LOGGER.warning("A stored camera re-add could not be read: %s", err)
        return procedures

    async def async_save(self, procedures: Iterable[Procedure]) -> None:
        """Store the re-adds and return once they are written."""
        await self._store.async_save(_stored(procedures))

    @callback
    def save(self, procedures: Iterable[Procedure]) -> None:
        """Store the re-adds from a callback (a poll, the deadline); the last write wins."""
        self._entry.async_create_task(
            self._hass,
            self._store.async_save(_stored(procedures)),
            f"{DOMAIN} store re-adds",
        )
