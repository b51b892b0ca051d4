"""Which devices Blink Health's actions accept: the translated refusals of services.py."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
import pytest

from blinksim.server import SimServer
from custom_components.blink_health.const import DOMAIN

FRONT_YARD = "G8T20000000001"


async def _diagnose(hass: HomeAssistant, device_id: str) -> None:
    """Call the diagnose action for a device id."""
    await hass.services.async_call(
        DOMAIN,
        "diagnose",
        {"device_id": device_id},
        blocking=True,
        return_response=True,
    )


def _device_id(
    device_registry: dr.DeviceRegistry, entry: ConfigEntry, identifier: str
) -> str:
    """Return the registry id of one of the entry's devices by its identifier."""
    device = next(
        device
        for device in dr.async_entries_for_config_entry(device_registry, entry.entry_id)
        if (DOMAIN, identifier) in device.identifiers
    )
    return device.id


async def test_unknown_and_account_devices_are_refused(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """A device id nobody knows, and the account itself, get their own messages."""
    with pytest.raises(ServiceValidationError) as err:
        await _diagnose(hass, "0123456789abcdef")
    assert err.value.translation_key == "unknown_device"
    account = _device_id(
        device_registry, init_integration, str(init_integration.unique_id)
    )
    with pytest.raises(ServiceValidationError) as err:
        await _diagnose(hass, account)
    assert err.value.translation_key == "not_a_blink_device"
    response = await hass.services.async_call(
        DOMAIN,
        "diagnose",
        {"device_id": _device_id(device_registry, init_integration, FRONT_YARD)},
        blocking=True,
        return_response=True,
    )
    assert response is not None and response["device"] == "Front Yard"


async def test_devices_of_an_unloaded_entry_are_refused(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """After the entry is unloaded its devices stay, and the actions say the entry is not loaded."""
    device_id = _device_id(device_registry, init_integration, FRONT_YARD)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await _diagnose(hass, device_id)
    assert err.value.translation_key == "entry_not_loaded"
    assert "Front Yard" in str(err.value)
