"""Fix flows driven over Home Assistant's repairs HTTP API, against the simulator."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.repairs.websocket_api import RepairsFlowResourceView
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from blinksim.server import SimServer
from custom_components.blink_health.const import DOMAIN
from custom_components.blink_health.governor import COALESCE_SECONDS

from .conftest import async_poll
from .power_helpers import HALL_MINI, HALL_PLUG, async_map_plugs, async_setup_plugs
from .repairs_helpers import (
    device_issue_id,
    process_repair_fix_flow,
    start_repair_fix_flow,
)
from .test_issues import async_set_options

FRONT_YARD = "G8T20000000001"
BACK_YARD = "G8T20000000002"
SIDE_GATE = "G8T20000000003"
DRIVEWAY = "G8T20000000004"  # Blink XT: no two-way talk
WORKSHOP = "G8T20000000005"
FRONT_DOOR = (
    "G8T40000000001"  # a Video Doorbell: batteries or its wiring, no Sync Module
)


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


def _device_id(hass: HomeAssistant, entry: ConfigEntry, serial: str) -> str:
    """Return the registry id of a Blink Health device."""
    registry = dr.async_get(hass)
    device = registry.async_get_device_by_identifier(
        (DOMAIN, serial), entry.entry_id
    ) or registry.async_get_child_device_by_identifier((DOMAIN, serial), entry.entry_id)
    assert device is not None
    return device.id


async def test_weak_wifi_check_again(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    repairs: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Guidance, "check again" with the new bars while weak, done once the bars are back."""
    issue_id = device_issue_id(hass, "weak_wifi", BACK_YARD)
    client = await repairs()
    result = await start_repair_fix_flow(client, DOMAIN, issue_id)
    assert result["type"] == "menu"
    assert result["step_id"] == "init"
    assert result["menu_options"] == ["check_again", "ignore"]
    assert result["description_placeholders"]["value"] == "1"
    flow_id = result["flow_id"]
    sim.world.patch_device(BACK_YARD, {"wifi": 2})
    result = await _choose(client, flow_id, "check_again")
    assert result["step_id"] == "still"
    assert result["description_placeholders"]["value"] == "2"
    sim.world.patch_device(BACK_YARD, {"wifi": 4})
    freezer.tick(COALESCE_SECONDS)  # past the answer just fetched (issue 17)
    result = await _choose(client, flow_id, "check_again")
    assert result["type"] == "create_entry"
    assert _issue(hass, issue_id) is None


async def test_weak_sync_link_ignore(
    hass: HomeAssistant, init_integration: ConfigEntry, repairs: ClientSessionGenerator
) -> None:
    """Ignoring from the menu ignores the issue."""
    issue_id = device_issue_id(hass, "weak_sync_link", SIDE_GATE)
    client = await repairs()
    result = await start_repair_fix_flow(client, DOMAIN, issue_id)
    result = await _choose(client, result["flow_id"], "ignore")
    assert result["type"] == "abort"
    assert result["reason"] == "issue_ignored"
    issue = _issue(hass, issue_id)
    assert issue is not None
    assert issue.dismissed_version is not None


async def test_check_again_while_rate_limited(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    repairs: ClientSessionGenerator,
) -> None:
    """When Blink refuses the fresh request, the flow says so and the issue stays."""
    issue_id = device_issue_id(hass, "weak_wifi", BACK_YARD)
    client = await repairs()
    result = await start_repair_fix_flow(client, DOMAIN, issue_id)
    sim.add_fault(
        "GET /api/v3/accounts/{account_id}/homescreen",
        status=429,
        retry_after=600,
        count=1,
    )
    result = await _choose(client, result["flow_id"], "check_again")
    assert result["type"] == "abort"
    assert result["reason"] == "cannot_refresh"
    assert _issue(hass, issue_id) is not None


async def test_slow_internet_check_again(
    hass: HomeAssistant,
    init_integration: ConfigEntry,
    repairs: ClientSessionGenerator,
) -> None:
    """The measured figures against Blink's 2 Mbit/s; fixed once the sensor reads well."""
    hass.states.async_set(
        "sensor.speedtest_download", "0.8", {"unit_of_measurement": "Mbit/s"}
    )
    await async_set_options(
        hass, init_integration, download_sensor="sensor.speedtest_download"
    )
    client = await repairs()
    result = await start_repair_fix_flow(client, DOMAIN, "slow_internet")
    assert result["description_placeholders"]["download"] == "0.8"
    assert result["description_placeholders"]["min_download"] == "2"
    hass.states.async_set(
        "sensor.speedtest_download", "80", {"unit_of_measurement": "Mbit/s"}
    )
    result = await _choose(client, result["flow_id"], "check_again")
    assert result["type"] == "create_entry"
    assert _issue(hass, "slow_internet") is None


