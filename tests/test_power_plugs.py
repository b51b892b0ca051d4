"""A plug is never left off (#16), with plugs that behave like real ones (tests/plugs.py).

After each case the plug ends physically on (the simulator's relay), or a journal record and
a critical issue remain that will switch it on — never off and forgotten.
"""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME, STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from blinksim.server import SimServer
from custom_components.blink_health.const import DOMAIN

from .plugs import RealisticPlug
from .power_helpers import (
    GARAGE_SYNC,
    HALL_MINI,
    HALL_PLUG,
    async_add_switches,
    async_advance,
    async_map_plugs,
    async_stop_event,
    async_with_time,
    power_issue_id,
    start_power_cycle,
)
from .repairs_helpers import process_repair_fix_flow, start_repair_fix_flow

REMOVED_KEY = f"{DOMAIN}.power_cycles_removed"


@pytest.fixture
def delay() -> float:
    """Return how late the plug reports (override with parametrize)."""
    return 0.0


@pytest.fixture
async def plug(hass: HomeAssistant, sim: SimServer, delay: float) -> RealisticPlug:
    """Return the Hall Mini's plug as a realistic switch."""
    hall = RealisticPlug(sim, "plug-hall-mini", HALL_PLUG, delay=delay)
    await async_add_switches(hass, [hall])
    return hall


@pytest.fixture
async def mapped(
    hass: HomeAssistant, plug: RealisticPlug, init_integration: ConfigEntry
) -> ConfigEntry:
    """Set Blink Health up with the Hall Mini on the realistic plug."""
    await async_map_plugs(hass, init_integration, {HALL_MINI: HALL_PLUG})
    return init_integration


def _records(hass_storage: dict[str, Any], key: str) -> dict[str, Any]:
    """Return the journal records stored under a key."""
    stored = hass_storage.get(key)
    return dict(stored["data"]["in_flight"]) if stored else {}


def _journal(hass_storage: dict[str, Any], entry: ConfigEntry) -> dict[str, Any]:
    """Return an account's journal records."""
    return _records(hass_storage, f"{DOMAIN}.power_cycles.{entry.unique_id}")


def _critical(hass: HomeAssistant) -> list[ir.IssueEntry]:
    """Return the critical "plug may still be off" issues."""
    return [
        issue
        for (domain, issue_id), issue in ir.async_get(hass).issues.items()
        if domain == DOMAIN
        and issue_id.startswith("power_cycle_failed_")
        and issue.severity is ir.IssueSeverity.CRITICAL
    ]


def assert_never_forgotten(
    hass: HomeAssistant, hass_storage: dict[str, Any], plug: RealisticPlug, key: str
) -> None:
    """Assert the plug is physically on, or a record and a critical issue remain."""
    if plug.relay:
        return
    assert _records(hass_storage, key), "plug off and no record"
    assert _critical(hass), "plug off and no critical issue"


def assert_on_and_clear(
    hass: HomeAssistant, hass_storage: dict[str, Any], plug: RealisticPlug, key: str
) -> None:
    """Assert the plug is on (relay and report) with no record and no issue left."""
    assert plug.relay
    assert hass.states.get(plug.entity_id).state == STATE_ON
    assert _records(hass_storage, key) == {}
    assert _critical(hass) == []


@pytest.mark.parametrize("delay", [2.0])
async def test_late_plug_cycles(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    plug: RealisticPlug,
    mapped: ConfigEntry,
) -> None:
    """A plug reporting 2 s late: the cycle waits for each report; on must hold."""
    task = start_power_cycle(hass, HALL_MINI, wait_online=False)
    await async_advance(hass, freezer, 30, step=0.5)
    assert task.result()["turned_on"] is True
    assert plug.calls == [False, True]
    assert_on_and_clear(hass, hass_storage, plug, _key(mapped))


def _key(entry: ConfigEntry) -> str:
    """Return an account's journal key."""
    return f"{DOMAIN}.power_cycles.{entry.unique_id}"


