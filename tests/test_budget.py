"""Every Blink request within one budget (issue 17), against blinksim with time moved.

Each test prints `FAULT-MATRIX | …` lines like tests/test_faults.py (`pytest -s`); the README's
Reliability table takes its request counts from them, beside a healthy hour's or day's.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
import re
import shutil
import time
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from blinksim.server import SimServer
from custom_components.blink_health.const import DOMAIN
from custom_components.blink_health.governor import (
    COALESCE_SECONDS,
    EXTRA_PER_DAY,
    EXTRA_PER_MINUTE,
)

from .conftest import async_sign_in
from .power_helpers import (
    HALL_MINI,
    HALL_PLUG,
    SimPlug,
    async_add_switches,
    async_map_plugs,
    device_id,
)
from .test_faults import (
    FRONT_YARD,
    HOMESCREEN,
    INTERVAL,
    _escaped,
    _poll,
    _reachable,
    _reauth_flows,
    _unreachable_issue,
    report,
)
from .test_issues import async_set_options

TWENTY_MINIS = Path(__file__).parent / "fixtures" / "twenty_minis.json"
BLUEPRINT = (
    Path(__file__).parent.parent
    / "blueprints"
    / "automation"
    / "blink_health"
    / "restart_offline_device.yaml"
)
HOUR = 3600
NEXT_TRY = re.compile(r"Next try in (\d+) seconds")
# An hour moved one second at a time takes a minute or two of real time (more under coverage).
HOUR_LONG = pytest.mark.timeout(900)


# The outage history's figures move with time, not with Blink's answers (outages/).
HISTORY_KEYS = (
    "outages_24h",
    "last_outage",
    "availability_7d",
    "power_cycles_7d",
    "readds_7d",
)


def _entity_states(hass: HomeAssistant, entry: ConfigEntry) -> dict[str, str]:
    """Return the state of every entity of the entry that shows Blink's data."""
    registry = er.async_get(hass)
    return {
        item.entity_id: state.state
        for item in er.async_entries_for_config_entry(registry, entry.entry_id)
        if (state := hass.states.get(item.entity_id)) is not None
        and not item.unique_id.endswith(HISTORY_KEYS)
    }


async def _healthy_hour(
    hass: HomeAssistant, sim: SimServer, freezer: FrozenDateTimeFactory
) -> int:
    """Return what an hour of polling costs without anything asked (12 polls)."""
    sim.requests.reset()
    for _ in range(HOUR // INTERVAL):
        await _poll(hass, sim, freezer)
    return sim.requests.total()


async def _every_second(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: int
) -> None:
    """Move time on one second at a time, letting every automation run and poll finish."""
    for _ in range(seconds):
        freezer.tick(timedelta(seconds=1))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)


async def _stop_automation(hass: HomeAssistant) -> None:
    """Turn the automation off: its time trigger must not outlive the test."""
    await hass.services.async_call(
        "automation",
        "turn_off",
        {"entity_id": "all"},
        blocking=True,
    )


async def _diagnose_every_second(
    hass: HomeAssistant, entry: ConfigEntry, serial: str
) -> None:
    """Set up a user's automation that calls blink_health.diagnose every second."""
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "id": "diagnose_every_second",
                "mode": "parallel",
                "triggers": [{"trigger": "time_pattern", "seconds": "/1"}],
                "actions": [
                    {
                        "action": f"{DOMAIN}.diagnose",
                        "data": {"device_id": device_id(hass, serial)},
                        "continue_on_error": True,
                    }
                ],
            }
        },
    )
    await hass.async_block_till_done()


