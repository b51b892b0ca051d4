"""Events Blink Health fires for automations, the outage history and the logbook."""

from __future__ import annotations

from typing import Any, Protocol

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from .const import DOMAIN, EVENT_READD


class EndedReadd(Protocol):
    """What the re-add event tells of a re-add that ended."""

    @property
    def serial(self) -> str:
        """The camera's serial (looked up, never sent)."""

    @property
    def name(self) -> str:
        """The camera's Blink name at the start."""

    @property
    def phase(self) -> object:
        """How it ended: done, timeout or cancelled."""


@callback
def fire_readd_ended(
    hass: HomeAssistant, entry: ConfigEntry[Any], procedure: EndedReadd
) -> None:
    """Fire `blink_health_readd`: the camera's device id and name, and how the re-add ended."""
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, procedure.serial), entry.entry_id
    )
    hass.bus.async_fire(
        EVENT_READD,
        {
            "entry_id": entry.entry_id,
            "device_id": device.id if device else None,
            "name": procedure.name,
            "outcome": str(procedure.phase),
        },
    )