@pytest.mark.parametrize("delay", [2.0])
@pytest.mark.parametrize("how", ["unload", "stop"])
@pytest.mark.parametrize(
    "seconds",
    [1.0, 6.0, 13.0, 16.0, 25.0],
    ids=["off-unreported", "off-period", "on-unreported", "settling", "verifying"],
)
async def test_interrupted_at_every_phase(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    plug: RealisticPlug,
    mapped: ConfigEntry,
    how: str,
    seconds: float,
) -> None:
    """Unload or stop at every phase of a late plug's cycle: the plug ends on, record gone.

    The old "on" is never taken for an answer: in the window after turn_off (the relay is
    off, the plug still says on) the plug is switched on and its report awaited.
    """
    task = start_power_cycle(hass, HALL_MINI)
    await async_advance(hass, freezer, seconds, step=0.5)
    if how == "unload":
        assert await async_with_time(
            hass, freezer, hass.config_entries.async_unload(mapped.entry_id)
        )
    else:
        await async_stop_event(hass, freezer)
    # Switched on at once; confirmed (reported on, held) within seconds, entry loaded or not.
    await async_advance(hass, freezer, 10, step=0.5)
    assert plug.relay
    assert_on_and_clear(hass, hass_storage, plug, _key(mapped))
    if seconds < 25:
        with pytest.raises(HomeAssistantError):
            await task
    else:
        task.cancel()


@pytest.mark.parametrize(
    "error",
    [TimeoutError(), ConnectionResetError("reset by peer"), Exception("boom")],
    ids=["timeout", "connection-reset", "exception"],
)
@pytest.mark.parametrize("on", [True, False], ids=["turn_on", "turn_off"])
@pytest.mark.parametrize("switched", [True, False], ids=["switched", "not-switched"])
async def test_any_exception(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    plug: RealisticPlug,
    mapped: ConfigEntry,
    error: BaseException,
    on: bool,
    switched: bool,
) -> None:
    """Whatever a plug integration raises, on turn_on or turn_off: retried, the plug ends on."""
    plug.errors[on] = [error]
    plug.switch_despite_error = switched
    task = start_power_cycle(hass, HALL_MINI, wait_online=False)
    await async_advance(hass, freezer, 40, step=1)
    if on:
        # The first turn_on failed; the retry 2 s later switched it on.
        assert task.result()["turned_on"] is True
    else:
        with pytest.raises(HomeAssistantError) as err:
            task.result()
        assert err.value.translation_key == "plug_failed"
    assert plug.calls[-1] is True
    assert_on_and_clear(hass, hass_storage, plug, _key(mapped))


async def test_unavailable_then_back_reporting_off(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    plug: RealisticPlug,
    mapped: ConfigEntry,
) -> None:
    """The plug drops off the network in the off period: switched on the moment it is back."""
    task = start_power_cycle(hass, HALL_MINI, wait_online=False)
    await async_advance(hass, freezer, 5, step=1)
    plug.set_available(False)
    await async_advance(hass, freezer, 60, step=1)
    with pytest.raises(HomeAssistantError) as err:
        task.result()
    assert err.value.translation_key == "plug_stuck_off"
    assert_never_forgotten(hass, hass_storage, plug, _key(mapped))
    assert ir.async_get(hass).async_get_issue(DOMAIN, power_issue_id(hass, HALL_MINI))
    # Minutes later it is back, reporting off: switched on at once (no 5-minute wait).
    await async_advance(hass, freezer, 120, step=10)
    plug.set_available(True)
    assert hass.states.get(HALL_PLUG).state == STATE_OFF
    await async_advance(hass, freezer, 5, step=1)
    assert_on_and_clear(hass, hass_storage, plug, _key(mapped))


async def test_bounce_is_not_success(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    plug: RealisticPlug,
    mapped: ConfigEntry,
) -> None:
    """On, then off a second later: not on. Switched on again until it holds."""
    plug.bounces = 1
    task = start_power_cycle(hass, HALL_MINI, wait_online=False)
    await async_advance(hass, freezer, 40, step=0.5)
    assert task.result()["turned_on"] is True
    assert plug.calls == [False, True, True]
    assert_on_and_clear(hass, hass_storage, plug, _key(mapped))


