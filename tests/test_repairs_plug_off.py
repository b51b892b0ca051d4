"""Advice that fits the cause (issue 19): a plug that is off, a battery camera, the health reasons."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.repairs.websocket_api import RepairsFlowResourceView
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_OFF, STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.translation import async_get_translations
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import CLIENT_ID, MockUser
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from blinksim.server import SimServer
from custom_components.blink_health.const import DOMAIN
from custom_components.blink_health.figures import format_duration

from .conftest import async_poll
from .plugs import RealisticPlug
from .power_helpers import (
    FRONT_YARD,
    HALL_MINI,
    HALL_PLUG,
    async_add_switches,
    async_advance,
    async_map_plugs,
    async_settle,
    async_with_time,
    device_id,
)
from .repairs_helpers import (
    device_issue_id,
    process_repair_fix_flow,
    start_repair_fix_flow,
)

HALL_MINI_ONLINE = "binary_sensor.hall_mini_online"
HALL_MINI_HEALTH = "sensor.hall_mini_health"
FRONT_YARD_HEALTH = "sensor.front_yard_health"


@pytest.fixture
async def plug(hass: HomeAssistant, sim: SimServer) -> RealisticPlug:
    """Return the Hall Mini's plug: it reports 2 s late, as MQTT and Zigbee plugs do."""
    hall = RealisticPlug(sim, "plug-hall-mini", HALL_PLUG, delay=2.0)
    await async_add_switches(hass, [hall])
    return hall


@pytest.fixture
async def mapped(
    hass: HomeAssistant, plug: RealisticPlug, init_integration: ConfigEntry
) -> ConfigEntry:
    """Set Blink Health up with the Hall Mini on its plug."""
    await async_map_plugs(hass, init_integration, {HALL_MINI: HALL_PLUG})
    return init_integration


def _issue(hass: HomeAssistant, issue_id: str) -> ir.IssueEntry | None:
    """Return an issue of the domain, if it exists."""
    return ir.async_get(hass).async_get_issue(DOMAIN, issue_id)


def _reasons(hass: HomeAssistant, entity_id: str) -> list[str]:
    """Return the reasons attribute of a health sensor."""
    reasons: list[str] = hass.states.get(entity_id).attributes["reasons"]
    return reasons


async def _current(client: TestClient, flow_id: str) -> dict[str, Any]:
    """Return the flow's current step (after a progress step ended)."""
    resp = await client.get(RepairsFlowResourceView.url.format(flow_id=flow_id))
    result: dict[str, Any] = await resp.json()
    return result


async def _switch_off_by_hand(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Switch the Hall Mini's plug off as a person would, and let a poll see it."""
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: HALL_PLUG}, blocking=True
    )
    await async_advance(hass, freezer, 5)
    assert hass.states.get(HALL_PLUG).state == STATE_OFF
    await async_poll(hass, freezer)


