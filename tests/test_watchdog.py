"""The core Blink watchdog against real core Blink and blinksim (issue 21)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from itertools import pairwise
import time
from typing import Any

from blinkpy.helpers.constants import TIER_ENDPOINT
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntry, ConfigEntryState
from homeassistant.const import STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from blinksim.server import SimServer
from custom_components.blink_health.cloud import probe_url
from custom_components.blink_health.const import CORE_DOMAIN, DOMAIN
from custom_components.blink_health.devices import device_for
from custom_components.blink_health.governor import EXTRA_PER_DAY
from custom_components.blink_health.watchdog import (
    CONF_CORE_WATCHDOG,
    COOLDOWN,
    EVENT_CORE_RELOADED,
    MAX_PER_DAY,
    WATCHDOG_AFTER,
    async_describe_core_reloaded,
)

from .conftest import async_poll
from .core_blink import async_attach, core_entry, core_session, no_blinkpy_sleeps
from .test_attach import async_sign_in_separately

# Fixtures of the core Blink harness, found by pytest through this module's names.
__all__ = ["core_entry", "core_session", "no_blinkpy_sleeps"]

HOMESCREEN = "GET /api/v3/accounts/{account_id}/homescreen"
FRONT_YARD = "G8T20000000001"


async def _minutes(hass: HomeAssistant, freezer: FrozenDateTimeFactory, n: int) -> None:
    """Let `n` minutes pass, a minute at a time (the watchdog looks once a minute)."""
    for _ in range(n):
        await async_poll(hass, freezer, seconds=59)


def _break_core_session(sim: SimServer, core: ConfigEntry) -> None:
    """Blink's side stops honouring core's session: its homescreen answers 500 from now on.

    Only requests with core's current access token: a new token (core's reload refreshes it)
    works again, and Blink Health's own session is untouched.
    """
    sim.add_fault(
        HOMESCREEN, status=500, count=None, token=core.runtime_data.api.auth.token
    )


async def _watched_separately(hass: HomeAssistant, sim: SimServer) -> ConfigEntry:
    """Sign Blink Health in separately (next to core) with the watchdog switched on."""
    entry = await async_sign_in_separately(hass, sim)
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_CORE_WATCHDOG: True}
    )
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def _own_requests(entry: ConfigEntry) -> int:
    """Return the Blink requests Blink Health itself sent."""
    return entry.runtime_data.coordinator.cloud.request_log.total


async def test_reloads_core_with_a_broken_session(
    hass: HomeAssistant,
    core_entry: ConfigEntry,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Core's session broken, Blink Health's own poll fine: core is reloaded, then works again."""
    entry = await _watched_separately(hass, sim)
    events = async_capture_events(hass, EVENT_CORE_RELOADED)
    # Steady state: the watchdog adds no request; every one is a poll's (homescreen, details).
    sent = _own_requests(entry)
    calls = _count_poll_requests(entry, monkeypatch)
    await _minutes(hass, freezer, 20)
    assert _own_requests(entry) - sent == sum(calls.values())
    assert calls["homescreen"] >= 3
    assert not events

    old = core_entry.runtime_data
    _break_core_session(sim, core_entry)
    await _minutes(hass, freezer, 10)
    assert core_entry.runtime_data is old
    assert entry.runtime_data.watchdog.symptom == "unreadable"
    sent = _own_requests(entry)
    calls.clear()
    await _minutes(hass, freezer, 12)
    assert len(events) == 1
    assert events[0].data["seen"] == "unreadable"
    assert events[0].data["core_entry_id"] == core_entry.entry_id
    assert events[0].data["reloads_today"] == 1
    # The reload cost Blink Health nothing: its own polls only.
    assert _own_requests(entry) - sent == sum(calls.values())
    await hass.async_block_till_done(wait_background_tasks=True)
    assert core_entry.state is ConfigEntryState.LOADED
    assert core_entry.runtime_data is not old
    # Core's new session works: no symptom any more, no second reload.
    await _minutes(hass, freezer, 40)
    assert entry.runtime_data.watchdog.symptom is None
    assert len(events) == 1
    assert core_entry.runtime_data.last_update_success
    description = async_describe_core_reloaded(events[0])
    assert description["name"] == "Blink Health"
    assert "reloaded the Blink integration" in description["message"]


def _count_poll_requests(
    entry: ConfigEntry, monkeypatch: pytest.MonkeyPatch
) -> Counter[str]:
    """Count the requests Blink Health's polls send (a homescreen each, some details)."""
    cloud = entry.runtime_data.coordinator.cloud
    calls: Counter[str] = Counter()
    homescreen, details = cloud.async_homescreen, cloud.async_details

    async def counted_homescreen() -> Any:
        """Count one homescreen request."""
        calls["homescreen"] += 1
        return await homescreen()

    async def counted_details(camera: Any) -> Any:
        """Count one details request."""
        calls["details"] += 1
        return await details(camera)

    monkeypatch.setattr(cloud, "async_homescreen", counted_homescreen)
    monkeypatch.setattr(cloud, "async_details", counted_details)
    return calls


