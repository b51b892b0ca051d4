"""Where an account's feature slices keep what must survive a restart (Home Assistant's Store)."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from .const import DOMAIN

STORAGE_VERSION = 1


def store_key(entry: ConfigEntry[Any], name: str) -> str:
    """Return the storage key of one slice's data for an account (`blink_health.{name}.{id}`)."""
    return f"{DOMAIN}.{name}.{entry.unique_id}"


def account_store(
    hass: HomeAssistant, entry: ConfigEntry[Any], name: str
) -> Store[Any]:
    """Return the Store of one slice's data for an account."""
    return Store(hass, STORAGE_VERSION, store_key(entry, name))


async def async_remove_store(
    hass: HomeAssistant, entry: ConfigEntry[Any], name: str
) -> None:
    """Delete one slice's stored data of a removed entry."""
    await account_store(hass, entry, name).async_remove()
