"""The restart-offline-device blueprint: valid for Home Assistant, and it restarts a device once."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
import shutil

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint import models
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict
from pytest_homeassistant_custom_component.common import (
    async_capture_events,
    async_fire_time_changed,
)

from blinksim.server import SimServer
from custom_components.blink_health.const import EVENT_POWER_CYCLE

from .power_helpers import HALL_MINI, HALL_PLUG, async_map_plugs, async_setup_plugs

BLUEPRINT = (
    Path(__file__).parent.parent
    / "blueprints"
    / "automation"
    / "blink_health"
    / "restart_offline_device.yaml"
)


def test_blueprint_is_valid() -> None:
    """Home Assistant's automation blueprint schema accepts the blueprint."""
    blueprint = models.Blueprint(
        load_yaml_dict(str(BLUEPRINT)),
        expected_domain="automation",
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )
    assert blueprint.domain == "automation"
    assert set(blueprint.inputs) == {
        "online_sensors",
        "offline_minutes",
        "off_seconds",
        "on_failure",
    }


async def _advance(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float, step: float
) -> None:
    """Move time on without waiting for every task (the automation's run waits on timers)."""
    elapsed = 0.0
    while elapsed < seconds:
        freezer.tick(timedelta(seconds=step))
        elapsed += step
        async_fire_time_changed(hass)
        # Polls (background tasks) do real I/O with the in-process simulator: wait for them,
        # but not for the automation's run, which waits on timers this loop fires.
        for _ in range(5):
            await asyncio.sleep(0)
            if pending := [task for task in hass._background_tasks if not task.done()]:
                await asyncio.wait(pending)


async def test_blueprint_restarts_an_offline_device_once(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    tmp_path: Path,
    init_integration: ConfigEntry,
) -> None:
    """The Mini goes offline; 5 minutes later the automation power-cycles it, once."""
    hall, _ = await async_setup_plugs(hass, sim)
    await async_map_plugs(hass, init_integration, {HALL_MINI: HALL_PLUG})
    # The restart cures it, as it often does.
    hall.on_turn_off = lambda: sim.world.patch_device(HALL_MINI, {"status": "online"})
    hass.config.config_dir = str(tmp_path)
    target = tmp_path / "blueprints" / "automation" / "blink_health"
    target.mkdir(parents=True)
    shutil.copy(BLUEPRINT, target / BLUEPRINT.name)
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "id": "restart_blink",
                "use_blueprint": {
                    "path": "blink_health/restart_offline_device.yaml",
                    "input": {
                        "online_sensors": ["binary_sensor.hall_mini_online"],
                        "offline_minutes": 5,
                        "on_failure": [{"event": "restart_failed"}],
                    },
                },
            }
        },
    )
    await hass.async_block_till_done()
    cycles = async_capture_events(hass, EVENT_POWER_CYCLE)
    failures = async_capture_events(hass, "restart_failed")

    sim.world.patch_device(HALL_MINI, {"status": "offline"})
    await _advance(hass, freezer, 300, step=30)
    assert hass.states.get("binary_sensor.hall_mini_online").state == STATE_OFF
    assert hall.calls == []
    # Five minutes offline: the automation restarts it; it boots and comes back.
    await _advance(hass, freezer, 420, step=5)
    assert hall.calls == [False, True]
    assert hass.states.get("binary_sensor.hall_mini_online").state == STATE_ON
    assert [event.data["online_again"] for event in cycles] == [True]
    assert failures == []
    # An hour later it is still up and was not restarted again.
    await _advance(hass, freezer, 3600, step=60)
    assert hall.calls == [False, True]
    await hass.async_block_till_done()
