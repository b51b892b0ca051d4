"""The coordinator's hooks for features, and who it tells about a poll."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from blinksim.server import SimServer
from custom_components.blink_health.coordinator import (
    ACCOUNT_CONTEXT,
    BlinkHealthCoordinator,
)
from custom_components.blink_health.health import AccountHealth

from .conftest import async_poll
from .power_helpers import FRONT_YARD, HALL_MINI

FIVE_MINUTES = timedelta(minutes=5)
HOMESCREEN = "GET /api/v3/accounts/{account_id}/homescreen"


def _coordinator(entry: ConfigEntry) -> BlinkHealthCoordinator:
    """Return the entry's coordinator."""
    return entry.runtime_data.coordinator


async def test_listeners_hear_only_of_their_own_device(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    init_integration: ConfigEntry,
) -> None:
    """A poll tells a device's listeners only when that device changed; the account's figures apart."""
    coordinator = _coordinator(init_integration)
    heard: list[object] = []
    for context in (HALL_MINI, FRONT_YARD, ACCOUNT_CONTEXT, None):
        init_integration.async_on_unload(
            coordinator.async_add_listener(
                lambda context=context: heard.append(context), context
            )
        )
    # Offline, the Mini's record stops changing; the battery camera keeps reporting.
    sim.world.patch_device(HALL_MINI, {"status": "offline"})
    await async_poll(hass, freezer)
    assert HALL_MINI in heard  # it went offline: its entities must hear of it
    assert None in heard
    heard.clear()
    sim.world.patch_device(FRONT_YARD, {"wifi": 2})
    await async_poll(hass, freezer)
    assert HALL_MINI not in heard  # nothing of the Mini changed
    assert FRONT_YARD in heard  # its Wi-Fi bars did
    assert ACCOUNT_CONTEXT in heard  # the request count moved
    assert None in heard


async def test_failed_poll_reaches_every_listener(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    init_integration: ConfigEntry,
) -> None:
    """Availability changes for all: a failed poll after a good one tells every listener."""
    coordinator = _coordinator(init_integration)
    sim.world.patch_device(HALL_MINI, {"status": "offline"})
    await async_poll(hass, freezer)
    heard: list[object] = []
    init_integration.async_on_unload(
        coordinator.async_add_listener(lambda: heard.append(HALL_MINI), HALL_MINI)
    )
    sim.add_fault(HOMESCREEN, status=503, count=1)
    await async_poll(hass, freezer)
    assert not coordinator.last_update_success
    assert heard == [HALL_MINI]


async def test_poll_listener_runs_after_good_polls_only(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    init_integration: ConfigEntry,
) -> None:
    """A feature's poll listener gets each good poll's health; a failed poll calls nothing."""
    coordinator = _coordinator(init_integration)
    polls: list[AccountHealth] = []
    remove = coordinator.async_add_poll_listener(polls.append)
    await async_poll(hass, freezer)
    assert len(polls) == 1
    assert polls[0] is coordinator.data
    sim.add_fault(HOMESCREEN, status=503, count=1)
    await async_poll(hass, freezer)
    assert len(polls) == 1
    remove()
    await async_poll(hass, freezer, 600)
    assert len(polls) == 1


async def test_poll_faster_until_released_or_expired(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    init_integration: ConfigEntry,
) -> None:
    """Pace requests: the fastest wins, each one ends when released or after its seconds."""
    coordinator = _coordinator(init_integration)
    assert coordinator.update_interval == FIVE_MINUTES
    release_minute = coordinator.async_poll_faster(timedelta(minutes=1))
    coordinator.async_poll_faster(timedelta(seconds=15), seconds=120)
    assert coordinator.update_interval == timedelta(seconds=15)
    before = sim.requests.total()
    await async_poll(hass, freezer, 15)
    assert sim.requests.total() == before + 1  # the next poll moved to the new pace
    await async_poll(hass, freezer, 120)
    assert coordinator.update_interval == timedelta(minutes=1)  # the 15 s one expired
    release_minute()
    release_minute()  # twice is harmless
    assert coordinator.update_interval == FIVE_MINUTES


async def test_kept_devices_are_claims(
    hass: HomeAssistant, init_integration: ConfigEntry
) -> None:
    """A device stays kept while any claim on it holds; each claim is released once."""
    coordinator = _coordinator(init_integration)
    first = coordinator.async_keep_device(FRONT_YARD)
    second = coordinator.async_keep_device(FRONT_YARD)
    assert coordinator.kept_serials == {FRONT_YARD}
    first()
    first()
    assert coordinator.kept_serials == {FRONT_YARD}
    second()
    assert coordinator.kept_serials == frozenset()