async def test_always_bouncing_plug_keeps_record_and_issue(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    plug: RealisticPlug,
    mapped: ConfigEntry,
) -> None:
    """A plug that always falls back off: never counted on; record and critical issue stay."""
    plug.bounces = 100
    task = start_power_cycle(hass, HALL_MINI, wait_online=False)
    await async_advance(hass, freezer, 60, step=0.5)
    with pytest.raises(HomeAssistantError):
        task.result()
    assert not plug.relay
    assert_never_forgotten(hass, hass_storage, plug, _key(mapped))
    assert _journal(hass_storage, mapped)
    # A new cycle of that plug is refused until it is on: switching it off would deepen it.
    with pytest.raises(HomeAssistantError) as err:
        await start_power_cycle(hass, HALL_MINI)
    assert err.value.translation_key in ("plug_left_off", "cooldown")
    plug.bounces = 0
    await async_advance(hass, freezer, 310, step=5)
    assert_on_and_clear(hass, hass_storage, plug, _key(mapped))


async def test_rename_while_off_is_followed(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    entity_registry: er.EntityRegistry,
    plug: RealisticPlug,
    mapped: ConfigEntry,
) -> None:
    """The plug's entity id changes in the off period: its registry id leads to it."""
    task = start_power_cycle(hass, HALL_MINI, off_seconds=30, wait_online=False)
    await async_advance(hass, freezer, 5, step=1)
    assert not plug.relay
    entity_registry.async_update_entity(HALL_PLUG, new_entity_id="switch.renamed_plug")
    await async_advance(hass, freezer, 45, step=1)
    assert task.result()["turned_on"] is True
    assert plug.relay
    assert hass.states.get("switch.renamed_plug").state == STATE_ON
    assert _journal(hass_storage, mapped) == {}


async def test_two_devices_on_one_plug(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    plug: RealisticPlug,
    init_integration: ConfigEntry,
) -> None:
    """Two devices fed by one plug, cycled at once: one physical cycle, the same answer."""
    await async_map_plugs(
        hass, init_integration, {HALL_MINI: HALL_PLUG, GARAGE_SYNC: HALL_PLUG}
    )
    first = start_power_cycle(hass, HALL_MINI, wait_online=False)
    second = start_power_cycle(hass, GARAGE_SYNC, wait_online=False)
    third = start_power_cycle(hass, HALL_MINI, wait_online=False)
    await async_advance(hass, freezer, 30, step=1)
    outcomes = [task.result() for task in (first, second, third)]
    assert plug.calls == [False, True]
    assert {o["plug_entity_id"] for o in outcomes} == {HALL_PLUG}
    assert all(o["turned_on"] for o in outcomes)
    assert outcomes[0] == outcomes[2]
    assert_on_and_clear(hass, hass_storage, plug, _key(init_integration))


async def test_entry_removed_while_plug_off(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    hass_client: ClientSessionGenerator,
    plug: RealisticPlug,
    mapped: ConfigEntry,
) -> None:
    """Deleted with the plug stuck off: issue and record outlive it; its fix flow retries."""
    plug.refuse_on = True
    task = start_power_cycle(hass, HALL_MINI, wait_online=False)
    await async_advance(hass, freezer, 120, step=2)
    with pytest.raises(HomeAssistantError):
        task.result()
    await async_with_time(
        hass, freezer, hass.config_entries.async_remove(mapped.entry_id)
    )
    assert hass.config_entries.async_get_entry(mapped.entry_id) is None
    assert _journal(hass_storage, mapped) == {}
    assert _records(hass_storage, REMOVED_KEY)
    [issue] = _critical(hass)
    # The plug by its name, as the user sees it (issue 19).
    plug_state = hass.states.get(HALL_PLUG)
    assert plug_state is not None
    assert issue.translation_placeholders == {
        "device": "Hall Mini",
        "plug": plug_state.name,
    }
    assert_never_forgotten(hass, hass_storage, plug, REMOVED_KEY)
    # The fix flow tries again: still refused, it says so; fixed, the issue goes.
    assert await _setup_repairs(hass)
    client = await hass_client()
    flow = await start_repair_fix_flow(client, DOMAIN, issue.issue_id)
    assert flow["step_id"] == "confirm"
    flow = await async_with_time(
        hass, freezer, process_repair_fix_flow(client, flow["flow_id"], {})
    )
    assert flow["errors"] == {"base": "still_off"}
    plug.refuse_on = False
    flow = await async_with_time(
        hass, freezer, process_repair_fix_flow(client, flow["flow_id"], {})
    )
    assert flow["type"] == "create_entry"
    assert plug.relay
    assert _records(hass_storage, REMOVED_KEY) == {}
    assert _critical(hass) == []