async def test_reloads_core_whose_data_went_stale(
    hass: HomeAssistant,
    core_entry: ConfigEntry,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Core's refreshes "succeed" without renewing anything (blinkpy's throttle stuck): reloaded."""
    entry = await _watched_separately(hass, sim)
    events = async_capture_events(hass, EVENT_CORE_RELOADED)
    old = core_entry.runtime_data

    async def throttled(*_args: Any, **_kwargs: Any) -> bool:
        """Answer like blinkpy's refresh while its throttle holds: nothing renewed."""
        return False

    monkeypatch.setattr(old.api, "refresh", throttled)
    await _minutes(hass, freezer, 20)
    assert old.last_update_success
    assert entry.runtime_data.watchdog.symptom == "stale"
    assert not events
    await _minutes(hass, freezer, 20)
    assert [event.data["seen"] for event in events] == ["stale"]
    await hass.async_block_till_done(wait_background_tasks=True)
    assert core_entry.runtime_data is not old


async def test_cooldown_and_daily_cap(
    hass: HomeAssistant,
    core_entry: ConfigEntry,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Broken again after each reload: 30 minutes apart, 3 a day, then the repair issue."""
    entry = await _watched_separately(hass, sim)
    events = async_capture_events(hass, EVENT_CORE_RELOADED)
    issue_id = f"core_watchdog_cap_{entry.entry_id}"
    times = []
    for _ in range(MAX_PER_DAY + 1):
        _break_core_session(sim, core_entry)
        before = len(events)
        for _minute in range(60):
            await _minutes(hass, freezer, 1)
            if len(events) > before:
                times.append(dict(events[-1].data))
                break
        await hass.async_block_till_done(wait_background_tasks=True)
    assert len(events) == MAX_PER_DAY
    assert [event["reloads_today"] for event in times] == [1, 2, 3]
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_placeholders["seen"] == "unreadable"
    assert issue.translation_placeholders["reloads"] == str(MAX_PER_DAY)

    # A manual reload fixes core: the issue goes away by itself.
    sim.clear_faults()
    assert await hass.config_entries.async_reload(core_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    await _minutes(hass, freezer, 6)
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


async def test_cooldown_holds_between_reloads(
    hass: HomeAssistant,
    core_entry: ConfigEntry,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Broken again at once after a reload: the next reload waits for the 30-minute cooldown."""
    entry = await _watched_separately(hass, sim)
    events = async_capture_events(hass, EVENT_CORE_RELOADED)
    _break_core_session(sim, core_entry)
    await _minutes(hass, freezer, 22)
    assert len(events) == 1
    await hass.async_block_till_done(wait_background_tasks=True)
    _break_core_session(sim, core_entry)
    await _minutes(hass, freezer, 25)
    assert len(events) == 1  # symptom long enough, but within the cooldown
    await _minutes(hass, freezer, 10)
    assert len(events) == 2
    assert entry.runtime_data.watchdog.reloads[1] - entry.runtime_data.watchdog.reloads[
        0
    ] >= timedelta(minutes=30)


async def test_no_reload_while_blink_is_down(
    hass: HomeAssistant,
    core_entry: ConfigEntry,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Blink down for everyone: core fails, but so does our own poll: no reload."""
    entry = await _watched_separately(hass, sim)
    events = async_capture_events(hass, EVENT_CORE_RELOADED)
    sim.add_fault(HOMESCREEN, status=503, body="html", count=None, duration=86400)
    await _minutes(hass, freezer, 60)
    assert entry.runtime_data.watchdog.symptom == "failing"
    assert not entry.runtime_data.coordinator.last_update_success
    assert not events


async def test_no_reload_during_core_reauth(
    hass: HomeAssistant,
    core_entry: ConfigEntry,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Core waits for a new sign-in: the watchdog leaves it alone."""
    entry = await _watched_separately(hass, sim)
    events = async_capture_events(hass, EVENT_CORE_RELOADED)
    # Core's token refresh fails once: core asks for a new sign-in (blink_api.md §2.4).
    sim.world.update_account({"expire_access_token": True})
    sim.add_fault("POST /oauth/token", status=503, count=1)
    await _minutes(hass, freezer, 60)
    flows = hass.config_entries.flow.async_progress_by_handler(CORE_DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert entry.runtime_data.watchdog.symptom is None
    assert not events


def _strand_core_session(sim: SimServer, core: ConfigEntry) -> None:
    """Blink's side strands core's session: every request with its token gets a 503 page.

    blinkpy cannot read the page, so every refresh of core's raises and its entities go
    unavailable; requests without that token (a reload's token refresh, the probe) work.
    """
    sim.add_fault(
        "*", status=503, body="html", count=None, token=core.runtime_data.api.auth.token
    )


def _probes(sim: SimServer) -> int:
    """Return the requests that reached Blink without a token: the watchdog's probes."""
    return sum(sim.requests.anonymous.values())


def _core_states(hass: HomeAssistant, core: ConfigEntry) -> set[str]:
    """Return the states core Blink's entities show."""
    entities = er.async_entries_for_config_entry(er.async_get(hass), core.entry_id)
    states = {
        state.state
        for entity in entities
        if (state := hass.states.get(entity.entity_id)) is not None
    }
    assert states
    return states


async def _until_probed(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: SimServer
) -> int:
    """Let minutes pass until the watchdog's first probe; return how many it took."""
    for minute in range(1, 31):
        await _minutes(hass, freezer, 1)
        if _probes(sim):
            return minute
    raise AssertionError("no probe in 30 minutes")


async def test_attach_reloads_core_with_a_stranded_session(
    hass: HomeAssistant,
    core_entry: ConfigEntry,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Attach mode: core's own session broken, Blink up: one probe without it, then the reload."""
    entry = await async_attach(hass, core_entry)
    events = async_capture_events(hass, EVENT_CORE_RELOADED)
    # Steady state: no request at all.
    await _minutes(hass, freezer, 30)
    assert _own_requests(entry) == 0
    assert _probes(sim) == 0

    old = core_entry.runtime_data
    shared = device_for(hass, entry, FRONT_YARD)
    assert shared is not None
    assert shared.config_entry_id == core_entry.entry_id
    _strand_core_session(sim, core_entry)
    await _minutes(hass, freezer, 6)  # core's next refresh, at its 5-minute pace
    assert entry.runtime_data.watchdog.symptom == "failing"
    assert _core_states(hass, core_entry) == {STATE_UNAVAILABLE}
    since = entry.runtime_data.watchdog.since
    # No request while the symptom's clock runs; the decision, 15 minutes in, sends one.
    assert await _until_probed(hass, freezer, sim) >= 14
    assert since is not None
    assert events[0].time_fired - since >= WATCHDOG_AFTER
    assert len(events) == 1
    assert events[0].data["seen"] == "failing"
    # The decision cost one request, without a token, counted as Blink Health's.
    assert _probes(sim) == 1
    assert sim.requests.anonymous[HOMESCREEN] == 1
    assert _own_requests(entry) == 1
    # ...admitted by the account's governor as an extra request, like every one of ours.
    assert entry.runtime_data.coordinator.governor.extra_in(time.monotonic(), 3600) == 1
    await hass.async_block_till_done(wait_background_tasks=True)
    assert core_entry.state is ConfigEntryState.LOADED
    assert core_entry.runtime_data is not old
    assert core_entry.runtime_data.last_update_success
    assert STATE_UNAVAILABLE not in _core_states(hass, core_entry)
    # The camera's one device, shared with core, outlives core's reload.
    after = device_for(hass, entry, FRONT_YARD)
    assert after is not None
    assert after.id == shared.id
    online = er.async_get(hass).async_get_entity_id(
        "binary_sensor", DOMAIN, f"{FRONT_YARD}-online"
    )
    assert online is not None
    assert hass.states.get(online).state == STATE_ON  # type: ignore[union-attr]
    # Core works again: nothing more is sent, nothing more reloaded.
    await _minutes(hass, freezer, 40)
    assert entry.runtime_data.watchdog.symptom is None
    assert len(events) == 1
    assert _own_requests(entry) == 1


async def test_attach_no_reload_while_blink_is_down(
    hass: HomeAssistant,
    core_entry: ConfigEntry,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Attach mode, Blink down for everyone: a probe per 5 minutes answered 503, no reload."""
    entry = await async_attach(hass, core_entry)
    events = async_capture_events(hass, EVENT_CORE_RELOADED)
    sim.add_fault("*", status=503, body="html", count=None)
    assert await _until_probed(hass, freezer, sim) >= 15
    assert entry.runtime_data.watchdog.symptom == "failing"
    assert _probes(sim) == 1
    await _minutes(hass, freezer, 25)
    assert _probes(sim) == 1 + 25 // 5
    assert _own_requests(entry) == _probes(sim)
    assert not events
    # Blink back: core's own session works again by itself; nothing to reload.
    sim.clear_faults()
    await _minutes(hass, freezer, 30)
    assert core_entry.runtime_data.last_update_success
    assert entry.runtime_data.watchdog.symptom is None
    assert not events


async def test_attach_no_reload_without_a_connection(
    hass: HomeAssistant,
    core_entry: ConfigEntry,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Attach mode, no connection to Blink at all: each probe fails to connect, no reload."""
    entry = await async_attach(hass, core_entry)
    events = async_capture_events(hass, EVENT_CORE_RELOADED)
    await sim.stop()
    await _minutes(hass, freezer, 40)
    assert entry.runtime_data.watchdog.symptom == "failing"
    # Tried (counted as Blink Health's requests), never answered.
    assert 1 <= _own_requests(entry) <= 40 // 5
    assert not events


def test_probe_url_before_core_knows_its_region() -> None:
    """Without blinkpy's region URLs, the probe asks rest-prod's tier lookup instead."""
    assert probe_url(object(), 1001) == TIER_ENDPOINT


async def test_attach_probe_told_to_slow_down(
    hass: HomeAssistant,
    core_entry: ConfigEntry,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A 429 to the probe: no reload, and no request of the account's until Retry-After."""
    await async_attach(hass, core_entry)
    events = async_capture_events(hass, EVENT_CORE_RELOADED)
    _strand_core_session(sim, core_entry)
    sim.add_fault(HOMESCREEN, status=429, retry_after=3600, count=1)
    await _until_probed(hass, freezer, sim)
    assert not events
    # Blink's pause holds every probe back (the governor's), though the symptom lasts.
    await _minutes(hass, freezer, 50)
    assert _probes(sim) == 1
    assert not events
    await _minutes(hass, freezer, 15)
    assert _probes(sim) == 2
    assert len(events) == 1


async def test_attach_probe_waits_for_the_budget(
    hass: HomeAssistant,
    core_entry: ConfigEntry,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The account's extra requests spent for the day: the governor holds the probe back."""
    entry = await async_attach(hass, core_entry)
    events = async_capture_events(hass, EVENT_CORE_RELOADED)
    governor = entry.runtime_data.coordinator.governor
    governor.sent(time.monotonic(), EXTRA_PER_DAY, reserved=False)
    _strand_core_session(sim, core_entry)
    await _minutes(hass, freezer, 60)
    assert entry.runtime_data.watchdog.symptom == "failing"
    assert _probes(sim) == 0
    assert not events


async def test_attach_no_reload_during_core_reauth(
    hass: HomeAssistant,
    core_entry: ConfigEntry,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Attach mode, core refused by Blink (reauth): no probe, no reload."""
    entry = await async_attach(hass, core_entry)
    events = async_capture_events(hass, EVENT_CORE_RELOADED)
    sim.world.update_account({"expire_access_token": True})
    await _minutes(hass, freezer, 60)
    flows = hass.config_entries.flow.async_progress_by_handler(CORE_DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert entry.runtime_data.watchdog.symptom is None
    assert _probes(sim) == 0
    assert not events


async def test_attach_cooldown_cap_and_one_probe_per_reload(
    hass: HomeAssistant,
    core_entry: ConfigEntry,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Attach mode, stranded after every reload: 30 minutes apart, 3 a day, a probe each."""
    entry = await async_attach(hass, core_entry)
    events = async_capture_events(hass, EVENT_CORE_RELOADED)
    for _ in range(MAX_PER_DAY + 1):
        _strand_core_session(sim, core_entry)
        before = len(events)
        for _minute in range(90):
            await _minutes(hass, freezer, 1)
            if len(events) > before:
                break
        await hass.async_block_till_done(wait_background_tasks=True)
    reloads = entry.runtime_data.watchdog.reloads
    assert [event.data["reloads_today"] for event in events] == [1, 2, 3]
    assert all(b - a >= COOLDOWN for a, b in pairwise(reloads))
    # Held back by the cooldown or the cap, a decision sends nothing: one probe per reload.
    assert _probes(sim) == MAX_PER_DAY
    assert _own_requests(entry) == MAX_PER_DAY
    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, f"core_watchdog_cap_{entry.entry_id}"
    )
    assert issue is not None
    assert issue.translation_placeholders["seen"] == "failing"


async def test_off_by_default_with_own_sign_in(
    hass: HomeAssistant,
    core_entry: ConfigEntry,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A separate sign-in does not watch core unless asked to."""
    await async_sign_in_separately(hass, sim)
    events = async_capture_events(hass, EVENT_CORE_RELOADED)
    _break_core_session(sim, core_entry)
    await _minutes(hass, freezer, 40)
    assert not events


def test_logbook_description_of_an_unknown_symptom() -> None:
    """A description never fails on an event it does not know."""
    event: Event[dict[str, Any]] = Event(
        EVENT_CORE_RELOADED, {"seen": "other", "minutes": 20}
    )
    assert "looked stuck" in async_describe_core_reloaded(event)["message"]