async def test_offline_restarted_by_hand(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    repairs: ClientSessionGenerator,
) -> None:
    """No plug mapped: pick_plug is offered; "I restarted it" explains, then finishes."""
    sim.world.patch_device(HALL_MINI, {"status": "offline"})
    for _ in range(3):
        await async_poll(hass, freezer)
    issue_id = device_issue_id(hass, "camera_offline", HALL_MINI)
    assert _issue(hass, issue_id) is not None
    client = await repairs()
    result = await start_repair_fix_flow(client, DOMAIN, issue_id)
    assert result["menu_options"] == ["pick_plug", "restarted", "ignore"]
    flow_id = result["flow_id"]
    result = await _choose(client, flow_id, "restarted")
    assert result["step_id"] == "still_offline"
    # Plain words, not Blink's status word (issue 19).
    assert "status" not in result["description_placeholders"]
    sim.world.patch_device(HALL_MINI, {"status": "online"})
    freezer.tick(COALESCE_SECONDS)  # past the answer just fetched (issue 17)
    result = await _choose(client, flow_id, "restarted")
    assert result["type"] == "create_entry"
    assert _issue(hass, issue_id) is None


async def test_power_cycle_refused_is_explained(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    repairs: ClientSessionGenerator,
) -> None:
    """An unavailable plug: the refusal is shown at once, then the choices come back.

    No progress step comes first: one that ends before the frontend listens would spin forever.
    """
    await async_setup_plugs(hass, sim)
    await async_map_plugs(hass, init_integration, {HALL_MINI: HALL_PLUG})
    hass.states.async_set(HALL_PLUG, "unavailable")
    sim.world.patch_device(HALL_MINI, {"status": "offline"})
    for _ in range(3):
        await async_poll(hass, freezer)
    client = await repairs()
    result = await start_repair_fix_flow(
        client, DOMAIN, device_issue_id(hass, "camera_offline", HALL_MINI)
    )
    assert result["menu_options"] == ["power_cycle", "restarted", "ignore"]
    flow_id = result["flow_id"]
    result = await _choose(client, flow_id, "power_cycle")
    assert result["type"] == "form"
    assert result["step_id"] == "power_cycle_failed"
    assert HALL_PLUG in result["description_placeholders"]["error"]
    result = await process_repair_fix_flow(client, flow_id, {})
    assert result["step_id"] == "init"


async def test_entry_not_loaded(
    hass: HomeAssistant, init_integration: ConfigEntry, repairs: ClientSessionGenerator
) -> None:
    """An ignored issue kept over an unload gets a flow that says the account is not loaded."""
    issue_id = device_issue_id(hass, "weak_wifi", BACK_YARD)
    ir.async_ignore_issue(hass, DOMAIN, issue_id, True)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    client = await repairs()
    result = await start_repair_fix_flow(client, DOMAIN, issue_id)
    assert result["type"] == "abort"
    assert result["reason"] == "entry_not_loaded"


