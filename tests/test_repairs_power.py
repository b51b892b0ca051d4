"""Fix flows that restart a device through its smart plug, over the repairs HTTP API."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.repairs.websocket_api import RepairsFlowResourceView
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from blinksim.server import SimServer
from custom_components.blink_health.const import DOMAIN
from custom_components.blink_health.governor import COALESCE_SECONDS

from .conftest import async_poll
from .power_helpers import (
    HALL_MINI,
    HALL_PLUG,
    SimPlug,
    async_advance,
    async_map_plugs,
    async_settle,
    power_issue_id,
)
from .repairs_helpers import (
    device_issue_id,
    process_repair_fix_flow,
    start_repair_fix_flow,
)

HALL_MINI_ONLINE = "binary_sensor.hall_mini_online"


def _issue(hass: HomeAssistant, issue_id: str) -> ir.IssueEntry | None:
    """Return an issue of the domain, if it exists."""
    return ir.async_get(hass).async_get_issue(DOMAIN, issue_id)


async def _choose(client: TestClient, flow_id: str, option: str) -> dict[str, Any]:
    """Pick a menu option."""
    return await process_repair_fix_flow(client, flow_id, {"next_step_id": option})


async def _current(client: TestClient, flow_id: str) -> dict[str, Any]:
    """Return the flow's current step (after a progress step ended)."""
    resp = await client.get(RepairsFlowResourceView.url.format(flow_id=flow_id))
    assert resp.status == HTTPStatus.OK, await resp.text()
    result: dict[str, Any] = await resp.json()
    return result


async def _hall_mini_fails(
    hass: HomeAssistant, sim: SimServer, freezer: FrozenDateTimeFactory
) -> None:
    """Make the Hall Mini drop offline (a hung device) until its offline issue shows."""
    sim.world.patch_device(HALL_MINI, {"status": "offline"})
    # The offline grace period for a mains device is 10 minutes: three polls.
    for _ in range(3):
        await async_poll(hass, freezer)
    assert hass.states.get(HALL_MINI_ONLINE).state == STATE_OFF
    assert _issue(hass, device_issue_id(hass, "camera_offline", HALL_MINI)) is not None


async def _recover_on_power_cycle(sim: SimServer, plug: SimPlug) -> None:
    """Make the Mini's fault one that a power cycle cures: it comes back once its plug is off."""

    def _cured() -> None:
        """Clear the fault as the power goes: the next boot brings the Mini back."""
        sim.world.patch_device(HALL_MINI, {"status": "online"})

    plug.on_turn_off = _cured


async def test_offline_pick_plug_then_power_cycle(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    plugs: tuple[SimPlug, SimPlug],
    init_integration: ConfigEntry,
    repairs: ClientSessionGenerator,
) -> None:
    """No plug mapped: the flow asks for it, saves it, power-cycles and finishes once online."""
    hall, _ = plugs
    await _hall_mini_fails(hass, sim, freezer)
    await _recover_on_power_cycle(sim, hall)
    client = await repairs()
    result = await start_repair_fix_flow(
        client, DOMAIN, device_issue_id(hass, "camera_offline", HALL_MINI)
    )
    assert result["menu_options"] == ["pick_plug", "restarted", "ignore"]
    flow_id = result["flow_id"]
    result = await _choose(client, flow_id, "pick_plug")
    assert result["type"] == "form"
    assert result["step_id"] == "pick_plug"
    result = await process_repair_fix_flow(client, flow_id, {"plug": HALL_PLUG})
    assert result["type"] == "progress"
    assert result["progress_action"] == "power_cycle"
    assert init_integration.options["plugs"] == {HALL_MINI: HALL_PLUG}
    await async_settle(hass)
    assert hass.states.get(HALL_PLUG).state == STATE_OFF
    # 10 s off, then the Mini boots (30 s) while fast polls watch for it.
    await async_advance(hass, freezer, 75)
    result = await _current(client, flow_id)
    assert result["type"] == "create_entry"
    assert hall.calls == [False, True]
    assert hass.states.get(HALL_PLUG).state == STATE_ON
    assert hass.states.get(HALL_MINI_ONLINE).state == STATE_ON
    assert _issue(hass, device_issue_id(hass, "camera_offline", HALL_MINI)) is None


async def test_offline_power_cycle_device_stays_offline(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    plugs: tuple[SimPlug, SimPlug],
    init_integration: ConfigEntry,
    repairs: ClientSessionGenerator,
) -> None:
    """A power cycle that does not bring the device back is explained; the choices stay."""
    await async_map_plugs(hass, init_integration, {HALL_MINI: HALL_PLUG})
    await _hall_mini_fails(hass, sim, freezer)
    client = await repairs()
    result = await start_repair_fix_flow(
        client, DOMAIN, device_issue_id(hass, "camera_offline", HALL_MINI)
    )
    assert result["menu_options"] == ["power_cycle", "restarted", "ignore"]
    flow_id = result["flow_id"]
    result = await _choose(client, flow_id, "power_cycle")
    assert result["type"] == "progress"
    # The fast polls give up after the action's default of 10 minutes.
    await async_advance(hass, freezer, 650, step=15)
    result = await _current(client, flow_id)
    assert result["type"] == "menu"
    assert result["step_id"] == "still_offline"
    assert result["menu_options"] == ["power_cycle", "restarted", "ignore"]
    # Plain words, not Blink's status word (issue 19).
    assert "status" not in result["description_placeholders"]
    assert hass.states.get(HALL_PLUG).state == STATE_ON
    # Fixed by hand after all: "check again" from the explanation finishes the flow.
    sim.world.patch_device(HALL_MINI, {"status": "online"})
    freezer.tick(COALESCE_SECONDS)  # past the answer just fetched (issue 17)
    result = await _choose(client, flow_id, "restarted")
    assert result["type"] == "create_entry"
    assert _issue(hass, device_issue_id(hass, "camera_offline", HALL_MINI)) is None


