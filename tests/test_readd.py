"""Re-adding a camera end to end: blinksim plays the person in the Blink app, Home Assistant keeps its side.

The action and the `readd_{serial}` fix flow drive the same procedure (the readd package); every test
goes through Home Assistant's interfaces (actions, the repairs HTTP API, registries, states).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.repairs.websocket_api import RepairsFlowResourceView
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
    label_registry as lr,
)
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)

from blinksim.server import SimServer
from custom_components.blink_health.const import DOMAIN
from custom_components.blink_health.readd import report

from .conftest import async_poll
from .power_helpers import (
    GARAGE_SYNC,
    HALL_MINI,
    HALL_PLUG,
    SimPlug,
    async_advance,
    async_map_plugs,
    async_settle,
)
from .repairs_helpers import (
    device_issue_id,
    process_repair_fix_flow,
    start_repair_fix_flow,
)

FRONT_YARD = "G8T20000000001"  # battery camera on the Home Sync Module (network 2001)
HOME_SYNC = "G8T10000000001"
HOMESCREEN = "GET /api/v3/accounts/{account_id}/homescreen"
CAMERA_CONFIG = "GET /network/{network_id}/camera/{camera_id}/config"
OWL_CONFIG = (
    "GET /api/v1/accounts/{account_id}/networks/{network_id}/owls/{camera_id}/config"
)
READD_POLL = 60  # seconds between polls while a re-add is watched


@pytest.fixture
async def mapped(
    hass: HomeAssistant,
    plugs: tuple[SimPlug, SimPlug],
    init_integration: ConfigEntry,
) -> ConfigEntry:
    """Set Blink Health up with the Hall Mini's plug chosen in the options."""
    await async_map_plugs(hass, init_integration, {HALL_MINI: HALL_PLUG})
    return init_integration


# ----- helpers -------------------------------------------------------------------------------


def _device(hass: HomeAssistant, serial: str) -> dr.DeviceEntry | None:
    """Return the Blink Health device of a serial, if it exists."""
    devices = [
        device
        for device in dr.async_get(hass).devices
        if (DOMAIN, serial) in device.identifiers
    ]
    assert len(devices) <= 1, "duplicate devices"
    return devices[0] if devices else None


def _device_id(hass: HomeAssistant, serial: str) -> str:
    """Return the registry id of a Blink Health device."""
    device = _device(hass, serial)
    assert device is not None
    return device.id


def _call(
    hass: HomeAssistant, serial: str, **data: Any
) -> asyncio.Task[dict[str, Any] | None]:
    """Start the readd_camera action in the background (it waits on polls the test moves)."""
    return asyncio.get_running_loop().create_task(
        hass.services.async_call(
            DOMAIN,
            "readd_camera",
            {"device_id": _device_id(hass, serial), **data},
            blocking=True,
            return_response=True,
        )
    )