async def _setup_repairs(hass: HomeAssistant) -> bool:
    """Set up the repairs integration (its HTTP API drives fix flows)."""
    from homeassistant.setup import async_setup_component  # noqa: PLC0415

    return await async_setup_component(hass, "repairs", {})


async def test_entry_removed_in_off_period_switches_on_first(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    plug: RealisticPlug,
    mapped: ConfigEntry,
) -> None:
    """Deleted in the off period: the plug is switched on (confirmed) before it goes."""
    task = start_power_cycle(hass, HALL_MINI, off_seconds=60)
    await async_advance(hass, freezer, 5, step=1)
    assert not plug.relay
    await async_with_time(
        hass, freezer, hass.config_entries.async_remove(mapped.entry_id)
    )
    assert plug.relay
    assert _records(hass_storage, REMOVED_KEY) == {}
    assert_on_and_clear(hass, hass_storage, plug, _key(mapped))
    with pytest.raises(HomeAssistantError):
        await task


async def test_restart_needing_reauth_still_switches_on(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """A crash left the plug off; Blink now needs a new sign-in: the plug goes on anyway.

    The plug's integration is not ready at start (unavailable) and comes back later, off.
    """
    account = sim.world.account
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=str(account.account_id),
        data={CONF_USERNAME: account.email, CONF_PASSWORD: "changed"},
    )
    entry.add_to_hass(hass)
    key = _key(entry)
    hass_storage[key] = {
        "version": 1,
        "minor_version": 1,
        "key": key,
        "data": {
            "in_flight": {
                HALL_MINI: {"plug": HALL_PLUG, "started": "2026-01-01T00:00:00+00:00"}
            },
            "history": {},
        },
    }
    sim.world.set_plug("plug-hall-mini", False)
    plug = RealisticPlug(sim, "plug-hall-mini", HALL_PLUG)
    plug._attr_available = False
    await async_add_switches(hass, [plug])
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    await async_advance(hass, freezer, 60, step=2)
    assert not plug.relay
    assert_never_forgotten(hass, hass_storage, plug, key)
    plug.set_available(True)
    await async_advance(hass, freezer, 6, step=1)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert_on_and_clear(hass, hass_storage, plug, key)


async def test_plug_that_will_not_switch_off(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    plug: RealisticPlug,
    mapped: ConfigEntry,
) -> None:
    """A plug that takes turn_off and stays on: refused with the reason; nothing left open."""
    plug.refuse_off = True
    task = start_power_cycle(hass, HALL_MINI, wait_online=False)
    await async_advance(hass, freezer, 20, step=1)
    with pytest.raises(HomeAssistantError) as err:
        task.result()
    assert err.value.translation_key == "plug_did_not_turn_off"
    assert_on_and_clear(hass, hass_storage, plug, _key(mapped))


async def test_plug_raising_its_own_error_on_turn_off(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    plug: RealisticPlug,
    mapped: ConfigEntry,
) -> None:
    """A HomeAssistantError from the plug's turn_off reaches the caller as it is; plug on."""
    plug.errors[False] = [HomeAssistantError("the hub is busy")]
    plug.switch_despite_error = True
    task = start_power_cycle(hass, HALL_MINI, wait_online=False)
    await async_advance(hass, freezer, 20, step=1)
    with pytest.raises(HomeAssistantError, match="the hub is busy"):
        task.result()
    assert plug.calls == [False, True]
    assert_on_and_clear(hass, hass_storage, plug, _key(mapped))