async def test_offline_power_cycle_plug_stuck_off(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    plugs: tuple[SimPlug, SimPlug],
    init_integration: ConfigEntry,
    repairs: ClientSessionGenerator,
) -> None:
    """A plug that will not switch back on: the flow explains; the critical issue is raised."""
    hall, _ = plugs
    await async_map_plugs(hass, init_integration, {HALL_MINI: HALL_PLUG})
    await _hall_mini_fails(hass, sim, freezer)
    hall.refuse_on = True
    client = await repairs()
    result = await start_repair_fix_flow(
        client, DOMAIN, device_issue_id(hass, "camera_offline", HALL_MINI)
    )
    flow_id = result["flow_id"]
    result = await _choose(client, flow_id, "power_cycle")
    assert result["type"] == "progress"
    await async_advance(hass, freezer, 120)
    result = await _current(client, flow_id)
    assert result["step_id"] == "power_cycle_failed"
    assert HALL_PLUG in result["description_placeholders"]["error"]
    assert _issue(hass, power_issue_id(hass, HALL_MINI)) is not None
    result = await process_repair_fix_flow(client, flow_id, {})
    assert result["step_id"] == "init"


async def _open_troubleshooter(
    hass: HomeAssistant, entry: ConfigEntry, serial: str
) -> str:
    """Open the troubleshooter through the diagnose action; return the issue id."""
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, serial), entry.entry_id
    ) or dr.async_get(hass).async_get_child_device_by_identifier(
        (DOMAIN, serial), entry.entry_id
    )
    assert device is not None
    response = await hass.services.async_call(
        DOMAIN,
        "diagnose",
        {"device_id": device.id, "open_troubleshooter": True},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return str(response["troubleshooter_issue_id"])


async def test_troubleshooter_restart_step_power_cycles(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    plugs: tuple[SimPlug, SimPlug],
    init_integration: ConfigEntry,
    repairs: ClientSessionGenerator,
) -> None:
    """The restart step of a Mini with a plug power-cycles it and shows the re-check."""
    hall, _ = plugs
    await async_map_plugs(hass, init_integration, {HALL_MINI: HALL_PLUG})
    issue_id = await _open_troubleshooter(hass, init_integration, HALL_MINI)
    client = await repairs()
    result = await start_repair_fix_flow(client, DOMAIN, issue_id)
    flow_id = result["flow_id"]
    while result["step_id"] != "restart":
        result = await _choose(client, flow_id, "next")
    assert result["menu_options"] == ["power_cycle", "solved", "next"]
    sim.requests.reset()
    result = await _choose(client, flow_id, "power_cycle")
    assert result["type"] == "progress"
    await async_advance(hass, freezer, 75)
    result = await _current(client, flow_id)
    assert result["type"] == "menu"
    assert result["step_id"] == "restart"
    assert result["description_placeholders"]["result"] == "✅"
    assert hall.calls == [False, True]
    assert hass.states.get(HALL_MINI_ONLINE).state == STATE_ON
    # Each fast poll and the re-check are one homescreen request (and the Mini's details once).
    homescreen = sum(n for key, n in sim.requests.items() if "homescreen" in key)
    assert 2 <= homescreen <= 7
    result = await _choose(client, flow_id, "solved")
    assert result["type"] == "create_entry"
    assert _issue(hass, issue_id) is None


async def test_troubleshooter_device_gone(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    repairs: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A camera removed from the account mid-way ends the troubleshooter with a reason."""
    serial = "G8T20000000001"
    issue_id = await _open_troubleshooter(hass, init_integration, serial)
    client = await repairs()
    result = await start_repair_fix_flow(client, DOMAIN, issue_id)
    flow_id = result["flow_id"]
    result = await _choose(client, flow_id, "next")
    result = await _choose(client, flow_id, "next")
    assert result["step_id"] == "restart_battery"
    sim.world.remove_device(serial)
    freezer.tick(COALESCE_SECONDS)  # past the answer just fetched (issue 17)
    result = await _choose(client, flow_id, "batteries_out")
    assert result["type"] == "abort"
    assert result["reason"] == "device_gone"
    # Opened again while the camera is away, it says so at once.
    result = await start_repair_fix_flow(client, DOMAIN, issue_id)
    assert result["type"] == "abort"
    assert result["reason"] == "device_gone"