async def test_plug_off_is_said_at_once_and_switched_on_from_repairs(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    plug: RealisticPlug,
    mapped: ConfigEntry,
    repairs: ClientSessionGenerator,
) -> None:
    """Within a power cycle's cooldown, a plug switched off: the issue names it, its flow switches it on.

    The first turn_on times out (a cloud plug), the report comes late: the flow tries again,
    waits for the report, then for the Mini to boot, and ends with nothing left off.
    """
    await async_with_time(
        hass,
        freezer,
        hass.services.async_call(
            DOMAIN,
            "power_cycle",
            {"device_id": device_id(hass, HALL_MINI), "wait_online": False},
            blocking=True,
            return_response=True,
        ),
    )
    await async_advance(hass, freezer, 60)
    assert hass.states.get(HALL_MINI_ONLINE).state == STATE_ON
    plug.calls.clear()

    await _switch_off_by_hand(hass, freezer)
    # No grace period to wait out: the plug is the cause, known at once.
    issue = _issue(hass, device_issue_id(hass, "plug_off", HALL_MINI))
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_placeholders["plug"] == hass.states.get(HALL_PLUG).name
    assert _issue(hass, device_issue_id(hass, "camera_offline", HALL_MINI)) is None
    assert hass.states.get(HALL_MINI_HEALTH).state == "problem"
    assert _reasons(hass, HALL_MINI_HEALTH) == ["plug_off"]

    plug.errors[True].append(TimeoutError("the plug's cloud did not answer"))
    client = await repairs()
    result = await start_repair_fix_flow(
        client, DOMAIN, device_issue_id(hass, "plug_off", HALL_MINI)
    )
    assert result["step_id"] == "init"
    assert result["menu_options"] == ["switch_on", "ignore"]
    assert result["description_placeholders"]["plug"] == hass.states.get(HALL_PLUG).name
    flow_id = result["flow_id"]
    result = await process_repair_fix_flow(
        client, flow_id, {"next_step_id": "switch_on"}
    )
    # Not refused for the cooldown: nothing is switched off, so none applies.
    assert result["type"] == "progress"
    assert result["progress_action"] == "switch_on"
    await async_settle(hass)
    # The retry, the late report, the settle time, the Mini's 30 s boot and a fast poll.
    await async_advance(hass, freezer, 90)
    result = await _current(client, flow_id)
    assert result["type"] == "create_entry"
    assert plug.calls == [False, True, True]
    assert hass.states.get(HALL_PLUG).state == STATE_ON
    assert hass.states.get(HALL_MINI_ONLINE).state == STATE_ON
    assert _issue(hass, device_issue_id(hass, "plug_off", HALL_MINI)) is None
    assert hass.states.get(HALL_MINI_HEALTH).state == "ok"
    assert _reasons(hass, HALL_MINI_HEALTH) == []


async def test_plug_off_unavailable_plug_is_explained(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    plug: RealisticPlug,
    mapped: ConfigEntry,
    repairs: ClientSessionGenerator,
) -> None:
    """The plug drops off the network before the fix: said so, nothing sent; back, it works."""
    await _switch_off_by_hand(hass, freezer)
    assert _issue(hass, device_issue_id(hass, "plug_off", HALL_MINI)) is not None
    client = await repairs()
    result = await start_repair_fix_flow(
        client, DOMAIN, device_issue_id(hass, "plug_off", HALL_MINI)
    )
    flow_id = result["flow_id"]
    plug.set_available(False)
    plug.calls.clear()
    result = await process_repair_fix_flow(
        client, flow_id, {"next_step_id": "switch_on"}
    )
    await async_settle(hass)
    result = await _current(client, flow_id)
    if result["type"] == "progress":
        await async_advance(hass, freezer, 5)
        result = await _current(client, flow_id)
    assert result["step_id"] == "plug_not_on"
    assert result["menu_options"] == ["switch_on", "ignore"]
    assert "unavailable" in result["description_placeholders"]["error"]
    assert plug.calls == []

    plug.set_available(True)
    # The menu sent back without a choice (data_entry_flow runs its own step): tried again.
    result = await process_repair_fix_flow(client, flow_id, {})
    await async_settle(hass)
    await async_advance(hass, freezer, 60)
    result = await _current(client, flow_id)
    assert result["type"] == "create_entry"
    assert plug.calls == [True]
    assert hass.states.get(HALL_MINI_ONLINE).state == STATE_ON


