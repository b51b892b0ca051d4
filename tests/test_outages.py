"""Outage history: the pure record, and its sensors through Home Assistant across a restart."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from blinksim.server import SimServer
from custom_components.blink_health.const import DOMAIN, EVENT_POWER_CYCLE, EVENT_READD
from custom_components.blink_health.outages.record import (
    MAX_OUTAGES,
    DeviceRecord,
    Outage,
    events_in,
    prune_moments,
)
from custom_components.blink_health.storage import store_key

from .conftest import async_poll, async_sign_in

HALL_MINI = "G8T30000000001"
GARAGE_SYNC = "G8T10000000002"
FRONT_YARD = "G8T20000000001"
SIDE_GATE = "G8T20000000003"
HOMESCREEN = "GET /api/v3/accounts/{account_id}/homescreen"
T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

pytestmark = pytest.mark.freeze_time("2026-11-25T12:00:00+00:00")


# ----- the pure record ---------------------------------------------------------------------


def test_an_outage_opens_and_closes_on_what_polls_see() -> None:
    """Offline opens an outage, online closes it; unknown changes nothing."""
    record = DeviceRecord(since=T0)
    assert not record.seen(True, T0)
    assert record.seen(False, T0 + timedelta(minutes=5))
    assert not record.seen(False, T0 + timedelta(minutes=10))  # still the same outage
    assert not record.seen(None, T0 + timedelta(minutes=12))
    assert record.open is not None
    assert record.last_outage_seconds(T0 + timedelta(minutes=15)) == 600  # so far
    assert record.seen(True, T0 + timedelta(minutes=20))
    assert record.open is None
    assert record.outages == [
        Outage(start=T0 + timedelta(minutes=5), end=T0 + timedelta(minutes=20))
    ]
    assert record.last_outage_seconds(T0 + timedelta(hours=5)) == 900


def test_figures_count_only_their_window() -> None:
    """Outages in 24 h and availability over 7 days look only at their window."""
    record = DeviceRecord(
        since=T0 - timedelta(days=30),
        outages=[
            Outage(start=T0 - timedelta(days=8), end=T0 - timedelta(days=6, hours=12)),
            Outage(start=T0 - timedelta(hours=30), end=T0 - timedelta(hours=23)),
            Outage(start=T0 - timedelta(hours=1), end=None),
        ],
    )
    # The one ending 23 hours ago overlaps the day; the lasting one counts.
    assert record.outages_in(timedelta(hours=24), T0) == 2
    week = timedelta(days=7).total_seconds()
    offline = timedelta(hours=12) + timedelta(hours=7) + timedelta(hours=1)
    assert record.availability(timedelta(days=7), T0) == round(
        100 * (1 - offline.total_seconds() / week), 2
    )


def test_availability_counts_from_when_the_device_was_first_seen() -> None:
    """A device seen for an hour, offline for 15 minutes of it, was available 75 %."""
    record = DeviceRecord(
        since=T0 - timedelta(hours=1),
        outages=[Outage(start=T0 - timedelta(minutes=15))],
    )
    assert record.availability(timedelta(days=7), T0) == 75.0
    assert DeviceRecord(since=T0).availability(timedelta(days=7), T0) is None


def test_prune_forgets_old_outages_but_keeps_the_latest() -> None:
    """Outages ended more than a week ago go; the latest stays (for "last outage")."""
    old = [
        Outage(start=T0 - timedelta(days=20), end=T0 - timedelta(days=19)),
        Outage(start=T0 - timedelta(days=10), end=T0 - timedelta(days=9)),
    ]
    record = DeviceRecord(since=T0 - timedelta(days=30), outages=list(old))
    assert record.prune(T0)
    assert record.outages == old[-1:]
    assert not record.prune(T0)
    assert record.last_outage_seconds(T0) == 86400
    assert record.outages_in(timedelta(hours=24), T0) == 0


def test_prune_caps_a_flapping_device() -> None:
    """A device flapping all week keeps at most MAX_OUTAGES outages."""
    outages = [
        Outage(start=T0 - timedelta(minutes=n + 1), end=T0 - timedelta(minutes=n))
        for n in range(MAX_OUTAGES + 50, 0, -1)
    ]
    record = DeviceRecord(since=T0 - timedelta(days=1), outages=outages)
    assert record.prune(T0)
    assert len(record.outages) == MAX_OUTAGES
    assert record.outages[-1] == outages[-1]


def test_a_record_round_trips_through_storage() -> None:
    """What is stored reads back the same; unreadable data raises the documented errors."""
    record = DeviceRecord(
        since=T0,
        outages=[Outage(start=T0, end=T0 + timedelta(minutes=3)), Outage(start=T0)],
    )
    assert DeviceRecord.from_stored(record.as_stored()) == record
    for broken in (
        {"since": "2026-11-25T12:00:00", "outages": []},  # no zone
        {"since": 12, "outages": []},
        {"outages": []},
        {"since": T0.isoformat(), "outages": [["not a time", None]]},
    ):
        with pytest.raises((KeyError, TypeError, ValueError)):
            DeviceRecord.from_stored(broken)


def test_moments_count_and_prune() -> None:
    """Account events: counted in their window, forgotten after a week."""
    moments = [T0 - timedelta(days=9), T0 - timedelta(days=3), T0 - timedelta(hours=1)]
    assert events_in(moments, timedelta(days=7), T0) == 2
    assert prune_moments(moments, T0) == moments[1:]


# ----- through Home Assistant --------------------------------------------------------------


def _states(hass: HomeAssistant) -> dict[str, str]:
    """Return the history sensors' states by entity id."""
    return {
        state.entity_id: state.state
        for state in hass.states.async_all("sensor")
        if state.entity_id.endswith(
            (
                "_outages_24_h",
                "_last_outage",
                "_availability_7_days",
                "_power_cycles_7_days",
                "_re_adds_7_days",
            )
        )
    }


