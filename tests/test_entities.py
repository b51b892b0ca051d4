"""Health entities end to end: real blinkpy against blinksim's demo account, through the config flow."""

from __future__ import annotations

from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import snapshot_platform
from syrupy.assertion import SnapshotAssertion

from blinksim import payloads
from blinksim.server import SimServer
from custom_components.blink_health.const import DOMAIN

from .conftest import async_poll

pytestmark = pytest.mark.freeze_time("2026-11-25T12:00:00+00:00")

FRONT_YARD = "G8T20000000001"
BACK_YARD = "G8T20000000002"
SIDE_GATE = "G8T20000000003"
WORKSHOP = "G8T20000000005"
HALL_MINI = "G8T30000000001"
GARAGE_SYNC = "G8T10000000002"


def _entity_id(
    entity_registry: er.EntityRegistry, platform: str, unique_id: str
) -> str:
    """Return the entity id registered for a unique id."""
    entity_id = entity_registry.async_get_entity_id(platform, DOMAIN, unique_id)
    assert entity_id is not None, unique_id
    return entity_id


def _state(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    platform: str,
    unique_id: str,
) -> str:
    """Return the state of the entity with this unique id."""
    state = hass.states.get(_entity_id(entity_registry, platform, unique_id))
    assert state is not None
    return state.state


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("platform", [Platform.BINARY_SENSOR, Platform.SENSOR])
async def test_demo_entities(
    hass: HomeAssistant,
    sim: SimServer,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    platform: Platform,
) -> None:
    """Every entity of the demo account, its registry entry and state."""
    from .conftest import async_sign_in

    with patch("custom_components.blink_health.PLATFORMS", [platform]):
        result = await async_sign_in(hass, sim)
        await hass.async_block_till_done()
    entry: ConfigEntry = result["result"]
    await snapshot_platform(hass, entity_registry, snapshot, entry.entry_id)


