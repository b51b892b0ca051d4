"""Faults held for a simulated day: no exception escapes, no request storm, full recovery after."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest

from blinksim.server import SimServer
from custom_components.blink_health.const import DOMAIN

from .conftest import async_poll

HOMESCREEN = "GET /api/v3/accounts/{account_id}/homescreen"
DAY_POLLS = 288  # a day at the default 5-minute interval
FAULTS: dict[str, dict[str, Any]] = {
    "5xx with an HTML body": {"status": 503, "body": "html"},
    "429 without Retry-After": {"status": 429},
    "429 with Retry-After": {"status": 429, "retry_after": 900},
    "invalid JSON": {"status": 200, "body": "invalid_json"},
    "an error message with status 200": {
        "status": 200,
        "body": {"message": "Oops", "code": 9},
    },
    "not an object": {"status": 200, "body": ["cameras"]},
}
MALFORMED: dict[str, Any] = {
    "nulls": {"sync_modules": None, "cameras": [None, {"serial": None}], "owls": None},
    "wrong types": {
        "cameras": [
            {"serial": 42, "status": 7, "signals": "strong", "battery": ["ok"]}
        ],
        "sync_modules": [{"serial": "G8T1X", "wifi_strength": "five", "last_hb": 3}],
    },
    "an empty account": {
        "sync_modules": [],
        "cameras": [],
        "owls": [],
        "doorbells": [],
    },
}


def _state(hass: HomeAssistant, platform: str, unique_id: str) -> str:
    """Return the state of the entity with this unique id."""
    entity_id = er.async_get(hass).async_get_entity_id(platform, DOMAIN, unique_id)
    assert entity_id
    state = hass.states.get(entity_id)
    assert state
    return state.state


async def _requests_over_a_day(
    hass: HomeAssistant, sim: SimServer, freezer: FrozenDateTimeFactory
) -> int:
    """Run a simulated day of polling and return how many Blink requests it cost."""
    sim.requests.reset()
    for _ in range(DAY_POLLS):
        await async_poll(hass, freezer)
    return sim.requests.total()


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_fault_held_for_a_day(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    fault: str,
) -> None:
    """A homescreen fault held all day costs fewer requests than a healthy day, then recovers."""
    account = str(sim.world.account.account_id)
    healthy = await _requests_over_a_day(hass, sim, freezer)
    sim.add_fault(HOMESCREEN, count=None, duration=86400, **FAULTS[fault])
    faulty = await _requests_over_a_day(hass, sim, freezer)
    print(f"{fault}: healthy day {healthy} requests, day under the fault {faulty}")  # noqa: T201 - the report
    assert healthy >= DAY_POLLS
    assert faulty <= healthy
    # Backoff doubles up to an hour: about one try an hour, far below a healthy day's polls.
    assert faulty <= DAY_POLLS // 8
    assert _state(hass, "binary_sensor", f"{account}-cloud_reachable") == STATE_OFF
    sim.clear_faults()
    await async_poll(hass, freezer, seconds=3600)
    assert _state(hass, "binary_sensor", f"{account}-cloud_reachable") == STATE_ON
    assert _state(hass, "binary_sensor", "G8T20000000001-online") == STATE_ON


@pytest.mark.parametrize("body", list(MALFORMED))
async def test_malformed_homescreen(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    device_registry: dr.DeviceRegistry,
    body: str,
) -> None:
    """Missing keys, nulls, wrong types and an empty account: nothing raises, devices survive one."""
    entry = init_integration
    sim.add_fault(HOMESCREEN, status=200, body=MALFORMED[body], count=1)
    await async_poll(hass, freezer)
    coordinator = entry.runtime_data
    assert coordinator.last_update_success
    # One odd answer never deletes devices (and the user's customisations of them).
    assert device_registry.async_get_device_by_identifier(
        (DOMAIN, "G8T20000000001"), entry.entry_id
    )
    await async_poll(hass, freezer)
    assert _state(hass, "binary_sensor", "G8T20000000001-online") == STATE_ON