async def test_plug_on_but_device_not_back_is_explained(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    plug: RealisticPlug,
    mapped: ConfigEntry,
    repairs: ClientSessionGenerator,
) -> None:
    """The plug is on again but the Mini stays hung: said so; asked again, it is watched again."""
    await _switch_off_by_hand(hass, freezer)
    # Hung after its plug went off: power coming back does not revive it.
    sim.world.patch_device(HALL_MINI, {"hung": True})
    client = await repairs()
    result = await start_repair_fix_flow(
        client, DOMAIN, device_issue_id(hass, "plug_off", HALL_MINI)
    )
    flow_id = result["flow_id"]
    await process_repair_fix_flow(client, flow_id, {"next_step_id": "switch_on"})
    for _ in range(12):
        await async_advance(hass, freezer, 60)
    result = await _current(client, flow_id)
    assert result["step_id"] == "not_back"
    assert result["menu_options"] == ["switch_on", "ignore"]
    assert hass.states.get(HALL_PLUG).state == STATE_ON  # on, never left off

    sim.world.patch_device(HALL_MINI, {"hung": False})
    # The menu sent back without a choice (data_entry_flow runs its own step): watched again.
    await process_repair_fix_flow(client, flow_id, {})
    await async_settle(hass)
    await async_advance(hass, freezer, 60)
    result = await _current(client, flow_id)
    assert result["type"] == "create_entry"
    assert hass.states.get(HALL_MINI_ONLINE).state == STATE_ON


async def test_battery_camera_offline_gets_battery_advice(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    init_integration: ConfigEntry,
    repairs: ClientSessionGenerator,
    hass_admin_user: MockUser,
) -> None:
    """Front Yard (batteries) offline: waiting, then a problem; its advice has no plug in it.

    The time offline counts from its last report, not from when Home Assistant noticed.
    """
    assert hass.states.get(FRONT_YARD_HEALTH).state != "waiting"
    sim.world.patch_device(FRONT_YARD, {"status": "offline"})
    await async_poll(hass, freezer)
    # Within the 30 minutes a battery camera gets: not "ok", and why.
    assert hass.states.get(FRONT_YARD_HEALTH).state == "waiting"
    assert _reasons(hass, FRONT_YARD_HEALTH)[0] == "offline_waiting"
    assert _issue(hass, device_issue_id(hass, "camera_offline", FRONT_YARD)) is None
    for _ in range(6):
        await async_poll(hass, freezer)
    assert hass.states.get(FRONT_YARD_HEALTH).state == "problem"
    assert _reasons(hass, FRONT_YARD_HEALTH)[0] == "camera_offline"

    last_report = datetime.fromisoformat(
        hass.states.get("sensor.front_yard_last_report").state
    )
    # A token made now: the fixture's expires after 30 minutes of the moved time.
    refresh = await hass.auth.async_create_refresh_token(hass_admin_user, CLIENT_ID)
    client = await repairs(hass.auth.async_create_access_token(refresh))
    result = await start_repair_fix_flow(
        client, DOMAIN, device_issue_id(hass, "camera_offline", FRONT_YARD)
    )
    assert result["step_id"] == "battery"
    assert result["menu_options"] == ["restarted", "ignore"]
    placeholders = result["description_placeholders"]
    assert placeholders["offline_for"] == format_duration(
        dt_util.utcnow() - last_report
    )
    assert placeholders["sync_module"] != "–"
    result = await process_repair_fix_flow(
        client, result["flow_id"], {"next_step_id": "restarted"}
    )
    assert result["step_id"] == "still_offline_battery"
    assert result["menu_options"] == ["restarted", "ignore"]


async def test_advice_texts_fit_their_cause(hass: HomeAssistant) -> None:
    """Battery advice never says unplug; slow internet and cloud offer no "I moved things"."""
    texts = await async_get_translations(hass, "en", "issues", [DOMAIN])
    prefix = f"component.{DOMAIN}.issues"
    for key in ("slow_internet", "high_latency"):
        for step in ("init", "still"):
            option = texts[
                f"{prefix}.{key}.fix_flow.step.{step}.menu_options.check_again"
            ]
            assert "moved" not in option
    for step in ("battery", "still_offline_battery"):
        text = texts[f"{prefix}.camera_offline.fix_flow.step.{step}.description"]
        assert "unplug" not in text.lower()
        assert "batteries" in text
    assert (
        "plug" in texts[f"{prefix}.plug_off.fix_flow.step.init.menu_options.switch_on"]
    )