async def test_devices(
    hass: HomeAssistant,
    init_integration: ConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Account, Sync Modules and cameras (under their Sync Module) with model, firmware, serial."""
    entry = init_integration
    devices = dr.async_entries_for_config_entry(device_registry, entry.entry_id)
    by_serial = {next(iter(d.identifiers))[1]: d for d in devices}
    assert set(by_serial) == {
        "1001",
        "G8T10000000001",
        GARAGE_SYNC,
        FRONT_YARD,
        BACK_YARD,
        SIDE_GATE,
        "G8T20000000004",
        WORKSHOP,
        HALL_MINI,
        "G8T40000000001",
    }
    account = by_serial["1001"]
    home_sync = by_serial["G8T10000000001"]
    assert home_sync.via_device_id == account.id
    assert home_sync.model == "Sync Module 2"
    front = by_serial[FRONT_YARD]
    assert front.via_device_id == home_sync.id
    assert front.serial_number == FRONT_YARD
    assert front.sw_version == "10.72"
    assert front.manufacturer == "Blink"
    # The doorbell has no Sync Module on its network: it hangs off the account.
    assert by_serial["G8T40000000001"].via_device_id == account.id


async def test_device_changes_reach_the_registry(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    device_registry: dr.DeviceRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A camera renamed in the Blink app and moved to another Sync Module: its device follows."""
    await async_poll(hass, freezer)
    sim.world.patch_device(
        FRONT_YARD, {"name": "Front Lawn", "sync_module": GARAGE_SYNC}
    )
    await async_poll(hass, freezer)
    by_serial = {
        value: device
        for device in dr.async_entries_for_config_entry(
            device_registry, init_integration.entry_id
        )
        for _, value in device.identifiers
    }
    front, garage = by_serial[FRONT_YARD], by_serial[GARAGE_SYNC]
    assert front.name == "Front Lawn"
    assert front.via_device_id == garage.id


async def test_offline_within_one_poll(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A camera going offline turns its `online` off at the next poll, and back on again."""
    assert (
        _state(hass, entity_registry, "binary_sensor", f"{FRONT_YARD}-online")
        == STATE_ON
    )
    assert (
        _state(hass, entity_registry, "binary_sensor", f"{WORKSHOP}-online")
        == STATE_OFF
    )
    sim.world.patch_device(FRONT_YARD, {"status": "offline"})
    await async_poll(hass, freezer)
    assert (
        _state(hass, entity_registry, "binary_sensor", f"{FRONT_YARD}-online")
        == STATE_OFF
    )
    sim.world.patch_device(FRONT_YARD, {"status": "online"})
    await async_poll(hass, freezer)
    assert (
        _state(hass, entity_registry, "binary_sensor", f"{FRONT_YARD}-online")
        == STATE_ON
    )


async def test_plug_off_takes_devices_offline(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A Sync Module whose plug is switched off shows offline at the next poll."""
    sim.world.set_plug("plug-garage-sync", on=False)
    await async_poll(hass, freezer)
    assert (
        _state(hass, entity_registry, "binary_sensor", f"{GARAGE_SYNC}-online")
        == STATE_OFF
    )


async def test_signal_changes(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Wi-Fi and Sync-Module bars follow the cloud's values."""
    assert _state(hass, entity_registry, "sensor", f"{BACK_YARD}-wifi_signal") == "1"
    assert _state(hass, entity_registry, "sensor", f"{SIDE_GATE}-sync_signal") == "1"
    sim.world.patch_device(BACK_YARD, {"wifi": 5})
    sim.world.patch_device(SIDE_GATE, {"lfr": 2})
    sim.world.patch_device(FRONT_YARD, {"wifi": 2, "lfr": 1})
    await async_poll(hass, freezer)
    assert _state(hass, entity_registry, "sensor", f"{BACK_YARD}-wifi_signal") == "5"
    assert _state(hass, entity_registry, "sensor", f"{SIDE_GATE}-sync_signal") == "2"
    assert _state(hass, entity_registry, "sensor", f"{FRONT_YARD}-wifi_signal") == "2"
    assert _state(hass, entity_registry, "sensor", f"{FRONT_YARD}-sync_signal") == "1"


async def test_new_camera_appears_and_removed_camera_goes(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Devices follow the account without a reload: new ones appear, removed ones disappear."""
    entry = init_integration
    new_serial = "G8T29999999999"
    sim.world.add_device(
        {"serial": new_serial, "type": "catalina", "name": "Shed", "network_id": 2001}
    )
    await async_poll(hass, freezer)
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, new_serial), entry.entry_id
    )
    assert device is not None
    assert device.name == "Shed"
    assert (
        _state(hass, entity_registry, "binary_sensor", f"{new_serial}-online")
        == STATE_ON
    )

    sim.world.remove_device(FRONT_YARD)
    await async_poll(hass, freezer)
    # One poll without it could be a glitch: the device (and its customisations) stays...
    assert (
        device_registry.async_get_device_by_identifier(
            (DOMAIN, FRONT_YARD), entry.entry_id
        )
        is not None
    )
    assert (
        _state(hass, entity_registry, "binary_sensor", f"{FRONT_YARD}-online")
        == STATE_UNAVAILABLE
    )
    # ...the second confirms it is gone from the account.
    await async_poll(hass, freezer)
    assert (
        device_registry.async_get_device_by_identifier(
            (DOMAIN, FRONT_YARD), entry.entry_id
        )
        is None
    )
    assert (
        entity_registry.async_get_entity_id(
            "binary_sensor", DOMAIN, f"{FRONT_YARD}-online"
        )
        is None
    )

    # Back on the account (no re-add procedure running): it gets a device and entities again.
    sim.world.add_device(
        {
            "serial": FRONT_YARD,
            "type": "catalina",
            "name": "Front Yard",
            "network_id": 2001,
        }
    )
    await async_poll(hass, freezer)
    assert (
        device_registry.async_get_device_by_identifier(
            (DOMAIN, FRONT_YARD), entry.entry_id
        )
        is not None
    )
    assert (
        _state(hass, entity_registry, "binary_sensor", f"{FRONT_YARD}-online")
        == STATE_ON
    )


async def test_cloud_unreachable_and_back(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Blink's own figures go unavailable while the cloud is down, and come back.

    The reachability sensor and the request count (this side's own) stay available to say so.
    """
    account = str(sim.world.account.account_id)
    latency = _state(hass, entity_registry, "sensor", f"{account}-cloud_latency")
    assert float(latency) >= 0
    sim.add_fault(
        "GET /api/v3/accounts/{account_id}/homescreen", status=503, body="html", count=1
    )
    await async_poll(hass, freezer)
    assert (
        _state(hass, entity_registry, "binary_sensor", f"{account}-cloud_reachable")
        == STATE_OFF
    )
    assert (
        _state(hass, entity_registry, "sensor", f"{account}-cloud_latency")
        == STATE_UNAVAILABLE
    )
    assert int(_state(hass, entity_registry, "sensor", f"{account}-api_requests")) >= 1
    assert (
        _state(hass, entity_registry, "binary_sensor", f"{FRONT_YARD}-online")
        == STATE_UNAVAILABLE
    )
    # The next poll waits twice the interval (backoff); one interval is not enough.
    await async_poll(hass, freezer)
    assert (
        _state(hass, entity_registry, "binary_sensor", f"{account}-cloud_reachable")
        == STATE_OFF
    )
    await async_poll(hass, freezer)
    assert (
        _state(hass, entity_registry, "binary_sensor", f"{account}-cloud_reachable")
        == STATE_ON
    )
    assert (
        float(_state(hass, entity_registry, "sensor", f"{account}-cloud_latency")) >= 0
    )
    assert (
        _state(hass, entity_registry, "binary_sensor", f"{FRONT_YARD}-online")
        == STATE_ON
    )


async def test_one_request_per_steady_state_poll(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A steady-state poll costs exactly one Blink request (the homescreen)."""
    sim.requests.reset()
    for _ in range(3):
        await async_poll(hass, freezer)
    assert sum(sim.requests.values()) == 3
    assert dict(sim.requests) == {"GET /api/v3/accounts/{account_id}/homescreen": 3}
    account = str(sim.world.account.account_id)
    assert int(_state(hass, entity_registry, "sensor", f"{account}-api_requests")) >= 3


async def test_tokens_survive_a_restart(
    hass: HomeAssistant, sim: SimServer, init_integration: ConfigEntry
) -> None:
    """Reloading the entry signs in with nothing: the stored tokens are used as they are."""
    sim.requests.reset()
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    counts = dict(sim.requests)
    assert not any(path.startswith(("GET /oauth", "POST /oauth")) for path in counts), (
        counts
    )
    assert counts["GET /api/v3/accounts/{account_id}/homescreen"] == 1


def _device_serials(device_registry: dr.DeviceRegistry, entry: ConfigEntry) -> set[str]:
    """Return the serials (identifiers) of the entry's devices."""
    return {
        value
        for device in dr.async_entries_for_config_entry(device_registry, entry.entry_id)
        for _, value in device.identifiers
    }


async def test_homescreen_without_a_list_keeps_those_devices(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Polls whose homescreen has no owls or doorbells list keep the Mini and the doorbell.

    Published homescreens leave lists out (docs/fidelity.md); a list left out says nothing
    about those devices, so they are neither deleted nor reported as they were.
    """
    front_door = "G8T40000000001"
    sim.world.update_account({"homescreen_omit": ["owls", "doorbells"]})
    for _ in range(
        4
    ):  # past the polls after which a device missing from the account goes
        await async_poll(hass, freezer)
    assert not {"owls", "doorbells"} & set(payloads.homescreen(sim.world))
    assert {HALL_MINI, front_door} <= _device_serials(device_registry, init_integration)
    # Their entities stay, with what their last details said (the homescreen says nothing).
    assert (
        _state(hass, entity_registry, Platform.BINARY_SENSOR, f"{HALL_MINI}-online")
        == STATE_ON
    )
    # A Mini missing from a list that is there is still removed as before.
    sim.world.update_account({"homescreen_omit": []})
    sim.world.remove_device(HALL_MINI)
    for _ in range(3):
        await async_poll(hass, freezer)
    serials = _device_serials(device_registry, init_integration)
    assert HALL_MINI not in serials
    assert front_door in serials
