"""Which devices Blink Health's actions accept: the translated refusals of services.py."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er, selector
from homeassistant.helpers.service import async_get_all_descriptions
import pytest

from blinksim.server import SimServer
from custom_components.blink_health.const import DOMAIN

from .power_helpers import HALL_MINI, HALL_PLUG, async_map_plugs, async_setup_plugs

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


def _identifiers(
    device_registry: dr.DeviceRegistry, device_id: str
) -> set[tuple[str, str]]:
    """Return a registered device's identifiers."""
    device = device_registry.async_get(device_id)
    assert device is not None
    return set(device.identifiers)


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


async def test_power_cycle_picker_offers_only_devices_that_can_be_cycled(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    """The device selector's entity filter matches the devices with a plug, nothing else."""
    await async_setup_plugs(hass, sim)
    await async_map_plugs(hass, init_integration, {HALL_MINI: HALL_PLUG})
    descriptions = await async_get_all_descriptions(hass)
    config = descriptions[DOMAIN]["power_cycle"]["fields"]["device_id"]["selector"]
    # Home Assistant's own normalised form of the filter, as the frontend receives it.
    filters = selector.selector(config).config["entity"]
    assert "integration" not in config["device"]  # core Blink's devices stay pickable

    def matches(entity: er.RegistryEntry) -> bool:
        """Apply the filter as the frontend does: integration, domain and device class."""
        state = hass.states.get(entity.entity_id)
        device_class = state.attributes.get("device_class") if state else None
        return any(
            entity.platform == rule["integration"]
            and entity.domain in rule["domain"]
            and device_class in rule["device_class"]
            for rule in filters
        )

    offered = {
        identifier
        for entity in entity_registry.entities.values()
        if entity.device_id and matches(entity)
        for domain, identifier in _identifiers(device_registry, entity.device_id)
        if domain == DOMAIN
    }
    assert offered == {HALL_MINI}
    assert FRONT_YARD not in offered
    assert str(init_integration.unique_id) not in offered


@pytest.mark.parametrize(
    ("action", "data", "key", "text"),
    [
        (
            "power_cycle",
            {"off_seconds": 2},
            "off_seconds_out_of_range",
            "The off time must be from 5 to 120 seconds (Blink asks for 10). You entered 2",
        ),
        (
            "power_cycle",
            {"off_seconds": "soon"},
            "off_seconds_out_of_range",
            "The off time must be from 5 to 120 seconds (Blink asks for 10). You entered soon",
        ),
        (
            "power_cycle",
            {"timeout": 900},
            "power_cycle_timeout_out_of_range",
            (
                "The time to wait for the device to come back online must be from 30 to "
                "600 seconds. You entered 900"
            ),
        ),
        (
            "readd_camera",
            {"timeout": 1.5},
            "readd_timeout_out_of_range",
            "The time to watch the re-add must be from 5 to 240 minutes. You entered 1.5",
        ),
    ],
)
async def test_out_of_range_values_name_the_bounds_and_the_value(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    device_registry: dr.DeviceRegistry,
    action: str,
    data: dict[str, object],
    key: str,
    text: str,
) -> None:
    """A value out of range gets a translated refusal with the bounds and what was given."""
    sim.requests.reset()
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            action,
            {
                "device_id": _device_id(device_registry, init_integration, HALL_MINI),
                **data,
            },
            blocking=True,
        )
    assert err.value.translation_key == key
    assert str(err.value) == text
    assert sum(sim.requests.values()) == 0
