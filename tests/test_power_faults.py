"""Power cycles under interference: someone else at the plug, an unload mid-cycle, two accounts.

Rows of the README's fault matrix (printed as `FAULT-MATRIX | …` with pytest -s), with the
Blink requests each cycle cost, counted by the simulator.
"""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
import pytest

from blinksim.server import SimServer
from custom_components.blink_health.const import DOMAIN

from .conftest import async_sign_in, use_sim
from .power_helpers import (
    GARAGE_PLUG,
    GARAGE_SYNC,
    HALL_MINI,
    HALL_PLUG,
    SimPlug,
    async_add_switches,
    async_advance,
    async_map_plugs,
    async_settle,
    async_with_time,
    demo_plugs,
    power_issue_id,
    start_power_cycle,
)
from .test_faults import HOMESCREEN, report

SECOND = "b_"  # entity id prefix of the second account's plugs
SECOND_HALL_MINI = HALL_MINI.replace("G8T", "G9T")
SECOND_GARAGE_SYNC = GARAGE_SYNC.replace("G8T", "G9T")


@pytest.fixture
async def plugs(hass: HomeAssistant, sim: SimServer) -> tuple[SimPlug, SimPlug]:
    """Return the Hall Mini's and the Garage Sync Module's plugs as switch entities."""
    hall, garage = demo_plugs(sim)
    await async_add_switches(hass, [hall, garage])
    return hall, garage


@pytest.fixture
async def mapped(
    hass: HomeAssistant, plugs: tuple[SimPlug, SimPlug], init_integration: ConfigEntry
) -> ConfigEntry:
    """Set Blink Health up with both plugs chosen in the options."""
    await async_map_plugs(
        hass, init_integration, {HALL_MINI: HALL_PLUG, GARAGE_SYNC: GARAGE_PLUG}
    )
    return init_integration


def _in_flight(hass_storage: dict[str, Any], entry: ConfigEntry) -> dict[str, Any]:
    """Return the power cycles stored as under way."""
    stored = hass_storage[f"{DOMAIN}.power_cycles.{entry.unique_id}"]["data"]
    return dict(stored["in_flight"])


def _press(sim: SimServer, plug: SimPlug, on: bool) -> None:
    """Someone else switches the plug (its own button, its own app): the plug reports it."""
    sim.world.set_plug(plug.plug_id, on)
    plug.async_write_ha_state()


async def test_plug_switched_on_by_someone_during_the_off_period(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    plugs: tuple[SimPlug, SimPlug],
    mapped: ConfigEntry,
) -> None:
    """The plug back on early: the cycle does not switch it again and still verifies."""
    hall, _ = plugs
    sim.requests.reset()
    task = start_power_cycle(hass, HALL_MINI, off_seconds=30)
    await async_settle(hass)
    assert hass.states.get(HALL_PLUG).state == STATE_OFF
    await async_advance(hass, freezer, 10)
    _press(sim, hall, on=True)
    await async_advance(hass, freezer, 90)
    outcome = task.result()
    report(
        "plug switched on by someone during the off period",
        plug_calls=hall.calls,
        online_again=outcome["online_again"],
        requests=sim.requests.total(),
    )
    assert outcome["turned_on"] is True
    assert outcome["online_again"] is True
    assert hall.calls == [False]
    assert hass.states.get(HALL_PLUG).state == STATE_ON
    assert _in_flight(hass_storage, mapped) == {}
    assert sim.requests[HOMESCREEN] == sim.requests.total() <= 8


async def test_plug_switched_off_by_someone_while_verifying(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    plugs: tuple[SimPlug, SimPlug],
    mapped: ConfigEntry,
) -> None:
    """The plug off again after the cycle: the user's choice stands; the cycle says not online."""
    hall, _ = plugs
    task = start_power_cycle(hass, HALL_MINI, timeout=120)
    await async_advance(hass, freezer, 20)
    assert hall.calls == [False, True]
    _press(sim, hall, on=False)
    sim.requests.reset()
    await async_advance(hass, freezer, 150)
    outcome = task.result()
    polls_while_verifying = sim.requests.total()
    sim.requests.reset()
    await async_advance(hass, freezer, 900, step=60)
    report(
        "plug switched off by someone while verifying",
        plug_calls=hall.calls,
        online_again=outcome["online_again"],
        requests_while_verifying=polls_while_verifying,
        requests_in_the_next_15_min=sim.requests.total(),
    )
    assert outcome["turned_on"] is True
    assert outcome["online_again"] is False
    # Never switched on against the user, and nothing is reported stuck: the cycle did its part.
    assert hall.calls == [False, True]
    assert hass.states.get(HALL_PLUG).state == STATE_OFF
    assert not ir.async_get(hass).async_get_issue(
        DOMAIN, power_issue_id(hass, HALL_MINI)
    )
    assert _in_flight(hass_storage, mapped) == {}
    # Fast polls (every 15 s) only for the verification, then the usual interval again.
    assert polls_while_verifying <= 120 // 15 + 1
    assert sim.requests.total() == 3
    assert mapped.runtime_data.coordinator.update_interval.total_seconds() == 300


