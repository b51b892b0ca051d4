"""Blink Health actions, registered once in async_setup so automations always validate."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr

from .const import DOMAIN
from .coordinator import BlinkHealthConfigEntry

ATTR_DEVICE_ID = "device_id"


@dataclass(frozen=True, slots=True)
class ActionTarget:
    """The Blink Health device an action works on, and the loaded entry that owns it."""

    entry: BlinkHealthConfigEntry
    device: dr.DeviceEntry | dr.ChildDeviceEntry
    serial: str


def resolve_device(hass: HomeAssistant, call: ServiceCall) -> ActionTarget:
    """Return the entry and serial of the action's device_id, or raise a translated error.

    Devices of other integrations, the account device, and devices of unloaded entries are refused.
    """
    device_id = call.data[ATTR_DEVICE_ID]
    device = dr.async_get(hass).async_get(device_id)
    if device is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="unknown_device",
            translation_placeholders={"device_id": device_id},
        )
    entry = next(
        (
            entry
            for entry_id in device.config_entries
            if (entry := hass.config_entries.async_get_entry(entry_id)) is not None
            and entry.domain == DOMAIN
        ),
        None,
    )
    serial = next(
        (value for domain, value in device.identifiers if domain == DOMAIN), None
    )
    if entry is None or serial is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="not_blink_health_device",
            translation_placeholders={
                "device": device.name_by_user or device.name or device_id
            },
        )
    if entry.state is not ConfigEntryState.LOADED:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="entry_not_loaded",
            translation_placeholders={
                "device": device.name_by_user or device.name or serial
            },
        )
    if serial == str(entry.unique_id):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="not_a_blink_device",
            translation_placeholders={
                "device": device.name_by_user or device.name or serial
            },
        )
    return ActionTarget(entry=entry, device=device, serial=serial)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register every Blink Health action (each feature module adds its own here)."""