async def _open_troubleshooter(
    hass: HomeAssistant, entry: ConfigEntry, serial: str
) -> str:
    """Open the troubleshooter through the diagnose action; return the issue id."""
    response = await hass.services.async_call(
        DOMAIN,
        "diagnose",
        {"device_id": _device_id(hass, entry, serial), "open_troubleshooter": True},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    issue_id = response["troubleshooter_issue_id"]
    assert issue_id == device_issue_id(hass, "troubleshoot", serial)
    assert _issue(hass, issue_id) is not None
    return str(issue_id)


async def test_troubleshooter_every_step(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    repairs: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """First to last step for a battery camera: manual steps ask, checks show figures."""
    issue_id = await _open_troubleshooter(hass, init_integration, FRONT_YARD)
    client = await repairs()
    result = await start_repair_fix_flow(client, DOMAIN, issue_id)
    flow_id = result["flow_id"]
    seen = [result["step_id"]]
    assert result["menu_options"] == ["solved", "next"]
    assert result["description_placeholders"]["number"] == "1"
    while result["type"] == "menu":
        if result["step_id"] == "restart_battery":
            assert result["menu_options"] == ["batteries_out", "solved", "next"]
            assert result["description_placeholders"]["result"] == "✅"
            sim.world.patch_device(FRONT_YARD, {"status": "offline"})
            freezer.tick(COALESCE_SECONDS)  # past the answer just fetched (issue 17)
            result = await _choose(client, flow_id, "batteries_out")
            assert result["step_id"] == "restart_battery"
            assert result["description_placeholders"]["result"] == "❌"
            sim.world.patch_device(FRONT_YARD, {"status": "online"})
            freezer.tick(COALESCE_SECONDS)  # past the answer just fetched (issue 17)
            result = await _choose(client, flow_id, "batteries_out")
            assert result["description_placeholders"]["result"] == "✅"
        if result["step_id"] == "signal":
            assert result["description_placeholders"]["result"] == "✅"
            sim.world.patch_device(FRONT_YARD, {"wifi": 1})
            freezer.tick(COALESCE_SECONDS)  # past the answer just fetched (issue 17)
            result = await _choose(client, flow_id, "recheck")
            assert result["step_id"] == "signal"
            assert result["description_placeholders"]["result"] == "❌"
            assert result["description_placeholders"]["wifi"] == "1"
        result = await _choose(client, flow_id, "next")
        seen.append(result["step_id"])
    assert seen == [
        "hold_talk",
        "mic_permission",
        "restart_battery",
        "internet",
        "signal",
        "readd",
        "reinstall_app",
        "contact_support",
    ]
    assert result["type"] == "form"
    assert result["description_placeholders"]["serial"] == FRONT_YARD
    assert result["description_placeholders"]["failed_steps"] == "5"
    result = await process_repair_fix_flow(client, flow_id, {})
    assert result["type"] == "create_entry"
    assert _issue(hass, issue_id) is None


async def test_troubleshooter_no_talk_and_solved(
    hass: HomeAssistant, init_integration: ConfigEntry, repairs: ClientSessionGenerator
) -> None:
    """A Blink XT is told it has no two-way talk up front; the talk steps are skipped."""
    issue_id = await _open_troubleshooter(hass, init_integration, DRIVEWAY)
    client = await repairs()
    result = await start_repair_fix_flow(client, DOMAIN, issue_id)
    assert result["step_id"] == "no_talk"
    assert result["description_placeholders"]["model"] == "Blink XT"
    result = await _choose(client, result["flow_id"], "next")
    assert result["step_id"] == "restart_battery"
    # The low battery is the restart step's finding.
    assert result["description_placeholders"]["result"] == "❌"
    result = await _choose(client, result["flow_id"], "solved")
    assert result["type"] == "create_entry"


async def test_troubleshooter_restart_by_hand_without_a_plug(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    repairs: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Front Door (wired or on batteries) has no plug: restart it by hand, then check again."""
    issue_id = await _open_troubleshooter(hass, init_integration, FRONT_DOOR)
    client = await repairs()
    result = await start_repair_fix_flow(client, DOMAIN, issue_id)
    flow_id = result["flow_id"]
    while result["step_id"] != "restart":
        result = await _choose(client, flow_id, "next")
    assert result["menu_options"] == ["pick_plug", "unplugged", "solved", "next"]
    assert result["description_placeholders"]["result"] == "✅"
    sim.world.patch_device(FRONT_DOOR, {"status": "offline"})
    freezer.tick(COALESCE_SECONDS)  # past the answer just fetched (issue 17)
    result = await _choose(client, flow_id, "unplugged")
    assert (result["step_id"], result["description_placeholders"]["result"]) == (
        "restart",
        "❌",
    )
    assert result["description_placeholders"]["status"] == "offline"


async def test_offline_restarted_while_rate_limited(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    repairs: ClientSessionGenerator,
) -> None:
    """Choosing "I restarted it" while Blink refuses the fresh request: the flow says so."""
    sim.world.patch_device(HALL_MINI, {"status": "offline"})
    for _ in range(3):
        await async_poll(hass, freezer)
    client = await repairs()
    result = await start_repair_fix_flow(
        client, DOMAIN, device_issue_id(hass, "camera_offline", HALL_MINI)
    )
    sim.add_fault(
        "GET /api/v3/accounts/{account_id}/homescreen",
        status=429,
        retry_after=600,
        count=1,
    )
    result = await _choose(client, result["flow_id"], "restarted")
    assert result["type"] == "abort"
    assert result["reason"] == "cannot_refresh"
