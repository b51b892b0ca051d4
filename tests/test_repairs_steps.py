"""Fix-flow steps the other repair tests do not reach, over the repairs HTTP API.

A menu sent back without a choice runs the step of its own step id (Home Assistant's
data_entry_flow; it also refuses to show a step id that has no step): each such step does
what its docstring says. And the troubleshooter's own use of the power-cycle and re-add step
groups (picking a plug, a refused cycle, watching a timed-out re-add again).
"""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
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
)
from .repairs_helpers import (
    device_issue_id,
    process_repair_fix_flow,
    start_repair_fix_flow,
)
from .test_repairs import (
    BACK_YARD,
    DRIVEWAY,
    FRONT_YARD,
    _choose,
    _current,
    _device_id,
    _open_troubleshooter,
)
from .test_repairs_power import _hall_mini_fails

READD_POLL = 60  # seconds between polls while a re-add is watched


async def _no_choice(client: TestClient, flow_id: str) -> dict[str, Any]:
    """Send the shown menu back without picking an option."""
    return await process_repair_fix_flow(client, flow_id, {})


async def _troubleshooter(
    hass: HomeAssistant, client: TestClient, entry: ConfigEntry, serial: str
) -> dict[str, Any]:
    """Open the troubleshooter through the diagnose action; return its first step."""
    issue_id = await _open_troubleshooter(hass, entry, serial)
    return await start_repair_fix_flow(client, DOMAIN, issue_id)


async def _go_to(
    client: TestClient, result: dict[str, Any], step: str
) -> dict[str, Any]:
    """Go on through the troubleshooter until a step shows."""
    while result["step_id"] != step:
        result = await _choose(client, result["flow_id"], "next")
    return result


async def test_still_weak_sent_without_a_choice_checks_again(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    repairs: ClientSessionGenerator,
) -> None:
    """The "still weak" menu sent as is checks again: new figures, then done."""
    client = await repairs()
    result = await start_repair_fix_flow(
        client, DOMAIN, device_issue_id(hass, "weak_wifi", BACK_YARD)
    )
    flow_id = result["flow_id"]
    sim.world.patch_device(BACK_YARD, {"wifi": 2})
    result = await _choose(client, flow_id, "check_again")
    assert result["step_id"] == "still"
    result = await _no_choice(client, flow_id)
    assert (result["type"], result["step_id"]) == ("menu", "still")
    assert result["description_placeholders"]["value"] == "2"
    sim.world.patch_device(BACK_YARD, {"wifi": 4})
    freezer.tick(COALESCE_SECONDS)  # past the answer just fetched (issue 17)
    result = await _no_choice(client, flow_id)
    assert result["type"] == "create_entry"


async def test_still_offline_sent_without_a_choice_checks_again(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    repairs: ClientSessionGenerator,
) -> None:
    """The "still offline" menu sent as is checks again, and ends once the device is back."""
    await _hall_mini_fails(hass, sim, freezer)
    client = await repairs()
    result = await start_repair_fix_flow(
        client, DOMAIN, device_issue_id(hass, "camera_offline", HALL_MINI)
    )
    flow_id = result["flow_id"]
    result = await _choose(client, flow_id, "restarted")
    assert result["step_id"] == "still_offline"
    result = await _no_choice(client, flow_id)
    assert (result["type"], result["step_id"]) == ("menu", "still_offline")
    assert result["menu_options"] == ["pick_plug", "restarted", "ignore"]
    sim.world.patch_device(HALL_MINI, {"status": "online"})
    freezer.tick(COALESCE_SECONDS)  # past the answer just fetched (issue 17)
    result = await _no_choice(client, flow_id)
    assert result["type"] == "create_entry"


async def test_troubleshooter_menus_sent_without_a_choice(
    init_integration: ConfigEntry, repairs: ClientSessionGenerator, hass: HomeAssistant
) -> None:
    """The no-talk notice sent as is goes on; an article step sent as is shows again."""
    client = await repairs()
    result = await _troubleshooter(hass, client, init_integration, DRIVEWAY)
    flow_id = result["flow_id"]
    assert result["step_id"] == "no_talk"
    result = await _no_choice(client, flow_id)
    # A battery camera's restart step: its batteries, not a plug.
    assert result["step_id"] == "restart_battery"
    assert result["menu_options"] == ["batteries_out", "solved", "next"]
    shown = result
    result = await _no_choice(client, flow_id)
    assert (result["step_id"], result["menu_options"]) == (
        "restart_battery",
        shown["menu_options"],
    )
    assert result["description_placeholders"] == shown["description_placeholders"]
    for step in ("internet", "signal", "readd", "reinstall_app"):
        result = await _choose(client, flow_id, "next")
        assert result["step_id"] == step
        result = await _no_choice(client, flow_id)
        assert (result["type"], result["step_id"]) == ("menu", step)


