"""One device per camera with core Blink: Blink Health's entities join core's devices (issue 21)."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
)
import pytest

from blinksim.server import SimServer
from custom_components.blink_health.const import CONF_EXCLUDED, CORE_DOMAIN, DOMAIN
from custom_components.blink_health.devices import device_for
from custom_components.blink_health.readd import report

from .conftest import async_poll, async_sign_in
from .core_blink import (
    async_add_core_entry,
    async_attach,
    core_entry,
    core_session,
    no_blinkpy_sleeps,
)
from .test_attach import async_sign_in_separately

# Fixtures of the core Blink harness, found by pytest through this module's names.
__all__ = ["core_entry", "core_session", "no_blinkpy_sleeps"]

FRONT_YARD = "G8T20000000001"
HOME_SYNC = "G8T10000000001"


def _serials(hass: HomeAssistant) -> dict[str, list[dr.DeviceEntry]]:
    """Return the devices of each serial, whichever integration made them."""
    devices: dict[str, list[dr.DeviceEntry]] = {}
    for device in dr.async_get(hass).devices:
        for domain, value in device.identifiers:
            if domain in (DOMAIN, CORE_DOMAIN):
                devices.setdefault(value, []).append(device)
    return devices


def _entities(hass: HomeAssistant, entry: ConfigEntry) -> dict[str, er.RegistryEntry]:
    """Return the entry's entities by unique id."""
    return {
        item.unique_id: item
        for item in er.async_entries_for_config_entry(
            er.async_get(hass), entry.entry_id
        )
    }


def _assert_one_device_each(
    hass: HomeAssistant, entry: ConfigEntry, core: ConfigEntry | None
) -> None:
    """Every serial has one device; with core, it is core's and holds both entries' entities."""
    registry = er.async_get(hass)
    health = entry.runtime_data.coordinator.data
    devices = _serials(hass)
    for serial in health.serials:
        assert len(devices[serial]) == 1, serial
        device = devices[serial][0]
        owners = {
            item.config_entry_id
            for item in er.async_entries_for_device(
                registry, device.id, include_disabled_entities=True
            )
        }
        if core is None:
            assert device.config_entry_id == entry.entry_id
            assert owners == {entry.entry_id}
        else:
            assert device.config_entry_id == core.entry_id
            assert (CORE_DOMAIN, serial) in device.identifiers
            assert entry.entry_id in owners, serial
    # Blink Health's entities of a serial are all on that serial's one device.
    for unique_id, item in _entities(hass, entry).items():
        serial = unique_id.rpartition("-")[0]
        if serial in health.serials:
            assert item.device_id == devices[serial][0].id, unique_id


async def test_attach_mode_shares_core_devices(
    hass: HomeAssistant, core_entry: ConfigEntry
) -> None:
    """Attach mode: one device per camera and Sync Module, core's, with both integrations' entities."""
    entry = await async_attach(hass, core_entry)
    _assert_one_device_each(hass, entry, core_entry)
    # The account has no core device: Blink Health's own, as before.
    account = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, str(entry.unique_id)), entry.entry_id
    )
    assert account is not None
    # Cameras not shared... none: every serial of the demo account is core's too.
    assert not [
        device
        for device in dr.async_entries_for_config_entry(
            dr.async_get(hass), entry.entry_id
        )
        if device.id != account.id
    ]


async def test_separate_sign_in_shares_core_devices(
    hass: HomeAssistant, core_entry: ConfigEntry, sim: SimServer
) -> None:
    """A separate sign-in next to core Blink shares core's devices the same way."""
    entry = await async_sign_in_separately(hass, sim)
    _assert_one_device_each(hass, entry, core_entry)


