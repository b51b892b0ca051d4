"""Smart plugs for power-cycle tests: Home Assistant switch entities that drive blinksim plugs."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.switch import SwitchEntity
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import HomeAssistant, ServiceResponse
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    async_fire_time_changed,
    setup_test_component_platform,
)

from blinksim.server import SimServer
from custom_components.blink_health.const import DOMAIN

HALL_MINI = "G8T30000000001"
GARAGE_SYNC = "G8T10000000002"
FRONT_YARD = "G8T20000000001"  # a battery camera
FRONT_DOOR = "G8T40000000001"  # a doorbell (wired or battery): no plug in the demo
HALL_PLUG = "switch.hall_mini_plug"
GARAGE_PLUG = "switch.garage_plug"


class SimPlug(SwitchEntity):
    """A smart plug switch whose state is the simulator's plug: turning it drives the simulator."""

    _attr_should_poll = False

    def __init__(self, sim: SimServer, plug_id: str, entity_id: str) -> None:
        """Bind the switch to a simulator plug."""
        self.sim = sim
        self.plug_id = plug_id
        self.entity_id = entity_id
        self._attr_name = entity_id
        self.refuse_on = False  # a broken plug: turn_on does nothing
        self.calls: list[bool] = []
        self.on_turn_off: Callable[[], None] | None = None

    @property
    def is_on(self) -> bool:
        """Return the simulator plug's state."""
        return bool(self.sim.world.plugs[self.plug_id].on)

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch the simulator plug on (unless this plug is broken)."""
        self.calls.append(True)
        if not self.refuse_on:
            self.sim.world.set_plug(self.plug_id, True)
        self.async_write_ha_state()

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch the simulator plug off."""
        self.calls.append(False)
        self.sim.world.set_plug(self.plug_id, False)
        self.async_write_ha_state()
        if self.on_turn_off is not None:
            self.on_turn_off()


def demo_plugs(sim: SimServer, prefix: str = "") -> tuple[SimPlug, SimPlug]:
    """Return switches for a demo account's two plugs (Hall Mini, Garage Sync Module).

    Their entity ids are HALL_PLUG and GARAGE_PLUG, with `prefix` after "switch." for a
    second account's plugs.
    """
    return (
        SimPlug(sim, "plug-hall-mini", HALL_PLUG.replace(".", f".{prefix}")),
        SimPlug(sim, "plug-garage-sync", GARAGE_PLUG.replace(".", f".{prefix}")),
    )


async def async_add_switches(hass: HomeAssistant, switches: list[SimPlug]) -> None:
    """Set the switches up through the switch integration (once per test)."""
    setup_test_component_platform(hass, "switch", switches)
    assert await async_setup_component(hass, "switch", {"switch": {"platform": "test"}})
    await hass.async_block_till_done()


async def async_setup_plugs(
    hass: HomeAssistant, sim: SimServer
) -> tuple[SimPlug, SimPlug]:
    """Add the demo's two plugs as switch entities (through the switch integration)."""
    hall, garage = demo_plugs(sim)
    await async_add_switches(hass, [hall, garage])
    return hall, garage


def device_id(hass: HomeAssistant, serial: str) -> str:
    """Return the registry id of a Blink Health device."""
    return next(
        device.id
        for device in dr.async_get(hass).devices
        if (DOMAIN, serial) in device.identifiers
    )


def power_issue_id(hass: HomeAssistant, serial: str) -> str:
    """Return the id of a device's "plug may still be off" issue (by device id, never serial)."""
    return f"power_cycle_failed_{device_id(hass, serial)}"


def start_power_cycle(
    hass: HomeAssistant, serial: str, **data: Any
) -> asyncio.Task[ServiceResponse]:
    """Start the power_cycle action in the background (it waits on timers the test moves)."""
    return asyncio.get_running_loop().create_task(
        hass.services.async_call(
            DOMAIN,
            "power_cycle",
            {"device_id": device_id(hass, serial), **data},
            blocking=True,
            return_response=True,
        )
    )


async def async_open_plug_step(
    hass: HomeAssistant, entry: ConfigEntry, serial: str
) -> Any:
    """Open Options → Smart plugs, choose the device, and return its plug form."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "plugs"}
    )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"device": serial}
    )
    assert result["step_id"] == "plug", result
    return result


async def async_map_plugs(
    hass: HomeAssistant,
    entry: ConfigEntry,
    plugs: dict[str, str],
    *,
    cooldown: int = 15,
    max_attempts: int = 3,
) -> None:
    """Choose plugs through the options flow (menu → Smart plugs → device); the entry reloads."""
    for serial, plug in plugs.items():
        result = await async_open_plug_step(hass, entry, serial)
        result = await hass.config_entries.options.async_configure(
            result["flow_id"],
            {"plug": plug, "cooldown_minutes": cooldown, "max_attempts": max_attempts},
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY, result
        await hass.async_block_till_done(wait_background_tasks=True)


async def async_settle(hass: HomeAssistant) -> None:
    """Let untracked tasks (a running power cycle) get as far as they can without time moving."""
    for _ in range(10):
        await asyncio.sleep(0)
        await hass.async_block_till_done(wait_background_tasks=True)


async def async_advance(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float, step: float = 5
) -> None:
    """Move time on in steps, firing timers and letting polls (real I/O) finish each time."""
    elapsed = 0.0
    while elapsed < seconds:
        freezer.tick(timedelta(seconds=step))
        elapsed += step
        async_fire_time_changed(hass)
        await async_settle(hass)


async def async_with_time[T](
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    awaitable: Awaitable[T],
    *,
    step: float = 0.5,
    limit: float = 120,
) -> T:
    """Await something that waits on timers (a plug's settle time), moving time meanwhile.

    The loop's clock is frozen with the rest: an unload or stop that confirms a plug on
    (reported on, still on after a few seconds) only ends when time moves.
    """
    task = asyncio.ensure_future(awaitable)
    elapsed = 0.0
    while not task.done():
        assert elapsed <= limit, "still waiting after the time limit"
        for _ in range(5):
            await asyncio.sleep(0)
        if task.done():
            break
        freezer.tick(timedelta(seconds=step))
        elapsed += step
        async_fire_time_changed(hass)
    return await task


async def async_stop_event(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Fire Home Assistant's stop event and let its listeners finish, time moving."""
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await async_with_time(hass, freezer, hass.async_block_till_done())