async def test_troubleshooter_talk_steps_sent_without_a_choice(
    hass: HomeAssistant, init_integration: ConfigEntry, repairs: ClientSessionGenerator
) -> None:
    """A camera with talk: the first two steps, sent as is, show again."""
    client = await repairs()
    result = await _troubleshooter(hass, client, init_integration, FRONT_YARD)
    flow_id = result["flow_id"]
    for step in ("hold_talk", "mic_permission"):
        assert result["step_id"] == step
        result = await _no_choice(client, flow_id)
        assert (result["type"], result["step_id"]) == ("menu", step)
        result = await _choose(client, flow_id, "next")


async def test_troubleshooter_picks_the_plug_then_power_cycles(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    plugs: tuple[SimPlug, SimPlug],
    init_integration: ConfigEntry,
    repairs: ClientSessionGenerator,
) -> None:
    """No plug chosen yet: the restart step asks for it, saves it and power-cycles."""
    hall, _ = plugs
    client = await repairs()
    result = await _go_to(
        client,
        await _troubleshooter(hass, client, init_integration, HALL_MINI),
        "restart",
    )
    flow_id = result["flow_id"]
    assert result["menu_options"] == ["pick_plug", "unplugged", "solved", "next"]
    result = await _choose(client, flow_id, "pick_plug")
    assert (result["type"], result["step_id"]) == ("form", "pick_plug")
    result = await process_repair_fix_flow(client, flow_id, {"plug": HALL_PLUG})
    assert result["type"] == "progress"
    assert result["progress_action"] == "power_cycle"
    await async_advance(hass, freezer, 75)
    result = await _current(client, flow_id)
    assert (result["type"], result["step_id"]) == ("menu", "restart")
    assert result["menu_options"] == ["power_cycle", "solved", "next"]
    assert hall.calls == [False, True]


async def test_troubleshooter_power_cycle_refused(
    hass: HomeAssistant,
    plugs: tuple[SimPlug, SimPlug],
    init_integration: ConfigEntry,
    repairs: ClientSessionGenerator,
) -> None:
    """An unavailable plug: the refusal is explained, then the restart step shows again."""
    await async_map_plugs(hass, init_integration, {HALL_MINI: HALL_PLUG})
    hass.states.async_set(HALL_PLUG, "unavailable")
    client = await repairs()
    result = await _go_to(
        client,
        await _troubleshooter(hass, client, init_integration, HALL_MINI),
        "restart",
    )
    flow_id = result["flow_id"]
    result = await _choose(client, flow_id, "power_cycle")
    assert (result["type"], result["step_id"]) == ("form", "power_cycle_failed")
    assert HALL_PLUG in result["description_placeholders"]["error"]
    result = await process_repair_fix_flow(client, flow_id, {})
    assert (result["type"], result["step_id"]) == ("menu", "restart")


async def test_timed_out_readd_shown_again_and_watched_again(
    hass: HomeAssistant,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    repairs: ClientSessionGenerator,
) -> None:
    """A timed-out re-add: its menu sent as is shows again, in both flows; watch again."""
    client = await repairs()
    result = await _go_to(
        client,
        await _troubleshooter(hass, client, init_integration, FRONT_YARD),
        "readd",
    )
    flow_id = result["flow_id"]
    response = await hass.services.async_call(
        DOMAIN,
        "readd_camera",
        {"device_id": _device_id(hass, init_integration, FRONT_YARD), "timeout": 5},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    result = await _choose(client, flow_id, "readd_start")  # joins the action's
    assert result["type"] == "progress"
    for _ in range(5):
        await async_poll(hass, freezer, READD_POLL)  # and nothing is done in the app
    result = await _current(client, flow_id)
    assert result["step_id"] == "readd_timeout_remove"
    result = await _no_choice(client, flow_id)
    assert (result["type"], result["step_id"]) == ("menu", "readd_timeout_remove")

    own = await start_repair_fix_flow(
        client, DOMAIN, device_issue_id(hass, "readd", FRONT_YARD)
    )
    assert own["step_id"] == "readd_timeout_remove"
    again = await _no_choice(client, own["flow_id"])
    assert (again["type"], again["step_id"]) == ("menu", "readd_timeout_remove")

    result = await _choose(client, flow_id, "readd_restart")
    await async_settle(hass)
    assert result["type"] == "progress"
    assert result["progress_action"] == "readd_remove"