async def test_core_added_later_and_removed(
    hass: HomeAssistant,
    sim: SimServer,
    core_session: None,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Core added after Blink Health, then removed: entity ids, customisations and areas stay."""
    result = await async_sign_in(hass, sim)
    entry = result["result"]
    await hass.async_block_till_done()
    _assert_one_device_each(hass, entry, None)
    devices = dr.async_get(hass)
    entities = er.async_get(hass)
    own = device_for(hass, entry, FRONT_YARD)
    assert own is not None
    area = ar.async_get(hass).async_get_or_create("Garden")
    devices.async_update_device(
        own.id, area_id=area.id, name_by_user="Front lawn", labels={"outdoor"}
    )
    online = entities.async_get_entity_id(
        "binary_sensor", DOMAIN, f"{FRONT_YARD}-online"
    )
    assert online is not None
    entities.async_update_entity(online, name="Lawn camera reachable", icon="mdi:lan")
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_EXCLUDED: [own.id]}
    )
    before = {uid: item.entity_id for uid, item in _entities(hass, entry).items()}

    core = await async_add_core_entry(hass, sim)
    await hass.async_block_till_done(wait_background_tasks=True)
    _assert_one_device_each(hass, entry, core)
    shared = device_for(hass, entry, FRONT_YARD)
    assert shared is not None
    assert shared.config_entry_id == core.entry_id
    # The own device's area and name went with the entities; the exclusion follows.
    assert shared.area_id == area.id
    assert shared.name_by_user == "Front lawn"
    assert shared.labels == {"outdoor"}
    assert entry.options[CONF_EXCLUDED] == [shared.id]
    assert {
        uid: item.entity_id for uid, item in _entities(hass, entry).items()
    } == before
    item = entities.async_get(online)
    assert item is not None
    assert (item.name, item.icon) == ("Lawn camera reachable", "mdi:lan")
    assert hass.states.get(online) is not None
    # A poll changes nothing: the link holds.
    await async_poll(hass, freezer)
    _assert_one_device_each(hass, entry, core)

    # Moved to another area on the shared device, then core Blink is removed.
    kitchen = ar.async_get(hass).async_get_or_create("Porch")
    devices.async_update_device(shared.id, area_id=kitchen.id)
    assert await hass.config_entries.async_remove(core.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    _assert_one_device_each(hass, entry, None)
    back = device_for(hass, entry, FRONT_YARD)
    assert back is not None
    # The own device came back with its id, and the shared device's newest area.
    assert back.id == own.id
    assert back.area_id == kitchen.id
    assert back.name_by_user == "Front lawn"
    assert entry.options[CONF_EXCLUDED] == [own.id]
    assert {
        uid: item.entity_id for uid, item in _entities(hass, entry).items()
    } == before
    state = hass.states.get(online)
    assert state is not None
    assert state.attributes["friendly_name"] == "Lawn camera reachable"
    await async_poll(hass, freezer)
    _assert_one_device_each(hass, entry, None)


async def test_attach_mode_across_removing_and_adding_core(
    hass: HomeAssistant,
    core_entry: ConfigEntry,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Attach mode, core removed then added again: own devices meanwhile, shared again after."""
    entry = await async_attach(hass, core_entry)
    devices = dr.async_get(hass)
    entities = er.async_get(hass)
    shared = device_for(hass, entry, FRONT_YARD)
    assert shared is not None
    area = ar.async_get(hass).async_get_or_create("Garden")
    devices.async_update_device(shared.id, area_id=area.id, name_by_user="Front lawn")
    online = entities.async_get_entity_id(
        "binary_sensor", DOMAIN, f"{FRONT_YARD}-online"
    )
    assert online is not None
    entities.async_update_entity(online, name="Lawn camera reachable")
    before = {uid: item.entity_id for uid, item in _entities(hass, entry).items()}

    assert await hass.config_entries.async_remove(core_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    # Core's devices went with it; Blink Health's entities have their own again.
    _assert_one_device_each(hass, entry, None)
    own = device_for(hass, entry, FRONT_YARD)
    assert own is not None
    assert (own.area_id, own.name_by_user) == (area.id, "Front lawn")
    assert {
        uid: item.entity_id for uid, item in _entities(hass, entry).items()
    } == before

    freezer.tick(11)  # past the coordinator's request debounce
    new_core = await async_add_core_entry(hass, sim)
    await hass.async_block_till_done(wait_background_tasks=True)
    _assert_one_device_each(hass, entry, new_core)
    again = device_for(hass, entry, FRONT_YARD)
    assert again is not None
    assert again.config_entry_id == new_core.entry_id
    assert (again.area_id, again.name_by_user) == (area.id, "Front lawn")
    assert {
        uid: item.entity_id for uid, item in _entities(hass, entry).items()
    } == before
    item = entities.async_get(online)
    assert item is not None
    assert item.name == "Lawn camera reachable"
    await async_poll(hass, freezer)
    _assert_one_device_each(hass, entry, new_core)


async def test_readd_keeps_the_shared_device_with_a_separate_sign_in(
    hass: HomeAssistant,
    core_entry: ConfigEntry,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A separate sign-in next to core: a re-added camera keeps its one (core's) device."""
    entry = await async_sign_in_separately(hass, sim)
    device = device_for(hass, entry, FRONT_YARD)
    assert device is not None
    assert device.config_entry_id == core_entry.entry_id
    response = await hass.services.async_call(
        DOMAIN,
        "readd_camera",
        {"device_id": device.id},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    assert response["phase"] == "remove"
    sim.world.remove_device(FRONT_YARD)
    for _ in range(3):
        await async_poll(hass, freezer)
    procedure = entry.runtime_data.readd.get(FRONT_YARD)
    assert procedure is not None
    assert report(procedure)["phase"] == "add"
    sim.world.add_device(
        {
            "serial": FRONT_YARD,
            "type": "catalina",
            "name": "Front Yard",
            "network_id": 2001,
        }
    )
    await async_poll(hass, freezer)
    procedure = entry.runtime_data.readd.get(FRONT_YARD)
    assert procedure is not None
    assert report(procedure)["phase"] == "done"
    await hass.async_block_till_done(wait_background_tasks=True)
    after = device_for(hass, entry, FRONT_YARD)
    assert after is not None
    assert after.id == device.id
    _assert_one_device_each(hass, entry, core_entry)
    assert f"{FRONT_YARD}-online" in _entities(hass, entry)


async def test_stale_shared_device_loses_only_our_entities(
    hass: HomeAssistant,
    core_entry: ConfigEntry,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A camera gone from the account: its entities leave core's device, which stays core's."""
    entry = await async_attach(hass, core_entry)
    shared = device_for(hass, entry, FRONT_YARD)
    assert shared is not None
    sim.world.remove_device(FRONT_YARD)
    await async_poll(hass, freezer)
    assert f"{FRONT_YARD}-online" in _entities(hass, entry)
    # One odd answer never removes anything: back at the next poll, the count starts over.
    sim.world.add_device(
        {
            "serial": FRONT_YARD,
            "type": "catalina",
            "name": "Front Yard",
            "network_id": 2001,
        }
    )
    await async_poll(hass, freezer)
    sim.world.remove_device(FRONT_YARD)
    await async_poll(hass, freezer)
    assert f"{FRONT_YARD}-online" in _entities(hass, entry)
    await async_poll(hass, freezer)
    assert not [uid for uid in _entities(hass, entry) if uid.startswith(FRONT_YARD)]
    assert dr.async_get(hass).async_get(shared.id) is not None
    # Back on the account: entities again, on core's device.
    sim.world.add_device(
        {
            "serial": FRONT_YARD,
            "type": "catalina",
            "name": "Front Yard",
            "network_id": 2001,
        }
    )
    await async_poll(hass, freezer)
    await hass.async_block_till_done(wait_background_tasks=True)
    _assert_one_device_each(hass, entry, core_entry)
    assert f"{FRONT_YARD}-online" in _entities(hass, entry)


async def test_actions_take_the_shared_device(
    hass: HomeAssistant, core_entry: ConfigEntry
) -> None:
    """The actions accept the shared device (core's) and find Blink Health's entry and serial."""
    entry = await async_attach(hass, core_entry)
    shared = device_for(hass, entry, FRONT_YARD)
    assert shared is not None
    response = await hass.services.async_call(
        DOMAIN,
        "diagnose",
        {"device_id": shared.id},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    assert response["device"] == "Front Yard"
    assert response["steps"]


async def test_actions_refuse_a_core_device_without_our_entities(
    hass: HomeAssistant, core_entry: ConfigEntry
) -> None:
    """A core Blink device that holds none of Blink Health's entities is not ours to act on."""
    await async_attach(hass, core_entry)
    other = dr.async_get(hass).async_get_or_create(
        config_entry_id=core_entry.entry_id,
        identifiers={(CORE_DOMAIN, "G8T99999999999")},
    )
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "diagnose",
            {"device_id": other.id},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "not_blink_health_device"
