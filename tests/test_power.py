"""Power-cycling end to end: action → switch entity → blinksim plug → device offline → boots → online."""

from __future__ import annotations

import asyncio
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import Event, HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from blinksim.server import SimServer
from custom_components.blink_health.const import DOMAIN, EVENT_POWER_CYCLE

from .power_helpers import (
    FRONT_DOOR,
    FRONT_YARD,
    GARAGE_PLUG,
    GARAGE_SYNC,
    HALL_MINI,
    HALL_PLUG,
    SimPlug,
    async_advance,
    async_map_plugs,
    async_settle,
    async_stop_event,
    async_with_time,
    power_issue_id,
)


@pytest.fixture
async def mapped(
    hass: HomeAssistant,
    plugs: tuple[SimPlug, SimPlug],
    init_integration: ConfigEntry,
) -> ConfigEntry:
    """Set Blink Health up with both plugs chosen in the options."""
    await async_map_plugs(
        hass, init_integration, {HALL_MINI: HALL_PLUG, GARAGE_SYNC: GARAGE_PLUG}
    )
    return init_integration


def _device_id(hass: HomeAssistant, serial: str) -> str:
    """Return the registry id of a Blink Health device."""
    return next(
        device.id
        for device in dr.async_get(hass).devices
        if (DOMAIN, serial) in device.identifiers
    )


def _call(
    hass: HomeAssistant, serial: str, **data: Any
) -> asyncio.Task[dict[str, Any] | None]:
    """Start the power_cycle action in the background (it waits on timers the test moves)."""
    return asyncio.get_running_loop().create_task(
        hass.services.async_call(
            DOMAIN,
            "power_cycle",
            {"device_id": _device_id(hass, serial), **data},
            blocking=True,
            return_response=True,
        )
    )


async def _power_cycle(hass: HomeAssistant, serial: str, **data: Any) -> Any:
    """Call the action and wait for it (for calls that are refused before any wait)."""
    return await hass.services.async_call(
        DOMAIN,
        "power_cycle",
        {"device_id": _device_id(hass, serial), **data},
        blocking=True,
        return_response=True,
    )


async def test_happy_path(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    plugs: tuple[SimPlug, SimPlug],
    mapped: ConfigEntry,
) -> None:
    """Off 10 s, on, the Mini boots (20 s) and a fast poll sees it online: the action says so."""
    hall, _ = plugs
    events = async_capture_events(hass, EVENT_POWER_CYCLE)
    online = "binary_sensor.hall_mini_online"
    assert hass.states.get(online).state == STATE_ON
    sim.requests.reset()
    task = _call(hass, HALL_MINI)
    await async_settle(hass)
    assert hass.states.get(HALL_PLUG).state == STATE_OFF
    assert not task.done()
    await async_advance(hass, freezer, 10)
    assert hass.states.get(HALL_PLUG).state == STATE_ON
    # The device boots for 20 s; polls come every 15 s while it is verified.
    await async_advance(hass, freezer, 60)
    assert task.done()
    response = task.result()
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, HALL_MINI), mapped.entry_id
    )
    plug_state = hass.states.get(HALL_PLUG)
    assert device is not None
    assert plug_state is not None
    # Names and Home Assistant ids, never the serial (issue 19).
    assert response == {
        "entry_id": mapped.entry_id,
        "device": "Hall Mini",
        "device_id": device.id,
        "plug": plug_state.name,
        "plug_entity_id": HALL_PLUG,
        "off_seconds": 10.0,
        "turned_on": True,
        "online_again": True,
        "seconds_to_online": response["seconds_to_online"],
        "attempts_left": 2,
    }
    assert 20 <= response["seconds_to_online"] <= 45
    assert hall.calls == [False, True]
    assert hass.states.get(online).state == STATE_ON
    assert [event.data for event in events] == [response]
    # Fast polls: one homescreen request each, and the usual interval afterwards.
    homescreen = [k for k in sim.requests if "homescreen" in k]
    assert len(homescreen) == 1
    assert 2 <= sim.requests[homescreen[0]] <= 4
    assert mapped.runtime_data.coordinator.update_interval.total_seconds() == 300


async def test_refusals(
    hass: HomeAssistant,
    sim: SimServer,
    plugs: tuple[SimPlug, SimPlug],
    mapped: ConfigEntry,
) -> None:
    """A battery camera, a device without a plug, another integration's device are refused."""
    with pytest.raises(ServiceValidationError) as err:
        await _power_cycle(hass, FRONT_YARD)
    assert err.value.translation_key == "battery_device"
    assert "Front Yard runs on batteries" in str(err.value)
    with pytest.raises(ServiceValidationError) as err:
        await _power_cycle(hass, FRONT_DOOR)
    assert err.value.translation_key == "no_plug"
    other = MockConfigEntry(domain="other")
    other.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("other", "x")}, name="Kettle"
    )
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "power_cycle", {"device_id": device.id}, blocking=True
        )
    assert err.value.translation_key == "not_blink_health_device"
    assert plugs[0].calls == []


