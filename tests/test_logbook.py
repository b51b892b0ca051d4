"""Logbook entries: Blink Health's events read as sentences, through the logbook's own API."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.logbook import DOMAIN as LOGBOOK_DOMAIN
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    CLIENT_ID,
    MockUser,
    async_capture_events,
)
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from blinksim.server import SimServer
from custom_components.blink_health.const import (
    DOMAIN,
    EVENT_DEVICE_OFFLINE,
    EVENT_DEVICE_ONLINE,
    EVENT_POWER_CYCLE,
    EVENT_READD,
)

from .conftest import async_poll
from .power_helpers import (
    HALL_MINI,
    HALL_PLUG,
    async_advance,
    async_map_plugs,
    async_settle,
    start_power_cycle,
)

pytestmark = pytest.mark.freeze_time("2026-11-25T12:00:00+00:00")


def _describe(hass: HomeAssistant, event_type: str, data: dict[str, Any]) -> str:
    """Return the logbook's sentence for an event: the name, then the message."""
    domain, describe = hass.data[LOGBOOK_DOMAIN].external_events[event_type]
    assert domain == DOMAIN
    entry = describe(Event(event_type, data))
    return f"{entry['name']} {entry['message']}"


@pytest.fixture
async def logbook(hass: HomeAssistant, caplog: pytest.LogCaptureFixture) -> None:
    """Set up the logbook (with the recorder it needs, from `recorder_mock`).

    The database's own debug output (every event it writes, issue ids included) is not what
    the leak scan is about: only warnings of it are kept.
    """
    for logger in ("homeassistant.components.recorder", "sqlalchemy.engine"):
        caplog.set_level(logging.WARNING, logger=logger)
    logging.getLogger("sqlalchemy.engine.Engine").setLevel(logging.WARNING)
    assert await async_setup_component(hass, LOGBOOK_DOMAIN, {})
    await hass.async_block_till_done()


@pytest.mark.usefixtures("recorder_mock", "logbook", "plugs")
async def test_events_read_as_sentences(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    init_integration: ConfigEntry,
    hass_ws_client: WebSocketGenerator,
    hass_admin_user: MockUser,
) -> None:
    """Offline, power cycle (through its plug), back online: each event reads as a sentence."""
    entry = init_integration
    await async_map_plugs(hass, entry, {HALL_MINI: HALL_PLUG})
    captured = {
        kind: async_capture_events(hass, kind)
        for kind in (EVENT_DEVICE_OFFLINE, EVENT_DEVICE_ONLINE, EVENT_POWER_CYCLE)
    }
    sim.world.patch_device(HALL_MINI, {"status": "offline"})
    for _ in range(7):  # past the offline grace period
        await async_poll(hass, freezer)
    # The plug brings it back: on again, the Mini boots and reports online.
    task = start_power_cycle(hass, HALL_MINI, wait_online=True)
    await async_settle(hass)
    sim.world.patch_device(HALL_MINI, {"status": "online"})
    await async_advance(hass, freezer, 120, step=5)
    assert task.done()
    sentences = [
        _describe(hass, kind, event.data)
        for kind in (EVENT_DEVICE_OFFLINE, EVENT_POWER_CYCLE, EVENT_DEVICE_ONLINE)
        for event in captured[kind]
        if "Workshop" not in event.data.values()  # offline all along in the demo
    ]
    seconds = round(captured[EVENT_POWER_CYCLE][0].data["seconds_to_online"])
    expected = [
        "Hall Mini went offline",
        f"Hall Mini was power-cycled through {HALL_PLUG} and came back online after {seconds} s",
        "Hall Mini came back online",
    ]
    assert sentences == expected
    # What the logbook panel shows, from the recorder over the websocket API.
    await async_wait_recording_done(hass)
    # A token made now: the fixture's expired while time moved on.
    refresh = await hass.auth.async_create_refresh_token(hass_admin_user, CLIENT_ID)
    client = await hass_ws_client(
        hass, access_token=hass.auth.async_create_access_token(refresh)
    )
    await client.send_json_auto_id(
        {
            "type": "logbook/get_events",
            "start_time": (dt_util.utcnow() - timedelta(hours=2)).isoformat(),
            "end_time": (dt_util.utcnow() + timedelta(minutes=1)).isoformat(),
        }
    )
    response = await client.receive_json()
    assert response["success"], response
    shown = [
        f"{row['name']} {row['message']}"
        for row in response["result"]
        if row.get("domain") == DOMAIN and row.get("name") == "Hall Mini"
    ]
    # In the order they happened: the cycle's event comes once it saw the Mini back.
    assert shown == [expected[0], expected[2], expected[1]]