@pytest.mark.parametrize(("phase", "seconds"), [("off period", 10), ("verifying", 70)])
async def test_unload_mid_cycle(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    plugs: tuple[SimPlug, SimPlug],
    mapped: ConfigEntry,
    phase: str,
    seconds: float,
) -> None:
    """Unloaded mid-cycle: the plug ends on, the caller is told, nothing polls afterwards."""
    _, garage = plugs
    task = start_power_cycle(hass, GARAGE_SYNC, off_seconds=60)
    await async_advance(hass, freezer, seconds)
    expected = STATE_OFF if phase == "off period" else STATE_ON
    assert hass.states.get(GARAGE_PLUG).state == expected
    # Time moves while it unloads: the plug must stay on for a settle time (#16).
    assert await async_with_time(
        hass, freezer, hass.config_entries.async_unload(mapped.entry_id)
    )
    await hass.async_block_till_done()
    assert hass.states.get(GARAGE_PLUG).state == STATE_ON
    assert sim.world.plugs["plug-garage-sync"].on
    with pytest.raises(HomeAssistantError) as err:
        await task
    assert err.value.translation_key == "power_cycle_interrupted"
    # Confirmed on once it held for the settle time (#16), by the keeper after the unload.
    await async_advance(hass, freezer, 5, step=1)
    assert _in_flight(hass_storage, mapped) == {}
    sim.requests.reset()
    await async_advance(hass, freezer, 900, step=15)
    report(
        f"entry unloaded mid-cycle ({phase})",
        plug_calls=garage.calls,
        requests_after_the_unload=sim.requests.total(),
    )
    assert garage.calls == [False, True]
    assert sim.requests.total() == 0
    assert mapped.state is ConfigEntryState.NOT_LOADED


async def test_two_accounts_cycle_at_once(
    hass: HomeAssistant,
    sim: SimServer,
    second_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two Blink accounts, each with its plugs: cycles at once, each on its own plug and cloud."""
    first_plugs = demo_plugs(sim)
    second_plugs = demo_plugs(second_sim, SECOND)
    await async_add_switches(hass, [*first_plugs, *second_plugs])
    entries = []
    for server, prefix in ((sim, ""), (second_sim, SECOND)):
        use_sim(monkeypatch, server)
        result = await async_sign_in(hass, server)
        assert result["type"] is FlowResultType.CREATE_ENTRY
        await hass.async_block_till_done()
        entry = result["result"]
        serials = (
            (HALL_MINI, GARAGE_SYNC)
            if server is sim
            else (SECOND_HALL_MINI, SECOND_GARAGE_SYNC)
        )
        await async_map_plugs(
            hass,
            entry,
            {
                serials[0]: HALL_PLUG.replace(".", f".{prefix}"),
                serials[1]: GARAGE_PLUG.replace(".", f".{prefix}"),
            },
        )
        entries.append(entry)
    first, second = entries
    assert first.unique_id != second.unique_id

    sim.requests.reset()
    second_sim.requests.reset()
    cycles = [
        start_power_cycle(hass, HALL_MINI),
        start_power_cycle(hass, SECOND_GARAGE_SYNC),
        start_power_cycle(hass, SECOND_HALL_MINI),
    ]
    await async_advance(hass, freezer, 120)
    outcomes = [task.result() for task in cycles]
    report(
        "two accounts, three cycles at once",
        online_again=[outcome["online_again"] for outcome in outcomes],
        requests_first_account=sim.requests.total(),
        requests_second_account=second_sim.requests.total(),
    )
    assert [outcome["plug"] for outcome in outcomes] == [
        HALL_PLUG,
        GARAGE_PLUG.replace(".", f".{SECOND}"),
        HALL_PLUG.replace(".", f".{SECOND}"),
    ]
    assert all(outcome["online_again"] for outcome in outcomes)
    # Each cycle switched its own plug, once off and once on; the first garage was left alone.
    assert first_plugs[0].calls == [False, True]
    assert first_plugs[1].calls == []
    assert second_plugs[0].calls == [False, True]
    assert second_plugs[1].calls == [False, True]
    # Each account is polled by its own entry, one homescreen request per poll.
    assert set(sim.requests) == {HOMESCREEN}
    assert set(second_sim.requests) == {HOMESCREEN}
    for entry in entries:
        assert entry.runtime_data.coordinator.update_interval.total_seconds() == 300


async def test_caller_gives_up_mid_cycle(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    plugs: tuple[SimPlug, SimPlug],
    mapped: ConfigEntry,
) -> None:
    """The automation that called the action is stopped: the cycle still ends with the plug on."""
    hall, _ = plugs
    task = start_power_cycle(hass, HALL_MINI)
    await async_advance(hass, freezer, 5)
    assert hass.states.get(HALL_PLUG).state == STATE_OFF
    task.cancel()
    await async_settle(hass)
    assert task.cancelled()
    sim.requests.reset()
    await async_advance(hass, freezer, 60)
    report(
        "the caller gives up mid-cycle",
        plug_calls=hall.calls,
        requests=sim.requests.total(),
    )
    assert hall.calls == [False, True]
    assert hass.states.get(HALL_PLUG).state == STATE_ON
    assert _in_flight(hass_storage, mapped) == {}
    assert hass.states.get("binary_sensor.hall_mini_online").state == STATE_ON