async def test_an_outage_is_shown_and_survives_a_restart(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    init_integration: ConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """The Mini is offline for two polls: its figures say so, the same after a reload.

    All of it costs no Blink request beyond the polls' homescreen requests.
    """
    entry = init_integration
    sim.requests.reset()
    await async_poll(hass, freezer)
    assert hass.states.get("sensor.hall_mini_outages_24_h").state == "0"
    assert hass.states.get("sensor.hall_mini_last_outage").state == STATE_UNKNOWN
    assert hass.states.get("sensor.hall_mini_availability_7_days").state == "100.0"
    attributes = hass.states.get("sensor.hall_mini_availability_7_days").attributes
    assert attributes["state_class"] == "measurement"
    assert attributes["unit_of_measurement"] == "%"
    duration = hass.states.get("sensor.hall_mini_last_outage").attributes
    assert duration["unit_of_measurement"] == "s"
    assert duration["device_class"] == "duration"

    sim.world.patch_device(HALL_MINI, {"status": "offline"})
    await async_poll(hass, freezer)
    assert hass.states.get("sensor.hall_mini_outages_24_h").state == "1"
    assert hass.states.get("sensor.hall_mini_last_outage").state == "0.0"
    await async_poll(hass, freezer)
    assert hass.states.get("sensor.hall_mini_last_outage").state == "301.0"
    sim.world.patch_device(HALL_MINI, {"status": "online"})
    await async_poll(hass, freezer)
    assert hass.states.get("sensor.hall_mini_last_outage").state == "602.0"
    # Seen for 4 polls (1204 s), offline 602 s of them.
    assert hass.states.get("sensor.hall_mini_availability_7_days").state == "50.0"
    assert hass.states.get("sensor.garage_outages_24_h").state == "0"
    # Only the polls' homescreen requests: the history sends nothing of its own.
    assert dict(sim.requests) == {HOMESCREEN: 4}

    before = _states(hass)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert _states(hass) == before
    stored = hass_storage[store_key(entry, "outages")]["data"]["devices"][HALL_MINI]
    assert len(stored["outages"]) == 1

    # A day later the outage has left the 24 h window, not the 7 days.
    freezer.tick(timedelta(hours=24))
    await async_poll(hass, freezer)
    assert hass.states.get("sensor.hall_mini_outages_24_h").state == "0"
    assert hass.states.get("sensor.hall_mini_last_outage").state == "602.0"
    assert float(hass.states.get("sensor.hall_mini_availability_7_days").state) < 100


async def test_a_stored_history_is_shown_at_setup(
    hass: HomeAssistant,
    sim: SimServer,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """A history stored before a restart (an outage that lasts, and counts) is shown at once."""
    entry_key = f"{DOMAIN}.outages.1001"
    hass_storage[entry_key] = {
        "version": 1,
        "key": entry_key,
        "data": {
            "devices": {
                HALL_MINI: {
                    "since": (T0 - timedelta(days=10)).isoformat(),
                    "outages": [
                        [
                            (T0 - timedelta(hours=2)).isoformat(),
                            (T0 - timedelta(hours=1)).isoformat(),
                        ],
                        [(T0 - timedelta(minutes=10)).isoformat(), None],
                    ],
                },
                "broken": {"since": "yesterday"},
            },
            "power_cycles": [
                (T0 - timedelta(days=1)).isoformat(),
                (T0 - timedelta(days=8)).isoformat(),
                "garbage",
                "2026-11-25T10:00:00",
            ],
            "readds": [(T0 - timedelta(days=2)).isoformat()],
        },
    }
    # The Mini is still offline after the restart: its outage goes on.
    sim.world.patch_device(HALL_MINI, {"status": "offline"})

    result = await async_sign_in(hass, sim)
    await hass.async_block_till_done()
    assert result["result"].unique_id == "1001"
    assert hass.states.get("sensor.hall_mini_outages_24_h").state == "2"
    assert hass.states.get("sensor.hall_mini_last_outage").state == "600.0"
    assert hass.states.get("sensor.blink_account_power_cycles_7_days").state == "1"
    assert hass.states.get("sensor.blink_account_re_adds_7_days").state == "1"
    await async_poll(hass, freezer)
    assert hass.states.get("sensor.hall_mini_last_outage").state == "901.0"


async def test_power_cycles_and_readds_of_this_account_are_counted(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    init_integration: ConfigEntry,
) -> None:
    """Events of this account's devices count (by entry, device or name); others do not."""
    entry = init_integration
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, HALL_MINI), entry.entry_id
    )
    assert device is not None
    cycles = "sensor.blink_account_power_cycles_7_days"
    readds = "sensor.blink_account_re_adds_7_days"
    hass.bus.async_fire(EVENT_POWER_CYCLE, {"device": HALL_MINI, "plug": "switch.x"})
    hass.bus.async_fire(EVENT_POWER_CYCLE, {"device_id": device.id})
    hass.bus.async_fire(EVENT_POWER_CYCLE, {"entry_id": entry.entry_id})
    # Another account's, an unknown device, a name this account has not.
    hass.bus.async_fire(EVENT_POWER_CYCLE, {"entry_id": "other"})
    hass.bus.async_fire(EVENT_POWER_CYCLE, {"device_id": "unknown"})
    hass.bus.async_fire(EVENT_POWER_CYCLE, {"device": "G9T00000000000"})
    hass.bus.async_fire(
        EVENT_READD, {"entry_id": entry.entry_id, "name": "x", "outcome": "done"}
    )
    hass.bus.async_fire(
        EVENT_READD, {"entry_id": entry.entry_id, "name": "x", "outcome": "timeout"}
    )
    await hass.async_block_till_done()
    assert hass.states.get(cycles).state == "3"
    assert hass.states.get(readds).state == "1"
    # A week on, they have left the window.
    freezer.tick(timedelta(days=7))
    await async_poll(hass, freezer)
    assert hass.states.get(cycles).state == "0"
    assert hass.states.get(readds).state == "0"