async def _readd(hass: HomeAssistant, serial: str, **data: Any) -> dict[str, Any]:
    """Call the action without waiting for the re-add; return its response."""
    response = await hass.services.async_call(
        DOMAIN,
        "readd_camera",
        {"device_id": _device_id(hass, serial), **data},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return dict(response)


async def _poll(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Move time on by one re-add poll interval and let the coordinator poll."""
    await async_poll(hass, freezer, READD_POLL)


def _issue(hass: HomeAssistant, serial: str) -> ir.IssueEntry | None:
    """Return the camera's readd issue, if it exists."""
    return ir.async_get(hass).async_get_issue(
        DOMAIN, device_issue_id(hass, "readd", serial)
    )


def _customise(hass: HomeAssistant, serial: str) -> None:
    """Customise the camera's device and entities the way a user does in Home Assistant."""
    area = ar.async_get(hass).async_get_or_create("Garden")
    label = lr.async_get(hass).async_create("Outdoor")
    device = _device(hass, serial)
    assert device is not None
    dr.async_get(hass).async_update_device(
        device.id,
        name_by_user="Garden camera",
        area_id=area.id,
        labels={label.label_id},
    )
    registry = er.async_get(hass)
    entries = er.async_entries_for_device(
        registry, device.id, include_disabled_entities=True
    )
    online = next(e for e in entries if e.unique_id == f"{serial}-online")
    registry.async_update_entity(
        online.entity_id,
        new_entity_id="binary_sensor.garden_camera_link",
        name="Garden link",
        icon="mdi:eye",
        labels={label.label_id},
    )
    health = next(e for e in entries if e.unique_id == f"{serial}-health")
    registry.async_update_entity(health.entity_id, hidden_by=er.RegistryEntryHider.USER)


def _ha_side(hass: HomeAssistant, serial: str) -> dict[str, Any]:
    """Return what Home Assistant holds of a camera: its device and entities as the user set them."""
    device = _device(hass, serial)
    assert device is not None
    registry = er.async_get(hass)
    entities = {
        entry.unique_id: (
            entry.entity_id,
            entry.name,
            entry.icon,
            entry.disabled_by,
            entry.hidden_by,
            frozenset(entry.labels),
            entry.area_id,
        )
        for entry in er.async_entries_for_device(
            registry, device.id, include_disabled_entities=True
        )
    }
    return {
        "device_id": device.id,
        "name_by_user": device.name_by_user,
        "area_id": device.area_id,
        "labels": frozenset(device.labels),
        "entities": entities,
    }


def _no_orphans(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Every entity of the entry belongs to an existing device of the entry."""
    devices = {
        device.id
        for device in dr.async_entries_for_config_entry(
            dr.async_get(hass), entry.entry_id
        )
    }
    for entity in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id):
        assert entity.device_id in devices, entity.entity_id


def _add_back(sim: SimServer, serial: str = FRONT_YARD, **spec: Any) -> int:
    """Add a camera again as the Blink app does (same serial); return its new camera id."""
    state = sim.world.add_device(
        {
            "serial": serial,
            "type": "catalina",
            "name": "Front Yard",
            "network_id": 2001,
            **spec,
        }
    )
    return int(state["id"])


async def _current(client: TestClient, flow_id: str) -> dict[str, Any]:
    """Return the flow's current step."""
    resp = await client.get(RepairsFlowResourceView.url.format(flow_id=flow_id))
    assert resp.status == 200, await resp.text()
    result: dict[str, Any] = await resp.json()
    return result


async def _choose(client: TestClient, flow_id: str, option: str) -> dict[str, Any]:
    """Pick a menu option."""
    return await process_repair_fix_flow(client, flow_id, {"next_step_id": option})


# ----- the full procedure --------------------------------------------------------------------


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_action_waits_for_the_whole_readd(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """wait: true → removed, reset by hand, added (new id), online: Home Assistant's side survives."""
    entry = init_integration
    coordinator = entry.runtime_data.coordinator
    _customise(hass, FRONT_YARD)
    before = _ha_side(hass, FRONT_YARD)
    old_id = sim.world.devices[FRONT_YARD].id
    task = _call(hass, FRONT_YARD, wait=True)
    await async_settle(hass)
    assert not task.done()
    assert _issue(hass, FRONT_YARD) is not None
    assert FRONT_YARD in coordinator.kept_serials
    # Watched: a poll a minute while the re-add runs (the options' shortest interval).
    assert coordinator.update_interval == timedelta(seconds=READD_POLL)
    sim.requests.reset()

    sim.world.remove_device(FRONT_YARD)
    for _ in range(4):
        await _poll(hass, freezer)
    # Away for four polls: the device and its entities are kept, unavailable.
    assert _ha_side(hass, FRONT_YARD) == before
    assert (
        hass.states.get("binary_sensor.garden_camera_link").state == STATE_UNAVAILABLE
    )

    new_id = _add_back(sim, status="offline", wifi_rssi=-61)
    assert new_id != old_id
    await _poll(hass, freezer)
    assert not task.done()  # back on the account, not online yet
    sim.world.patch_device(FRONT_YARD, {"status": "online"})
    await _poll(hass, freezer)
    assert task.done()
    response = task.result()
    assert response is not None
    assert response["phase"] == "done"
    assert response["next_step"] is None
    # A battery camera: the person takes the batteries out.
    assert response["reset"] == "manual"
    assert response["camera_id"] == {"before": old_id, "after": new_id}
    assert response["sync_module"] == {"before": "Home", "after": "Home"}
    assert response["health"] == {
        "online": True,
        "status": "online",  # Blink says "done": the meaning is passed on
        "wifi_bars": 4,
        "sync_bars": 5,
        "wifi_rssi": -61,
        "camera_id": new_id,
        "sync_module": "Home",
    }
    assert response["removed_at"] < response["added_at"] < response["online_at"]
    assert "binary_sensor.garden_camera_link" in response["entities"]
    assert sorted(response["entities"]) == sorted(
        e[0] for e in before["entities"].values()
    )

    assert _ha_side(hass, FRONT_YARD) == before
    assert hass.states.get("binary_sensor.garden_camera_link").state == STATE_ON
    assert hass.states.get("binary_sensor.garden_camera_link").name == "Garden link"
    # The new camera id is used: its details came from the new id, the old one was never asked.
    assert sim.requests.paths[f"GET /network/2001/camera/{new_id}/config"] == 1
    assert sim.requests.paths[f"GET /network/2001/camera/{old_id}/config"] == 0
    rssi = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{FRONT_YARD}-wifi_rssi"
    )
    assert rssi is not None
    assert hass.states.get(rssi).state == "-61"
    # Nothing beyond the polls and the one details request of the returning camera.
    assert dict(sim.requests) == {HOMESCREEN: 6, CAMERA_CONFIG: 1}
    assert _issue(hass, FRONT_YARD) is None
    assert coordinator.kept_serials == set()
    assert coordinator.update_interval == timedelta(seconds=300)
    _no_orphans(hass, entry)


async def test_repair_flow_with_plug_reset(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    plugs: tuple[SimPlug, SimPlug],
    mapped: ConfigEntry,
    repairs: ClientSessionGenerator,
) -> None:
    """Over the repairs HTTP API: each step shown, the Mini reset through its plug, then back."""
    entry = mapped
    hall, _ = plugs
    before = _ha_side(hass, HALL_MINI)
    old_id = sim.world.devices[HALL_MINI].id
    sim.requests.reset()
    response = await _readd(hass, HALL_MINI)
    assert response["phase"] == "remove"
    assert response["next_step"] == "remove_in_app"
    issue = _issue(hass, HALL_MINI)
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_placeholders == {"device": "Hall Mini"}

    client = await repairs()
    result = await start_repair_fix_flow(
        client, DOMAIN, device_issue_id(hass, "readd", HALL_MINI)
    )
    assert result["type"] == "menu"
    assert result["menu_options"] == ["readd_watch", "readd_cancel"]
    flow_id = result["flow_id"]
    result = await _choose(client, flow_id, "readd_watch")
    assert result["type"] == "progress"
    assert result["progress_action"] == "readd_remove"
    assert result["description_placeholders"]["interval"] == "1"

    sim.world.remove_device(HALL_MINI)
    hall.calls.clear()
    await _poll(hass, freezer)
    result = await _current(client, flow_id)
    assert result["progress_action"] == "readd_reset"
    assert result["description_placeholders"]["plug"] == HALL_PLUG
    assert hass.states.get(HALL_PLUG).state == STATE_OFF
    await async_advance(hass, freezer, 15)
    assert hall.calls == [False, True]  # off, 10 s, on: Blink's reset
    assert hass.states.get(HALL_PLUG).state == STATE_ON
    result = await _current(client, flow_id)
    assert result["progress_action"] == "readd_add"
    assert result["description_placeholders"]["serial"] == HALL_MINI

    state = sim.world.add_device(
        {"serial": HALL_MINI, "type": "owl", "name": "Hall Mini", "network_id": 2001}
    )
    new_id = state["id"]
    await _poll(hass, freezer)
    client = await repairs()
    result = await _current(client, flow_id)
    assert result["type"] == "form"
    assert result["step_id"] == "readd_done"
    placeholders = result["description_placeholders"]
    # Blink's internal camera id is no word for a user (issue 19).
    assert "camera_id" not in placeholders
    assert placeholders["wifi"] == "4"
    assert placeholders["sync"] == "–"  # a Mini has no Sync Module link
    assert placeholders["entities"] == str(len(before["entities"]))
    result = await process_repair_fix_flow(client, flow_id, {})
    assert result["type"] == "create_entry"
    assert _issue(hass, HALL_MINI) is None

    assert _ha_side(hass, HALL_MINI) == before
    assert entry.options["plugs"] == {HALL_MINI: HALL_PLUG}
    assert hass.states.get("button.hall_mini_power_cycle") is not None
    assert (
        sim.requests.paths[
            f"GET /api/v1/accounts/1001/networks/2001/owls/{new_id}/config"
        ]
        == 1
    )
    assert (
        sim.requests.paths[
            f"GET /api/v1/accounts/1001/networks/2001/owls/{old_id}/config"
        ]
        == 0
    )


async def test_plug_mapping_dropped_meanwhile_is_restored(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    plugs: tuple[SimPlug, SimPlug],
    mapped: ConfigEntry,
) -> None:
    """A plug kept over the options page while the Mini is away, and put back if lost.

    The page does not offer a device that is away, and keeps its plug. A plug lost otherwise
    (the options changed by anything else) is restored when the Mini returns. Saving the options also reloads the entry: the re-add resumes from its stored state.
    """
    entry = mapped
    await _readd(hass, HALL_MINI)
    sim.world.remove_device(HALL_MINI)
    await _poll(hass, freezer)
    await async_advance(hass, freezer, 15)  # the plug's reset
    await async_map_plugs(hass, entry, {GARAGE_SYNC: "switch.garage_plug"})
    assert entry.options["plugs"][HALL_MINI] == HALL_PLUG
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, "plugs": {GARAGE_SYNC: "switch.garage_plug"}}
    )
    assert _issue(hass, HALL_MINI) is not None
    sim.world.add_device(
        {"serial": HALL_MINI, "type": "owl", "name": "Hall Mini", "network_id": 2001}
    )
    await _poll(hass, freezer)
    assert _issue(hass, HALL_MINI) is None
    assert entry.options["plugs"] == {
        GARAGE_SYNC: "switch.garage_plug",
        HALL_MINI: HALL_PLUG,
    }


async def test_restart_between_removed_and_added(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    repairs: ClientSessionGenerator,
) -> None:
    """Home Assistant restarts (the entry reloads) while the camera is away: the re-add resumes."""
    entry = init_integration
    _customise(hass, FRONT_YARD)
    before = _ha_side(hass, FRONT_YARD)
    await _readd(hass, FRONT_YARD)
    sim.world.remove_device(FRONT_YARD)
    await _poll(hass, freezer)
    key = f"{DOMAIN}.readd.{entry.unique_id}"
    stored = hass_storage[key]["data"]["procedures"][FRONT_YARD]
    assert stored["phase"] == "add"
    assert stored["removed_at"] is not None

    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    coordinator = entry.runtime_data.coordinator
    assert FRONT_YARD in coordinator.kept_serials
    assert coordinator.update_interval == timedelta(seconds=READD_POLL)
    assert _issue(hass, FRONT_YARD) is not None
    for _ in range(3):
        await _poll(hass, freezer)
    assert _ha_side(hass, FRONT_YARD) == before  # still kept, though away for 4 polls

    client = await repairs()
    result = await start_repair_fix_flow(
        client, DOMAIN, device_issue_id(hass, "readd", FRONT_YARD)
    )
    flow_id = result["flow_id"]
    result = await _choose(client, flow_id, "readd_watch")
    # A battery camera, reset by the person: take the batteries out, then add it.
    assert result["progress_action"] == "readd_add_batteries"
    _add_back(sim)
    await _poll(hass, freezer)
    result = await _current(client, flow_id)
    assert result["step_id"] == "readd_done"
    result = await process_repair_fix_flow(client, flow_id, {})
    assert result["type"] == "create_entry"
    assert _ha_side(hass, FRONT_YARD) == before
    assert hass_storage[key]["data"]["procedures"] == {}
    assert entry.runtime_data.coordinator.kept_serials == set()


async def test_stored_readd_resumes_at_setup(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Set up from the stored state alone (a cold start): back while Home Assistant was down."""
    entry = init_integration
    before = _ha_side(hass, FRONT_YARD)
    await _readd(hass, FRONT_YARD)
    sim.world.remove_device(FRONT_YARD)
    await _poll(hass, freezer)
    assert await hass.config_entries.async_unload(entry.entry_id)
    key = f"{DOMAIN}.readd.{entry.unique_id}"
    assert hass_storage[key]["data"]["procedures"][FRONT_YARD]["phase"] == "add"
    # While Home Assistant is down, the person adds the camera again; it comes up online.
    new_id = _add_back(sim)
    freezer.tick(timedelta(minutes=20))
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    # The first poll sees it back: done at once, rebound to its own device.
    assert _issue(hass, FRONT_YARD) is None
    assert hass_storage[key]["data"]["procedures"] == {}
    assert _ha_side(hass, FRONT_YARD) == before
    assert entry.runtime_data.coordinator.data.cameras[FRONT_YARD].id == new_id


async def test_stored_reset_interrupted_asks_the_person(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    plugs: tuple[SimPlug, SimPlug],
    mapped: ConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Unloaded while its plug cycles: the plug goes back on; after setup the person resets it."""
    entry = mapped
    await _readd(hass, HALL_MINI)
    sim.world.remove_device(HALL_MINI)
    await _poll(hass, freezer)
    assert hass.states.get(HALL_PLUG).state == STATE_OFF
    assert await hass.config_entries.async_reload(entry.entry_id)
    await async_settle(hass)
    assert hass.states.get(HALL_PLUG).state == STATE_ON  # never left off
    procedure = entry.runtime_data.readd.get(HALL_MINI)
    assert procedure is not None
    assert report(procedure)["phase"] == "add"
    assert report(procedure)["reset"] == "manual"
    assert report(procedure)["next_step"] == "add_in_app"


async def test_timeout_then_stop(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    repairs: ClientSessionGenerator,
) -> None:
    """Nothing done in the app: the timeout ends the re-add with what was seen and what to do."""
    coordinator = init_integration.runtime_data.coordinator
    task = _call(hass, FRONT_YARD, wait=True, timeout=5)
    await async_settle(hass)
    for _ in range(5):
        await _poll(hass, freezer)
    assert task.done()
    response = task.result()
    assert response is not None
    assert response["phase"] == "timeout"
    assert response["ended_in"] == "remove"
    assert response["next_step"] == "remove_in_app"
    assert response["removed_at"] is None
    assert response["health"] is None
    assert coordinator.kept_serials == set()
    assert coordinator.update_interval == timedelta(seconds=300)
    # The issue stays, to say what happened.
    assert _issue(hass, FRONT_YARD) is not None
    client = await repairs()
    result = await start_repair_fix_flow(
        client, DOMAIN, device_issue_id(hass, "readd", FRONT_YARD)
    )
    assert result["step_id"] == "readd_timeout_remove"
    assert result["menu_options"] == ["readd_restart", "readd_stop"]
    assert result["description_placeholders"]["minutes"] == "5"
    result = await _choose(client, result["flow_id"], "readd_stop")
    assert result["type"] == "abort"
    assert result["reason"] == "readd_stopped"
    assert _issue(hass, FRONT_YARD) is None


async def test_timeout_while_away_then_watch_again(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    repairs: ClientSessionGenerator,
) -> None:
    """Timed out while away, the device goes as stale; watching again brings it all back."""
    entry = init_integration
    _customise(hass, FRONT_YARD)
    before = _ha_side(hass, FRONT_YARD)
    # By the device id the re-add began with: it stays while the device is gone.
    issue_id = device_issue_id(hass, "readd", FRONT_YARD)
    await _readd(hass, FRONT_YARD, timeout=5)
    sim.world.remove_device(FRONT_YARD)
    for _ in range(5):
        await _poll(hass, freezer)
    procedure = entry.runtime_data.readd.get(FRONT_YARD)
    assert procedure is not None
    assert report(procedure)["ended_in"] == "add"
    # No longer kept: two more polls without it and its device is removed as stale.
    for _ in range(2):
        await async_poll(hass, freezer)
    assert _device(hass, FRONT_YARD) is None

    client = await repairs()
    result = await start_repair_fix_flow(client, DOMAIN, issue_id)
    assert result["step_id"] == "readd_timeout_add"
    flow_id = result["flow_id"]
    result = await _choose(client, flow_id, "readd_restart")
    assert result["type"] == "progress"
    assert result["progress_action"] == "readd_add_batteries"
    _add_back(sim)
    await _poll(hass, freezer)
    result = await _current(client, flow_id)
    assert result["step_id"] == "readd_done"
    # Home Assistant gave the device back its id; the re-add restored the rest.
    assert _ha_side(hass, FRONT_YARD) == before
    _no_orphans(hass, entry)


async def test_timeout_waiting_for_online(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    repairs: ClientSessionGenerator,
) -> None:
    """Back on the account but never online: the timeout says to check power and Wi-Fi."""
    await _readd(hass, FRONT_YARD, timeout=5)
    sim.world.remove_device(FRONT_YARD)
    await _poll(hass, freezer)
    _add_back(sim, status="offline")
    await _poll(hass, freezer)
    client = await repairs()
    result = await start_repair_fix_flow(
        client, DOMAIN, device_issue_id(hass, "readd", FRONT_YARD)
    )
    flow_id = result["flow_id"]
    result = await _choose(client, flow_id, "readd_watch")
    assert result["progress_action"] == "readd_online"
    assert "camera_id" not in result["description_placeholders"]
    assert result["description_placeholders"]["sync_module"] == "Home"
    for _ in range(4):
        await _poll(hass, freezer)
    result = await _current(client, flow_id)
    assert result["step_id"] == "readd_timeout_online"
    procedure = init_integration.runtime_data.readd.get(FRONT_YARD)
    assert procedure is not None
    assert report(procedure)["next_step"] == "check_power_and_wifi"
    # Unloaded meanwhile: the menu's choices say the account is not loaded.
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    result = await _choose(client, flow_id, "readd_stop")
    assert result["type"] == "abort"
    assert result["reason"] == "entry_not_loaded"


async def test_back_on_another_sync_module(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Added again to the Garage Sync Module: the same device, now under the Garage."""
    before = _ha_side(hass, FRONT_YARD)
    device = _device(hass, FRONT_YARD)
    assert device is not None
    assert device.via_device_id == _device_id(hass, HOME_SYNC)
    task = _call(hass, FRONT_YARD, wait=True)
    await async_settle(hass)
    sim.world.remove_device(FRONT_YARD)
    await _poll(hass, freezer)
    new_id = _add_back(sim, sync_module=GARAGE_SYNC, network_id=None)
    await _poll(hass, freezer)
    response = task.result()
    assert response is not None
    assert response["sync_module"] == {"before": "Home", "after": "Garage"}
    assert response["health"]["sync_module"] == "Garage"
    device = _device(hass, FRONT_YARD)
    assert device is not None
    assert device.via_device_id == _device_id(hass, GARAGE_SYNC)
    assert _ha_side(hass, FRONT_YARD) == before
    # Its details are asked for on its new network, under its new id.
    assert sim.requests.paths[f"GET /network/2002/camera/{new_id}/config"] == 1


async def test_renamed_in_the_app_keeps_its_home_assistant_name(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Added again under another name in the Blink app: Home Assistant goes on showing the old one."""
    await _readd(hass, FRONT_YARD)
    sim.world.remove_device(FRONT_YARD)
    await _poll(hass, freezer)
    _add_back(sim, name="Front Yard 2")
    await _poll(hass, freezer)
    device = _device(hass, FRONT_YARD)
    assert device is not None
    assert device.name == "Front Yard 2"
    assert device.name_by_user == "Front Yard"
    assert (
        hass.states.get("binary_sensor.front_yard_online").name == "Front Yard Online"
    )


async def test_added_again_between_two_polls(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Removed and added within one poll: the new camera id shows it was re-added."""
    task = _call(hass, FRONT_YARD, wait=True)
    await async_settle(hass)
    sim.world.remove_device(FRONT_YARD)
    new_id = _add_back(sim, status="offline")
    await _poll(hass, freezer)
    assert not task.done()
    sim.world.remove_device(FRONT_YARD)  # removed once more before it came online
    await _poll(hass, freezer)
    newer_id = _add_back(sim)
    await _poll(hass, freezer)
    response = task.result()
    assert response is not None
    assert response["phase"] == "done"
    assert response["removed_at"] is not None
    assert response["camera_id"]["after"] == newer_id != new_id
    # Never seen reset: it came back before a poll saw it go.
    assert response["reset"] is None


async def test_reset_refused_leaves_it_to_the_person(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    plugs: tuple[SimPlug, SimPlug],
    mapped: ConfigEntry,
    repairs: ClientSessionGenerator,
) -> None:
    """The plug is unavailable: the person is asked to unplug the Mini, with the reason kept."""
    await _readd(hass, HALL_MINI)
    hass.states.async_set(HALL_PLUG, STATE_UNAVAILABLE)
    sim.world.remove_device(HALL_MINI)
    await _poll(hass, freezer)
    await async_settle(hass)
    procedure = mapped.runtime_data.readd.get(HALL_MINI)
    assert procedure is not None
    seen = report(procedure)
    assert seen["phase"] == "add"
    assert seen["reset"] == "manual"
    assert HALL_PLUG in seen["reset_error"]
    client = await repairs()
    result = await start_repair_fix_flow(
        client, DOMAIN, device_issue_id(hass, "readd", HALL_MINI)
    )
    result = await _choose(client, result["flow_id"], "readd_watch")
    assert result["progress_action"] == "readd_add_unplug"


async def test_cancel_from_the_flow(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    repairs: ClientSessionGenerator,
) -> None:
    """Stopping the re-add: nothing is kept for it any more, the issue goes, a waiter is told."""
    coordinator = init_integration.runtime_data.coordinator
    task = _call(hass, FRONT_YARD, wait=True)
    await async_settle(hass)
    client = await repairs()
    result = await start_repair_fix_flow(
        client, DOMAIN, device_issue_id(hass, "readd", FRONT_YARD)
    )
    result = await _choose(client, result["flow_id"], "readd_cancel")
    assert result["type"] == "abort"
    assert result["reason"] == "readd_cancelled"
    await async_settle(hass)
    response = task.result()
    assert response is not None
    assert response["phase"] == "cancelled"
    assert response["ended_in"] == "remove"
    assert _issue(hass, FRONT_YARD) is None
    assert coordinator.kept_serials == set()
    assert coordinator.update_interval == timedelta(seconds=300)


async def test_action_refusals_and_joining(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A Sync Module or a camera not on the account is refused; a second call joins the first."""
    with pytest.raises(ServiceValidationError) as err:
        await _readd(hass, HOME_SYNC)
    assert err.value.translation_key == "readd_not_a_camera"
    sim.world.remove_device(FRONT_YARD)
    await async_poll(hass, freezer)
    with pytest.raises(ServiceValidationError) as err:
        await _readd(hass, FRONT_YARD)
    assert err.value.translation_key == "device_not_on_account"
    assert _issue(hass, FRONT_YARD) is None

    first = await _readd(hass, HALL_MINI)
    second = await _readd(hass, HALL_MINI, timeout=120)
    assert second["started"] == first["started"]
    assert second["deadline"] == first["deadline"]


async def test_unload_while_waiting(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    repairs: ClientSessionGenerator,
) -> None:
    """An unload ends the action's wait with an error and the open flow; the re-add is stored."""
    task = _call(hass, FRONT_YARD, wait=True)
    await async_settle(hass)
    client = await repairs()
    result = await start_repair_fix_flow(
        client, DOMAIN, device_issue_id(hass, "readd", FRONT_YARD)
    )
    flow_id = result["flow_id"]
    result = await _choose(client, flow_id, "readd_watch")
    assert result["type"] == "progress"
    menu = await start_repair_fix_flow(
        client, DOMAIN, device_issue_id(hass, "readd", FRONT_YARD)
    )
    troubleshooter = await _troubleshooter_at_readd(hass, client, HALL_MINI)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await async_settle(hass)
    with pytest.raises(HomeAssistantError) as err:
        task.result()
    assert err.value.translation_key == "readd_interrupted"
    result = await _current(client, flow_id)
    assert result["type"] == "abort"
    assert result["reason"] == "entry_not_loaded"
    result = await _choose(client, menu["flow_id"], "readd_cancel")
    assert result["type"] == "abort"
    assert result["reason"] == "entry_not_loaded"
    result = await _choose(client, troubleshooter["flow_id"], "readd_start")
    assert result["type"] == "abort"
    assert result["reason"] == "entry_not_loaded"
    # Withdrawn while nobody watches; back at the next setup.
    assert _issue(hass, FRONT_YARD) is None


# ----- re-added outside Home Assistant (no procedure running) ---------------------------------


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_readded_outside_within_a_poll(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Removed and added in the app between two polls: same device, details under the new id."""
    _customise(hass, FRONT_YARD)
    before = _ha_side(hass, FRONT_YARD)
    sim.requests.reset()
    sim.world.remove_device(FRONT_YARD)
    new_id = _add_back(sim, wifi_rssi=-70)
    await async_poll(hass, freezer)
    assert _ha_side(hass, FRONT_YARD) == before
    assert sim.requests.paths[f"GET /network/2001/camera/{new_id}/config"] == 1
    rssi = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{FRONT_YARD}-wifi_rssi"
    )
    assert rssi is not None
    assert hass.states.get(rssi).state == "-70"
    # One refetch for the new id, not one per poll.
    await async_poll(hass, freezer)
    assert dict(sim.requests) == {HOMESCREEN: 2, CAMERA_CONFIG: 1}
    _no_orphans(hass, init_integration)


async def test_readded_outside_after_a_long_absence(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Away long enough to be removed as stale: back with the same device id and entity ids."""
    entry = init_integration
    _customise(hass, FRONT_YARD)
    before = _ha_side(hass, FRONT_YARD)
    sim.world.remove_device(FRONT_YARD)
    for _ in range(3):
        await async_poll(hass, freezer)
    assert _device(hass, FRONT_YARD) is None
    _no_orphans(hass, entry)
    _add_back(sim)
    await async_poll(hass, freezer)
    # Home Assistant's registries restore what they removed: no duplicate, nothing orphaned.
    assert _ha_side(hass, FRONT_YARD) == before
    assert hass.states.get("binary_sensor.garden_camera_link").state == STATE_ON
    _no_orphans(hass, entry)


# ----- the troubleshooter hands over -----------------------------------------------------------


async def _troubleshooter_at_readd(
    hass: HomeAssistant, client: TestClient, serial: str
) -> dict[str, Any]:
    """Open the troubleshooter for a camera and go on to step 6; return that step."""
    response = await hass.services.async_call(
        DOMAIN,
        "diagnose",
        {"device_id": _device_id(hass, serial), "open_troubleshooter": True},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    result = await start_repair_fix_flow(
        client, DOMAIN, str(response["troubleshooter_issue_id"])
    )
    while result["step_id"] != "readd":
        result = await _choose(client, result["flow_id"], "next")
    return result


async def test_troubleshooter_hands_over_to_the_readd(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    repairs: ClientSessionGenerator,
) -> None:
    """Step 6 of the troubleshooter runs the guided re-add, then comes back to step 6."""
    before = _ha_side(hass, FRONT_YARD)
    client = await repairs()
    result = await _troubleshooter_at_readd(hass, client, FRONT_YARD)
    assert result["menu_options"] == ["readd_start", "solved", "next"]
    flow_id = result["flow_id"]
    result = await _choose(client, flow_id, "readd_start")
    assert result["type"] == "progress"
    assert result["progress_action"] == "readd_remove"
    # The same procedure as the action's: its issue is there to come back to.
    assert _issue(hass, FRONT_YARD) is not None
    sim.world.remove_device(FRONT_YARD)
    await _poll(hass, freezer)
    result = await _current(client, flow_id)
    assert result["progress_action"] == "readd_add_batteries"
    _add_back(sim)
    await _poll(hass, freezer)
    result = await _current(client, flow_id)
    assert result["step_id"] == "readd_done"
    result = await process_repair_fix_flow(client, flow_id, {})
    assert result["type"] == "menu"
    assert result["step_id"] == "readd"
    result = await _choose(client, flow_id, "solved")
    assert result["type"] == "create_entry"
    assert _issue(hass, FRONT_YARD) is None
    assert _ha_side(hass, FRONT_YARD) == before


async def test_troubleshooter_readd_refused_cancelled_and_given_up(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    repairs: ClientSessionGenerator,
) -> None:
    """Stopped from its own issue, timed out and given up, or refused for a camera that left."""
    client = await repairs()
    result = await _troubleshooter_at_readd(hass, client, FRONT_YARD)
    flow_id = result["flow_id"]
    result = await _choose(client, flow_id, "readd_start")
    assert result["type"] == "progress"
    # Stopped from the readd issue's own flow: the troubleshooter's progress says so.
    other = await start_repair_fix_flow(
        client, DOMAIN, device_issue_id(hass, "readd", FRONT_YARD)
    )
    await _choose(client, other["flow_id"], "readd_cancel")
    await async_settle(hass)
    result = await _current(client, flow_id)
    assert result["type"] == "abort"
    assert result["reason"] == "readd_cancelled"

    result = await _troubleshooter_at_readd(hass, client, FRONT_YARD)
    flow_id = result["flow_id"]
    await _readd(hass, FRONT_YARD, timeout=5)
    result = await _choose(client, flow_id, "readd_start")  # joins the action's
    assert result["type"] == "progress"
    for _ in range(5):
        await _poll(hass, freezer)  # and nothing is done in the app
    result = await _current(client, flow_id)
    assert result["step_id"] == "readd_timeout_remove"
    result = await _choose(client, flow_id, "readd_stop")
    assert result["type"] == "menu"
    assert result["step_id"] == "readd"
    assert _issue(hass, FRONT_YARD) is None

    sim.world.remove_device(FRONT_YARD)
    await async_poll(hass, freezer)
    client = await repairs()
    result = await _choose(client, flow_id, "readd_start")
    assert result["type"] == "abort"
    assert result["reason"] == "readd_refused"
    # Named as the user knows it, never by its serial (issue 19).
    assert "Front Yard" in result["description_placeholders"]["error"]
    assert FRONT_YARD not in result["description_placeholders"]["error"]


async def test_issue_without_its_stored_readd(
    hass: HomeAssistant, init_integration: ConfigEntry, repairs: ClientSessionGenerator
) -> None:
    """A readd issue whose re-add is gone (its storage lost): the flow says none is running."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        device_issue_id(hass, "readd", FRONT_YARD),
        data={
            "entry_id": init_integration.entry_id,
            "device_id": device_issue_id(hass, "readd", FRONT_YARD).removeprefix(
                "readd_"
            ),
        },
        is_fixable=True,
        severity=ir.IssueSeverity.WARNING,
        translation_key="readd",
        translation_placeholders={"device": "Front Yard"},
    )
    client = await repairs()
    result = await start_repair_fix_flow(
        client, DOMAIN, device_issue_id(hass, "readd", FRONT_YARD)
    )
    assert result["type"] == "abort"
    assert result["reason"] == "readd_not_running"


async def test_changes_while_away_are_put_back(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """What changed on the Home Assistant side while the camera was away is restored from the snapshot."""
    _customise(hass, FRONT_YARD)
    before = _ha_side(hass, FRONT_YARD)
    await _readd(hass, FRONT_YARD)
    sim.world.remove_device(FRONT_YARD)
    await _poll(hass, freezer)
    # Away: its area and labels cleared, an entity renamed, disabled, unhidden, relabelled.
    device = _device(hass, FRONT_YARD)
    assert device is not None
    dr.async_get(hass).async_update_device(device.id, area_id=None, labels=set())
    registry = er.async_get(hass)
    registry.async_update_entity(
        "binary_sensor.garden_camera_link",
        new_entity_id="binary_sensor.front_yard_online_old",
        name=None,
        icon=None,
        labels=set(),
        disabled_by=er.RegistryEntryDisabler.USER,
    )
    health = registry.async_get_entity_id("sensor", DOMAIN, f"{FRONT_YARD}-health")
    assert health is not None
    registry.async_update_entity(health, hidden_by=None)
    assert _ha_side(hass, FRONT_YARD) != before
    _add_back(sim)
    await _poll(hass, freezer)
    assert _ha_side(hass, FRONT_YARD) == before


async def test_stored_readd_past_its_deadline_and_unreadable_records(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Down past the deadline: the first poll ends the re-add. Unreadable records are skipped."""
    entry = init_integration
    await _readd(hass, FRONT_YARD, timeout=5)
    sim.world.remove_device(FRONT_YARD)
    await _poll(hass, freezer)
    assert await hass.config_entries.async_unload(entry.entry_id)
    key = f"{DOMAIN}.readd.{entry.unique_id}"
    procedures = hass_storage[key]["data"]["procedures"]
    procedures["G8T29999999998"] = {"serial": "G8T29999999998"}
    procedures["G8T29999999999"] = {
        **procedures[FRONT_YARD],
        "serial": "G8T29999999999",
        "started": "not a time",
    }
    freezer.tick(timedelta(hours=2))
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    procedure = entry.runtime_data.readd.get(FRONT_YARD)
    assert procedure is not None
    assert report(procedure)["phase"] == "timeout"
    assert report(procedure)["ended_in"] == "add"
    assert entry.runtime_data.readd.get("G8T29999999999") is None
    assert "A stored camera re-add could not be read" in caplog.text
    assert _issue(hass, FRONT_YARD) is not None  # the timeout is explained


async def test_closing_the_flow_or_the_wait_leaves_the_readd_running(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    repairs: ClientSessionGenerator,
) -> None:
    """The dialog closed, the action's caller gone: the re-add goes on and still completes."""
    task = _call(hass, FRONT_YARD, wait=True)
    await async_settle(hass)
    client = await repairs()
    result = await start_repair_fix_flow(
        client, DOMAIN, device_issue_id(hass, "readd", FRONT_YARD)
    )
    result = await _choose(client, result["flow_id"], "readd_watch")
    assert result["type"] == "progress"
    resp = await client.delete(
        RepairsFlowResourceView.url.format(flow_id=result["flow_id"])
    )
    assert resp.status == 200
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    sim.world.remove_device(FRONT_YARD)
    await _poll(hass, freezer)
    _add_back(sim)
    await _poll(hass, freezer)
    procedure = init_integration.runtime_data.readd.get(FRONT_YARD)
    assert procedure is not None
    assert report(procedure)["phase"] == "done"


async def test_removing_the_entry_removes_its_stored_readds(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Deleting the Blink Health entry deletes its stored re-adds with it."""
    await _readd(hass, FRONT_YARD)
    key = f"{DOMAIN}.readd.{init_integration.unique_id}"
    assert FRONT_YARD in hass_storage[key]["data"]["procedures"]
    assert await hass.config_entries.async_remove(init_integration.entry_id)
    await hass.async_block_till_done()
    assert key not in hass_storage


async def test_device_of_a_camera_being_readded_cannot_be_deleted(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """Away from the account during its re-add, the camera's device cannot be deleted by hand."""
    assert await async_setup_component(hass, "config", {})
    client = await hass_ws_client(hass)

    async def remove(device_id: str) -> bool:
        """Ask Home Assistant to delete the device from the entry; return whether it did."""
        await client.send_json_auto_id(
            {
                "type": "config/device_registry/remove_config_entry",
                "config_entry_id": init_integration.entry_id,
                "device_id": device_id,
            }
        )
        response = await client.receive_json()
        return bool(response["success"])

    device_id = _device_id(hass, FRONT_YARD)
    await _readd(hass, FRONT_YARD)
    sim.world.remove_device(FRONT_YARD)
    await _poll(hass, freezer)
    assert not await remove(device_id)
    await init_integration.runtime_data.readd.async_cancel(FRONT_YARD)
    assert await remove(device_id)  # no re-add: a device gone from the account may go