@pytest.mark.usefixtures("recorder_mock", "logbook")
async def test_the_device_name_comes_from_the_registry(
    hass: HomeAssistant, sim: SimServer, init_integration: ConfigEntry
) -> None:
    """An event with a device id names the device as Home Assistant does (a rename shows)."""
    registry = dr.async_get(hass)
    device = registry.async_get_device_by_identifier(
        (DOMAIN, HALL_MINI), init_integration.entry_id
    )
    assert device is not None
    registry.async_update_device(device.id, name_by_user="Landing camera")
    assert (
        _describe(hass, EVENT_DEVICE_OFFLINE, {"device_id": device.id, "name": "x"})
        == "Landing camera went offline"
    )
    # An unknown device id, or none: the event's own name.
    assert (
        _describe(hass, EVENT_DEVICE_ONLINE, {"device_id": "gone", "name": "Porch"})
        == "Porch came back online"
    )
    assert _describe(hass, EVENT_DEVICE_ONLINE, {}) == "A Blink device came back online"
    # A serial that is no device of Home Assistant's is never shown.
    assert (
        _describe(hass, EVENT_POWER_CYCLE, {"device": "G8T99999999999"})
        == "A Blink device was power-cycled"
    )


@pytest.mark.usefixtures("recorder_mock", "logbook")
@pytest.mark.parametrize(
    ("data", "sentence"),
    [
        (
            {"name": "Garage", "plug": "switch.garage", "turned_on": False},
            "Garage was power-cycled through switch.garage, but its plug did not switch back on",
        ),
        (
            {"name": "Garage", "plug": "switch.garage", "online_again": False},
            "Garage was power-cycled through switch.garage, but did not come back online",
        ),
        (
            {"name": "Garage", "plug": "switch.garage", "online_again": None},
            "Garage was power-cycled through switch.garage",
        ),
        (
            {"name": "Garage", "online_again": True, "seconds_to_online": None},
            "Garage was power-cycled and came back online",
        ),
    ],
)
async def test_power_cycle_outcomes(
    hass: HomeAssistant, data: dict[str, Any], sentence: str
) -> None:
    """Every outcome of a power cycle has its sentence."""
    assert await async_setup_component(hass, DOMAIN, {})
    assert _describe(hass, EVENT_POWER_CYCLE, data) == sentence


@pytest.mark.usefixtures("recorder_mock", "logbook")
@pytest.mark.parametrize(
    ("outcome", "sentence"),
    [
        ("done", "Front Yard was re-added and is back online"),
        ("timeout", "Front Yard was not re-added in time"),
        ("cancelled", "Front Yard was not re-added: the re-add was cancelled"),
        ("other", "Front Yard re-add ended"),
    ],
)
async def test_readd_outcomes(hass: HomeAssistant, outcome: str, sentence: str) -> None:
    """Every end of a re-add has its sentence."""
    assert await async_setup_component(hass, DOMAIN, {})
    data = {"name": "Front Yard", "outcome": outcome}
    assert _describe(hass, EVENT_READD, data) == sentence


@pytest.mark.usefixtures("recorder_mock", "logbook")
async def test_watchdog_reload_reads_as_a_sentence(hass: HomeAssistant) -> None:
    """A reload of core Blink by the watchdog is described through the logbook's own hook."""
    assert await async_setup_component(hass, DOMAIN, {})
    sentence = _describe(
        hass,
        "blink_health_core_reloaded",
        {"seen": "stale", "minutes": 15, "reloads_today": 1},
    )
    assert sentence == (
        "Blink Health reloaded the Blink integration: its data was not renewed "
        "for 15 minutes while Blink answered"
    )