async def test_the_history_is_deleted_with_the_entry(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Removing the entry deletes its stored history."""
    key = store_key(init_integration, "outages")
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    assert key in hass_storage
    await hass.config_entries.async_remove(init_integration.entry_id)
    await hass.async_block_till_done()
    assert key not in hass_storage


async def test_a_readd_is_counted_and_announced(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    init_integration: ConfigEntry,
) -> None:
    """A camera re-added through the action: the re-add event is fired and counted once."""
    entry = init_integration
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, FRONT_YARD), entry.entry_id
    )
    assert device is not None
    events = async_capture_events(hass, EVENT_READD)
    task = asyncio.get_running_loop().create_task(
        hass.services.async_call(
            DOMAIN,
            "readd_camera",
            {"device_id": device.id, "wait": True},
            blocking=True,
            return_response=True,
        )
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    sim.world.remove_device(FRONT_YARD)
    await async_poll(hass, freezer, 60)
    sim.world.add_device(
        {
            "serial": FRONT_YARD,
            "type": "catalina",
            "name": "Front Yard",
            "network_id": 2001,
        }
    )
    await async_poll(hass, freezer, 60)
    assert task.done()
    assert [event.data for event in events] == [
        {
            "entry_id": entry.entry_id,
            "device_id": device.id,
            "name": "Front Yard",
            "outcome": "done",
        }
    ]
    assert hass.states.get("sensor.blink_account_re_adds_7_days").state == "1"


async def test_a_device_gone_from_the_account_is_forgotten(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    init_integration: ConfigEntry,
) -> None:
    """A device removed from the account, with no outage to show, leaves the history."""
    history = init_integration.runtime_data.outages
    assert history.record(SIDE_GATE) is not None
    sim.world.remove_device(SIDE_GATE)
    await async_poll(hass, freezer)
    assert history.record(SIDE_GATE) is None
    assert history.outages_24h(SIDE_GATE) is None
    assert history.availability_7d(SIDE_GATE) is None


async def test_only_devices_with_an_outage_are_told_each_poll(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    init_integration: ConfigEntry,
) -> None:
    """A device without an outage in the window shows the same figures: it is not told."""
    history = init_integration.runtime_data.outages
    told: list[str] = []
    for serial in (HALL_MINI, FRONT_YARD):
        init_integration.async_on_unload(
            history.async_add_listener(
                lambda serial=serial: told.append(serial), serial
            )
        )
    await async_poll(hass, freezer)  # the first span of time: every figure appears
    sim.world.patch_device(HALL_MINI, {"status": "offline"})
    await async_poll(hass, freezer)
    told.clear()
    await async_poll(hass, freezer)
    # The Mini's outage lasts and its figures move; Front Yard's stay 0 and 100 %.
    assert told == [HALL_MINI]