async def test_diagnose_calls_together_are_one_poll(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Ten diagnose calls at once are one poll, each answered with its data."""
    freezer.tick(timedelta(seconds=INTERVAL / 2))
    sim.requests.reset()
    calls = [
        hass.services.async_call(
            DOMAIN,
            "diagnose",
            {"device_id": device_id(hass, FRONT_YARD)},
            blocking=True,
            return_response=True,
        )
        for _ in range(10)
    ]
    responses = await asyncio.gather(*calls)
    report("ten diagnose calls at once", requests=sim.requests.total())
    assert sim.requests[HOMESCREEN] == 1
    assert all(response and response["fresh"] is True for response in responses)
    # Moments later: served the answer just fetched, still one request.
    freezer.tick(timedelta(seconds=COALESCE_SECONDS - 1))
    response = await hass.services.async_call(
        DOMAIN,
        "diagnose",
        {"device_id": device_id(hass, FRONT_YARD)},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    assert response["fresh"] is True
    assert response["fresh_data_at"] is None
    assert sim.requests[HOMESCREEN] == 1


@HOUR_LONG
async def test_diagnose_every_second_for_an_hour(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Blink healthy: an automation diagnosing every second stays within the budget."""
    healthy = await _healthy_hour(hass, sim, freezer)
    await _diagnose_every_second(hass, init_integration, FRONT_YARD)
    sim.requests.reset()
    per_minute = []
    for _ in range(HOUR // 60):
        before = sim.requests.total()
        await _every_second(hass, freezer, 60)
        per_minute.append(sim.requests.total() - before)
    hour = sim.requests.total()
    await _stop_automation(hass)
    report(
        "an automation calling diagnose every second for an hour, Blink healthy",
        healthy_hour=healthy,
        hour_of_diagnose=hour,
        most_in_a_minute=max(per_minute),
    )
    # Every minute: the schedule's poll and at most the budget's extra requests.
    assert max(per_minute) <= EXTRA_PER_MINUTE + 1
    assert hour <= healthy + min(EXTRA_PER_MINUTE * 60, EXTRA_PER_DAY)
    assert _reachable(hass, sim) == STATE_ON
    # The budget's day is not over yet: diagnose is still answered fresh now and then.
    assert hour > healthy


@HOUR_LONG
async def test_diagnose_every_second_while_blink_returns_503(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Blink answering 503: diagnose every second goes no faster than the backoff."""
    healthy = await _healthy_hour(hass, sim, freezer)
    await _diagnose_every_second(hass, init_integration, FRONT_YARD)
    sim.add_fault(HOMESCREEN, status=503, body="html", count=None)
    sim.requests.reset()
    moments: list[int] = []
    elapsed = 0
    seen = 0
    for _ in range(HOUR // 10):
        await _every_second(hass, freezer, 10)
        elapsed += 10
        if sim.requests[HOMESCREEN] > seen:
            moments.extend([elapsed] * (sim.requests[HOMESCREEN] - seen))
            seen = sim.requests[HOMESCREEN]
    await _stop_automation(hass)
    gaps = [
        later - earlier for earlier, later in zip(moments, moments[1:], strict=False)
    ]
    report(
        "an automation calling diagnose every second for an hour, Blink returning 503",
        healthy_hour=healthy,
        hour_of_diagnose=sim.requests.total(),
        waits_between_requests_s=gaps,
    )
    assert sim.requests.total() == len(moments) <= 4
    assert all(gap >= 2 * INTERVAL for gap in gaps)
    assert _unreachable_issue(hass)
    assert not _escaped(caplog)
    # Past *Blink cloud unreachable*: the device's last values no longer stand.
    assert hass.states.get("binary_sensor.front_yard_online").state == (
        STATE_UNAVAILABLE
    )
    response = await hass.services.async_call(
        DOMAIN,
        "diagnose",
        {"device_id": device_id(hass, FRONT_YARD)},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    assert response["fresh"] is False
    assert response["fresh_data_at"] is not None


async def test_one_failed_poll_keeps_every_value(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """One 503: every entity keeps its value; at *Blink cloud unreachable* they go unavailable."""
    entry = init_integration
    account = str(sim.world.account.account_id)
    before = _entity_states(hass, entry)
    reachable = er.async_get(hass).async_get_entity_id(
        "binary_sensor", DOMAIN, f"{account}-cloud_reachable"
    )
    latency = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{account}-cloud_latency"
    )
    requests = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{account}-api_requests"
    )
    assert reachable and latency and requests
    sim.add_fault(HOMESCREEN, status=503, body="html", count=None)
    sim.requests.reset()
    await _poll(hass, sim, freezer)
    after = _entity_states(hass, entry)
    changed = {
        entity_id
        for entity_id in before
        if before[entity_id] != after[entity_id] and entity_id != requests
    }
    report(
        "one failed poll",
        requests=sim.requests.total(),
        entities_unchanged=f"{len(before) - len(changed) - 1} of {len(before)}",
    )
    assert changed == {reachable}
    assert after[reachable] == STATE_OFF
    # The second and third failures (backoff: 10 and 20 minutes later).
    await _poll(hass, sim, freezer, seconds=2 * INTERVAL)
    assert hass.states.get("binary_sensor.front_yard_online").state == STATE_ON
    await _poll(hass, sim, freezer, seconds=4 * INTERVAL)
    assert _unreachable_issue(hass)
    states = _entity_states(hass, entry)
    assert states["binary_sensor.front_yard_online"] == STATE_UNAVAILABLE
    assert states[latency] == STATE_UNAVAILABLE
    assert states[requests] != STATE_UNAVAILABLE
    assert states[reachable] == STATE_OFF
    sim.clear_faults()
    await _poll(hass, sim, freezer, seconds=8 * INTERVAL)
    assert _entity_states(hass, entry)["binary_sensor.front_yard_online"] == STATE_ON
    assert not _unreachable_issue(hass)


@HOUR_LONG
async def test_blink_down_from_startup_for_an_hour(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Home Assistant starts with Blink down: the setup retries follow the announced backoff."""
    result = await async_sign_in(hass, sim)
    stored = result["result"]
    data, options, unique_id = dict(stored.data), dict(stored.options), stored.unique_id
    # What a restart leaves: the entry as stored, nothing in memory.
    await hass.config_entries.async_remove(stored.entry_id)
    await hass.async_block_till_done()
    sim.add_fault(HOMESCREEN, status=503, body="html", count=None)
    sim.requests.reset()
    caplog.clear()
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id=unique_id, data=data, options=options
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY
    moments = [0]
    announced = [int(NEXT_TRY.findall(str(entry.reason))[0])]
    issue_at: int | None = None
    elapsed, seen = 0, 1
    while elapsed < HOUR:
        freezer.tick(timedelta(seconds=5))
        elapsed += 5
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        if sim.requests[HOMESCREEN] > seen:
            seen = sim.requests[HOMESCREEN]
            moments.append(elapsed)
            announced.append(int(NEXT_TRY.findall(str(entry.reason))[0]))
        if issue_at is None and _unreachable_issue(hass):
            issue_at = seen
    gaps = [
        later - earlier for earlier, later in zip(moments, moments[1:], strict=False)
    ]
    report(
        "Blink down from startup for an hour",
        attempts=len(moments),
        announced_waits_s=announced[:-1],
        waits_between_attempts_s=gaps,
        issue_at_failed_poll=issue_at,
    )
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert issue_at == 3
    assert announced[:3] == [600, 1200, 2400]
    # Each try comes after the wait the log announced, and at most one of Home
    # Assistant's own setup retries (80 s apart at most) later.
    for gap, wait in zip(gaps, announced, strict=False):
        assert wait <= gap <= wait + 90
    assert sim.requests.total() == len(moments)
    assert not _reauth_flows(hass)
    # Blink back: the next try sets the entry up and clears the issue.
    sim.clear_faults()
    for _ in range(HOUR // 60 + 2):
        if entry.state is ConfigEntryState.LOADED:
            break
        freezer.tick(timedelta(seconds=60))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.LOADED
    assert not _unreachable_issue(hass)


@pytest.mark.parametrize("sim_scenario", ["large"])
async def test_options_saves_on_a_large_account(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Saving the options reloads the entry: one request each, not a hundred details."""
    entry = init_integration
    per_save = []
    for bars in (1, 2, 3):
        freezer.tick(timedelta(seconds=60))
        sim.requests.reset()
        await async_set_options(hass, entry, weak_wifi_bars=bars)
        assert entry.state is ConfigEntryState.LOADED
        per_save.append(sim.requests.total())
    # Three saves in a row: the reload after the first is answered, the others served it.
    sim.requests.reset()
    for bars in (1, 2, 3):
        await async_set_options(hass, entry, weak_wifi_bars=bars)
    in_a_row = sim.requests.total()
    shown = hass.states.get("sensor.blink_account_requests_in_the_last_hour")
    report(
        "three options saves on the large account (100 cameras)",
        requests_per_save=per_save,
        three_saves_in_a_row=in_a_row,
        requests_in_the_last_hour_shown=shown.state if shown else None,
    )
    assert per_save == [1, 1, 1]
    assert in_a_row <= 1
    # The count survives the reloads: setup (sign-in, 100 details) and every save.
    assert shown is not None
    assert int(shown.state) >= 100 + sum(per_save)


async def test_actions_refuse_devices_that_left_the_account(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A device kept only as stale: power_cycle and diagnose say so and send nothing."""
    hall = SimPlug(sim, "plug-hall-mini", HALL_PLUG)
    await async_add_switches(hass, [hall])
    await async_map_plugs(hass, init_integration, {HALL_MINI: HALL_PLUG})
    sim.world.remove_device(HALL_MINI)
    await _poll(hass, sim, freezer)
    # Still in Home Assistant (removed after two polls), no longer on the account.
    target = device_id(hass, HALL_MINI)
    sim.requests.reset()
    for action in ("power_cycle", "diagnose"):
        with pytest.raises(ServiceValidationError) as refused:
            await hass.services.async_call(
                DOMAIN,
                action,
                {"device_id": target},
                blocking=True,
                return_response=True,
            )
        assert refused.value.translation_key == "device_left_account"
        assert "Hall Mini" in str(refused.value)
    assert hall.calls == []
    assert sim.requests.total() == 0


async def _blueprint_automation(hass: HomeAssistant, tmp_path: Path) -> None:
    """Set up the restart blueprint for every Mini's Online sensor."""
    hass.config.config_dir = str(tmp_path)
    target = tmp_path / "blueprints" / "automation" / "blink_health"
    target.mkdir(parents=True)
    shutil.copy(BLUEPRINT, target / BLUEPRINT.name)
    sensors = [f"binary_sensor.mini_{index:02d}_online" for index in range(1, 21)]
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "id": "restart_blink",
                "use_blueprint": {
                    "path": "blink_health/restart_offline_device.yaml",
                    "input": {"online_sensors": sensors, "offline_minutes": 5},
                },
            }
        },
    )
    await hass.async_block_till_done()


async def _advance(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float, step: float
) -> None:
    """Move time on without waiting for the automations' runs (they wait on timers)."""
    elapsed = 0.0
    while elapsed < seconds:
        freezer.tick(timedelta(seconds=step))
        elapsed += step
        async_fire_time_changed(hass)
        for _ in range(5):
            await asyncio.sleep(0)
            if pending := [task for task in hass._background_tasks if not task.done()]:
                await asyncio.wait(pending)


@HOUR_LONG
@pytest.mark.parametrize("sim_scenario", [str(TWENTY_MINIS)])
async def test_twenty_devices_offline_with_the_restart_blueprint(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    tmp_path: Path,
) -> None:
    """Twenty Minis hang at once: the blueprint restarts each; their checks share the polls."""
    minis = [f"G8T3000000{100 + index:04d}" for index in range(1, 21)]
    plugs = [
        SimPlug(sim, f"plug-mini-{index:02d}", f"switch.mini_{index:02d}_plug")
        for index in range(1, 21)
    ]
    await async_add_switches(hass, plugs)
    await async_map_plugs(
        hass,
        init_integration,
        {serial: plug.entity_id for serial, plug in zip(minis, plugs, strict=True)},
    )
    await _blueprint_automation(hass, tmp_path)
    healthy = await _healthy_hour(hass, sim, freezer)
    sim.requests.reset()
    for serial in minis:
        sim.world.patch_device(serial, {"hung": True})
    await _advance(hass, freezer, HOUR, step=5)
    hour = sim.requests.total()
    online = [
        hass.states.get(f"binary_sensor.mini_{index:02d}_online").state
        for index in range(1, 21)
    ]
    report(
        "twenty devices offline at once, the restart blueprint",
        healthy_hour=healthy,
        hour_of_restarts=hour,
        restarted=sum(1 for plug in plugs if plug.calls),
        online_again=online.count(STATE_ON),
    )
    assert all(plug.calls[:2] == [False, True] for plug in plugs)
    assert online == [STATE_ON] * 20
    # Verifying twenty restarts shares the fast polls (one homescreen each).
    assert hour <= healthy + min(EXTRA_PER_MINUTE * 60, EXTRA_PER_DAY)


DAMAGED_SIGN_INS: dict[str, dict[str, Any]] = {
    "expiration_date not a number": {"expiration_date": "soon"},
    "expiration_date of the wrong type": {"expiration_date": [1]},
    "the access token missing": {"token": None},
    "the access token not text": {"token": 12345},
    "the account id as text": {"account_id": "1001"},
    "the region missing": {"region_id": None, "host": None},
    "every token missing": {"token": None, "refresh_token": None},
    "tokens and password missing": {
        "token": None,
        "refresh_token": None,
        "password": None,
    },
}


@pytest.mark.parametrize("damage", list(DAMAGED_SIGN_INS))
async def test_damaged_stored_sign_in(
    hass: HomeAssistant,
    sim: SimServer,
    caplog: pytest.LogCaptureFixture,
    damage: str,
) -> None:
    """Damaged sign-in data in the entry: renewed, or a reauth; never a setup retry loop."""
    result = await async_sign_in(hass, sim)
    stored = result["result"]
    data, unique_id = dict(stored.data), stored.unique_id
    await hass.config_entries.async_remove(stored.entry_id)
    await hass.async_block_till_done()
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=unique_id,
        data={**data, **DAMAGED_SIGN_INS[damage]},
    )
    entry.add_to_hass(hass)
    sim.requests.reset()
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    reauth = bool(_reauth_flows(hass))
    report(
        f"damaged stored sign-in: {damage}",
        outcome="reauth" if reauth else str(entry.state.value),
        requests=sim.requests.total(),
    )
    assert not _escaped(caplog)
    if reauth:
        assert entry.state is ConfigEntryState.SETUP_ERROR
    else:
        assert entry.state is ConfigEntryState.LOADED
        # What is stored now is sound: a restart needs no renewal of its own.
        assert isinstance(entry.data["expiration_date"], (int, float))
        assert isinstance(entry.data["token"], str)


async def test_spent_budget_serves_the_last_data_and_polling_goes_on(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """With the day's extra requests spent, diagnose is served; the scheduled poll still runs."""
    coordinator = init_integration.runtime_data.coordinator
    freezer.tick(timedelta(seconds=60))
    # A day of on-demand requests already sent (as test_diagnose_every_second_… would).
    coordinator.governor.sent(time.monotonic(), EXTRA_PER_DAY, reserved=False)
    sim.requests.reset()
    response = await hass.services.async_call(
        DOMAIN,
        "diagnose",
        {"device_id": device_id(hass, FRONT_YARD)},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    assert response["fresh"] is False
    assert response["fresh_data_at"] is not None
    assert sim.requests.total() == 0
    assert hass.states.get("binary_sensor.front_yard_online").state == STATE_ON
    # The poll at the options' interval is the reserved share: never refused.
    await _poll(hass, sim, freezer)
    assert sim.requests[HOMESCREEN] == 1
    assert _reachable(hass, sim) == STATE_ON


async def test_a_refresh_refused_by_the_budget_is_late_not_lost(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A user's refresh with the minute's budget spent is sent once the budget admits it."""
    assert await async_setup_component(hass, "homeassistant", {})
    coordinator = init_integration.runtime_data.coordinator
    freezer.tick(timedelta(seconds=60))
    # A minute's extra requests just spent (a setup and two options saves, say).
    coordinator.governor.sent(time.monotonic(), EXTRA_PER_MINUTE, reserved=False)
    sim.world.patch_device(FRONT_YARD, {"status": "offline"})
    sim.requests.reset()
    await hass.services.async_call(
        "homeassistant",
        "update_entity",
        {"entity_id": "binary_sensor.front_yard_online"},
        blocking=True,
    )
    assert sim.requests.total() == 0
    assert hass.states.get("binary_sensor.front_yard_online").state == STATE_ON
    # Asked again meanwhile: still one put-off poll, not one per ask.
    freezer.tick(timedelta(seconds=20))
    async_fire_time_changed(hass)
    await hass.services.async_call(
        "homeassistant",
        "update_entity",
        {"entity_id": "binary_sensor.front_yard_online"},
        blocking=True,
    )
    await hass.async_block_till_done()
    assert sim.requests.total() == 0
    # The minute passes: the put-off poll goes out by itself, once.
    freezer.tick(timedelta(seconds=41))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert sim.requests[HOMESCREEN] == 1
    assert hass.states.get("binary_sensor.front_yard_online").state == STATE_OFF
    freezer.tick(timedelta(seconds=30))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert sim.requests[HOMESCREEN] == 1