async def test_plug_unavailable(
    hass: HomeAssistant,
    sim: SimServer,
    plugs: tuple[SimPlug, SimPlug],
    mapped: ConfigEntry,
) -> None:
    """An unavailable plug is refused before anything is switched."""
    hall, _ = plugs
    hall._attr_available = False
    hall.async_write_ha_state()
    with pytest.raises(ServiceValidationError) as err:
        await _power_cycle(hass, HALL_MINI)
    assert err.value.translation_key == "plug_unavailable"
    assert HALL_PLUG in str(err.value)
    assert hall.calls == []


async def test_plug_refuses_to_turn_on(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
    plugs: tuple[SimPlug, SimPlug],
    mapped: ConfigEntry,
) -> None:
    """Turn-on is retried with backoff; then a critical issue and an event; the action fails."""
    hall, _ = plugs
    hall.refuse_on = True
    events = async_capture_events(hass, EVENT_POWER_CYCLE)
    task = _call(hass, HALL_MINI)
    await async_advance(hass, freezer, 120, step=2)
    assert task.done()
    with pytest.raises(HomeAssistantError) as err:
        task.result()
    assert err.value.translation_key == "plug_stuck_off"
    # One off, then four attempts to switch it on (right away, after 2, 5 and 15 s).
    assert hall.calls == [False, True, True, True, True]
    issue = issue_registry.async_get_issue(DOMAIN, power_issue_id(hass, HALL_MINI))
    assert issue is not None
    assert issue.severity is ir.IssueSeverity.CRITICAL
    # The plug by its name, as the user sees it (issue 19).
    plug_state = hass.states.get(HALL_PLUG)
    assert plug_state is not None
    assert issue.translation_placeholders == {
        "device": "Hall Mini",
        "plug": plug_state.name,
    }
    assert [event.data["turned_on"] for event in events] == [False]
    # Switched on by hand: the issue goes once the plug has stayed on (#16: settle time).
    hall.refuse_on = False
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": HALL_PLUG}, blocking=True
    )
    hall.async_write_ha_state()
    await async_advance(hass, freezer, 5, step=1)
    assert (
        issue_registry.async_get_issue(DOMAIN, power_issue_id(hass, HALL_MINI)) is None
    )


async def test_concurrent_calls_join(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    plugs: tuple[SimPlug, SimPlug],
    mapped: ConfigEntry,
) -> None:
    """A second call while a cycle runs gets the same outcome; the plug is cycled once."""
    hall, _ = plugs
    first = _call(hass, HALL_MINI)
    await async_settle(hass)
    second = _call(hass, HALL_MINI, off_seconds=30)
    await async_advance(hass, freezer, 90)
    assert first.done()
    assert second.done()
    assert first.result() == second.result()
    assert first.result()["online_again"] is True
    assert hall.calls == [False, True]


async def test_cooldown_and_cap(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    plugs: tuple[SimPlug, SimPlug],
    init_integration: ConfigEntry,
) -> None:
    """Within the cooldown a call is refused with the time left; past the cap, until 24 h pass."""
    await async_map_plugs(
        hass, init_integration, {HALL_MINI: HALL_PLUG}, cooldown=5, max_attempts=2
    )
    task = _call(hass, HALL_MINI, wait_online=False)
    await async_advance(hass, freezer, 20)
    assert task.result()["attempts_left"] == 1
    assert task.result()["online_again"] is None
    with pytest.raises(ServiceValidationError) as err:
        await _power_cycle(hass, HALL_MINI)
    assert err.value.translation_key == "cooldown"
    assert err.value.translation_placeholders["minutes"] == "5"
    await async_advance(hass, freezer, 300, step=15)
    task = _call(hass, HALL_MINI, wait_online=False)
    await async_advance(hass, freezer, 20)
    assert task.result()["attempts_left"] == 0
    await async_advance(hass, freezer, 600, step=30)
    with pytest.raises(ServiceValidationError) as err:
        await _power_cycle(hass, HALL_MINI)
    assert err.value.translation_key == "attempt_cap"
    assert err.value.translation_placeholders["attempts"] == "2"
    # The history survives a reload (it is stored), so the cap still holds.
    await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    with pytest.raises(ServiceValidationError, match="2 times"):
        await _power_cycle(hass, HALL_MINI)
    assert plugs[0].calls == [False, True, False, True]


