"""The notify-device-problem blueprint: valid, one notification per device, buttons that work."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
import shutil
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint import models
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict
from pytest_homeassistant_custom_component.common import (
    async_fire_time_changed,
    async_mock_service,
)

from blinksim.server import SimServer

from .power_helpers import GARAGE_SYNC, HALL_MINI, HALL_PLUG, SimPlug, async_map_plugs

BLUEPRINT = (
    Path(__file__).parent.parent
    / "blueprints"
    / "automation"
    / "blink_health"
    / "notify_device_problem.yaml"
)
HALL_HEALTH = "sensor.hall_mini_health"
GARAGE_HEALTH = "sensor.garage_health"
HALL_TAG = "blink_health_sensor_hall_mini_health"
HOME_SYNC = "G8T10000000001"


def test_blueprint_is_valid() -> None:
    """Home Assistant's automation blueprint schema accepts the blueprint."""
    blueprint = models.Blueprint(
        load_yaml_dict(str(BLUEPRINT)),
        expected_domain="automation",
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )
    assert blueprint.domain == "automation"
    assert set(blueprint.inputs) == {
        "health_sensors",
        "problem_minutes",
        "notify_action",
    }


async def _setup_automation(
    hass: HomeAssistant, tmp_path: Path, sensors: list[str] | None = None
) -> list[ServiceCall]:
    """Use the blueprint (for the Hall Mini and the Garage Sync Module); return the notify calls."""
    calls = async_mock_service(hass, "notify", "mobile_app_phone")
    hass.config.config_dir = str(tmp_path)
    target = tmp_path / "blueprints" / "automation" / "blink_health"
    target.mkdir(parents=True)
    shutil.copy(BLUEPRINT, target / BLUEPRINT.name)
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "id": "notify_blink",
                "use_blueprint": {
                    "path": "blink_health/notify_device_problem.yaml",
                    "input": {
                        "health_sensors": sensors or [HALL_HEALTH, GARAGE_HEALTH],
                        "problem_minutes": 5,
                        "notify_action": "notify.mobile_app_phone",
                    },
                },
            }
        },
    )
    await hass.async_block_till_done()
    return calls


def _buttons(call: ServiceCall) -> list[tuple[str, str]]:
    """Return a notification's buttons as (title, action or uri)."""
    actions: list[dict[str, Any]] = call.data["data"]["actions"]
    return [
        (button["title"], button.get("uri", button["action"])) for button in actions
    ]


async def _advance(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float, step: float
) -> None:
    """Move time on, waiting for polls (background tasks) but not for the automation's runs.

    A snoozed run waits an hour on a timer only this loop fires: waiting for it would hang.
    """
    for _ in range(round(seconds / step)):
        freezer.tick(timedelta(seconds=step))
        async_fire_time_changed(hass)
        for _ in range(5):
            await asyncio.sleep(0)
            if pending := [task for task in hass._background_tasks if not task.done()]:
                await asyncio.wait(pending)


def _press(hass: HomeAssistant, action: str) -> None:
    """Press a notification's button, as the Companion app reports it."""
    hass.bus.async_fire("mobile_app_notification_action", {"action": action})


async def test_one_notification_with_buttons_that_work(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    tmp_path: Path,
    init_integration: ConfigEntry,
    plugs: tuple[SimPlug, SimPlug],
) -> None:
    """The Mini's problem: one notification; Power-cycle cycles it; cured, it is cleared."""
    hall, _ = plugs
    await async_map_plugs(hass, init_integration, {HALL_MINI: HALL_PLUG})
    calls = await _setup_automation(hass, tmp_path)
    sim.requests.reset()

    sim.world.patch_device(HALL_MINI, {"status": "offline"})
    await _advance(hass, freezer, 15 * 60, step=30)
    assert hass.states.get(HALL_HEALTH).state == "problem"
    assert calls == []  # a problem, not yet for 5 minutes
    await _advance(hass, freezer, 6 * 60, step=30)
    assert len(calls) == 1
    notification = calls[0].data
    assert notification["title"] == "Hall Mini needs attention"
    assert notification["data"]["tag"] == HALL_TAG
    assert notification["data"]["url"] == "/config/repairs"
    assert _buttons(calls[0]) == [
        ("Power-cycle", f"BLINK_HEALTH_POWER_CYCLE|{HALL_HEALTH}"),
        ("Troubleshoot", "/config/repairs"),
        ("Snooze 1 h", f"BLINK_HEALTH_SNOOZE|{HALL_HEALTH}"),
    ]
    # Still a problem an hour on: no second notification stacked on the first.
    await _advance(hass, freezer, 3600, step=60)
    assert len(calls) == 1

    # Power-cycle: the plug goes off and on, the Mini boots and comes back.
    hall.on_turn_off = lambda: sim.world.patch_device(HALL_MINI, {"status": "online"})
    _press(hass, f"BLINK_HEALTH_POWER_CYCLE|{HALL_HEALTH}")
    await _advance(hass, freezer, 120, step=5)
    assert hall.calls == [False, True]
    assert hass.states.get(HALL_HEALTH).state == "ok"
    assert len(calls) == 2
    assert calls[1].data == {
        "message": "clear_notification",
        "data": {"tag": HALL_TAG},
    }
    # The blueprint itself sends no Blink request: only polls and the power cycle's.
    assert set(sim.requests) == {"GET /api/v3/accounts/{account_id}/homescreen"}


async def test_snooze_reminds_an_hour_later_in_the_same_notification(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    tmp_path: Path,
    init_integration: ConfigEntry,
) -> None:
    """Snooze 1 h: the notification goes; an hour later, still a problem, it comes back."""
    calls = await _setup_automation(hass, tmp_path)
    sim.world.patch_device(GARAGE_SYNC, {"status": "offline"})
    await _advance(hass, freezer, 21 * 60, step=30)
    assert len(calls) == 1
    tag = calls[0].data["data"]["tag"]
    assert tag == "blink_health_sensor_garage_health"
    # No plug set for the Garage Sync Module: no Power-cycle button.
    assert [title for title, _ in _buttons(calls[0])] == ["Troubleshoot", "Snooze 1 h"]
    # Buttons of sensors this automation does not watch, and unknown buttons, do nothing.
    _press(hass, "BLINK_HEALTH_SNOOZE|sensor.front_yard_health")
    _press(hass, "SOMETHING_ELSE")
    await hass.async_block_till_done()
    assert len(calls) == 1

    _press(hass, f"BLINK_HEALTH_SNOOZE|{GARAGE_HEALTH}")
    await _advance(hass, freezer, 1, step=1)
    assert calls[1].data == {"message": "clear_notification", "data": {"tag": tag}}
    await _advance(hass, freezer, 59 * 60, step=60)
    assert len(calls) == 2
    await _advance(hass, freezer, 2 * 60, step=60)
    assert len(calls) == 3
    assert calls[2].data["data"]["tag"] == tag  # replaces, does not stack
    assert calls[2].data["title"] == "Garage needs attention"

    # Snoozed again, and cured within the hour: cleared, no reminder.
    _press(hass, f"BLINK_HEALTH_SNOOZE|{GARAGE_HEALTH}")
    await _advance(hass, freezer, 1, step=1)
    sim.world.patch_device(GARAGE_SYNC, {"status": "online"})
    await _advance(hass, freezer, 3700, step=60)
    assert hass.states.get(GARAGE_HEALTH).state == "ok"
    assert [call.data["message"] for call in calls[3:]] == [
        "clear_notification",
        "clear_notification",
    ]


async def test_one_notification_per_root_cause(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    tmp_path: Path,
    init_integration: ConfigEntry,
) -> None:
    """The Home Sync Module offline with its cameras watched too: one notification, its own."""
    cameras = [
        "sensor.front_yard_health",
        "sensor.back_yard_health",
        "sensor.side_gate_health",
    ]
    calls = await _setup_automation(hass, tmp_path, ["sensor.home_health", *cameras])
    sim.world.patch_device(HOME_SYNC, {"status": "offline"})
    await _advance(hass, freezer, 40 * 60, step=60)
    assert {hass.states.get(sensor).state for sensor in cameras} == {"blocked"}
    assert [call.data["title"] for call in calls] == ["Home needs attention"]
    sim.world.patch_device(HOME_SYNC, {"status": "online"})
    await _advance(hass, freezer, 5 * 60, step=60)
    assert [call.data["message"] for call in calls[1:]] == ["clear_notification"]
    assert calls[1].data["data"]["tag"] == "blink_health_sensor_home_health"