async def test_unload_in_the_off_period(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    plugs: tuple[SimPlug, SimPlug],
    mapped: ConfigEntry,
) -> None:
    """Unloading the entry while the plug is off switches it back on."""
    task = _call(hass, GARAGE_SYNC, off_seconds=60)
    await async_advance(hass, freezer, 10)
    assert hass.states.get(GARAGE_PLUG).state == STATE_OFF
    # Time moves while it unloads: the plug must stay on for a settle time (#16).
    assert await async_with_time(
        hass, freezer, hass.config_entries.async_unload(mapped.entry_id)
    )
    await hass.async_block_till_done()
    assert hass.states.get(GARAGE_PLUG).state == STATE_ON
    assert sim.world.plugs["plug-garage-sync"].on
    assert task.done()
    assert mapped.state is ConfigEntryState.NOT_LOADED


async def test_stop_then_start(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    plugs: tuple[SimPlug, SimPlug],
    mapped: ConfigEntry,
) -> None:
    """Home Assistant stopping mid-cycle switches the plug on; a crash is repaired at setup."""
    task = _call(hass, HALL_MINI, off_seconds=60)
    await async_advance(hass, freezer, 10)
    key = f"{DOMAIN}.power_cycles.{mapped.unique_id}"
    assert HALL_MINI in hass_storage[key]["data"]["in_flight"]
    assert hass.states.get(HALL_PLUG).state == STATE_OFF
    await async_stop_event(hass, freezer)
    assert hass.states.get(HALL_PLUG).state == STATE_ON
    assert hass_storage[key]["data"]["in_flight"] == {}
    # The caller is told the cycle was interrupted (its own task is not cancelled).
    with pytest.raises(HomeAssistantError) as err:
        await task
    assert err.value.translation_key == "power_cycle_interrupted"

    # A crash: the record says a cycle was under way and the plug is still off.
    await hass.config_entries.async_unload(mapped.entry_id)
    sim.world.set_plug("plug-hall-mini", False)
    plugs[0].async_write_ha_state()
    hass_storage[key]["data"]["in_flight"] = {
        HALL_MINI: {"plug": HALL_PLUG, "started": "2026-01-01T00:00:00+00:00"}
    }
    assert await hass.config_entries.async_setup(mapped.entry_id)
    await async_advance(hass, freezer, 5, step=1)
    assert hass.states.get(HALL_PLUG).state == STATE_ON
    assert hass_storage[key]["data"]["in_flight"] == {}


async def test_button(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    caplog: pytest.LogCaptureFixture,
    plugs: tuple[SimPlug, SimPlug],
    mapped: ConfigEntry,
) -> None:
    """Devices with a plug get a Power cycle button; pressing it cycles the plug."""
    buttons = {
        entry.unique_id
        for entry in er.async_entries_for_config_entry(entity_registry, mapped.entry_id)
        if entry.domain == "button" and entry.unique_id.endswith("-power_cycle")
    }
    assert buttons == {f"{HALL_MINI}-power_cycle", f"{GARAGE_SYNC}-power_cycle"}
    events: list[Event] = async_capture_events(hass, EVENT_POWER_CYCLE)
    # The press returns once the cycle is under way.
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.hall_mini_power_cycle"}, blocking=True
    )
    await async_settle(hass)
    assert plugs[0].calls == [False]
    await async_advance(hass, freezer, 20)
    assert plugs[0].calls == [False, True]
    assert events[0].data["online_again"] is None
    # The fast polls still see it come back.
    await async_advance(hass, freezer, 45)
    assert hass.states.get("binary_sensor.hall_mini_online").state == STATE_ON
    # A press within the cooldown is refused with the reason.
    with pytest.raises(ServiceValidationError, match="minutes"):
        await hass.services.async_call(
            "button",
            "press",
            {"entity_id": "button.hall_mini_power_cycle"},
            blocking=True,
        )

    # A press whose cycle fails later: the failure is logged (and the issue raised).
    garage = plugs[1]
    garage.refuse_on = True
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.garage_power_cycle"}, blocking=True
    )
    await async_advance(hass, freezer, 120, step=2)
    assert "Power cycle failed" in caplog.text
    assert ir.async_get(hass).async_get_issue(DOMAIN, power_issue_id(hass, GARAGE_SYNC))
    # Home Assistant stops with the plug still refusing: one more attempt, then the issue stays.
    await async_stop_event(hass, freezer)
    assert garage.calls[-2:] == [True, True]
    assert ir.async_get(hass).async_get_issue(DOMAIN, power_issue_id(hass, GARAGE_SYNC))


async def test_plug_chosen_in_a_repair_flow_is_saved(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    plugs: tuple[SimPlug, SimPlug],
    init_integration: ConfigEntry,
) -> None:
    """A plug passed to async_power_cycle (a repair flow's pick) is used and saved."""
    task = asyncio.get_running_loop().create_task(
        init_integration.runtime_data.power.async_power_cycle(
            HALL_MINI, plug=HALL_PLUG, wait_online=False
        )
    )
    await async_advance(hass, freezer, 20)
    assert task.result().turned_on is True
    assert init_integration.options["plugs"] == {HALL_MINI: HALL_PLUG}
    assert plugs[0].calls == [False, True]
