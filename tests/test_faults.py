"""The fault matrix: every fault against blinksim, what Blink Health does, and what it costs.

Each test prints `FAULT-MATRIX | fault | counts` lines (`pytest tests/test_faults.py -s`); the
README's Reliability table is copied from them. Requests are counted by the simulator, on every
endpoint (OAuth included), so a test sees every request Blink would see.

A "healthy day" is 288 polls of 5 minutes against the unmodified demo account, measured once
per run (the first two days after setup; the dearer one is the budget); "held for a day" is
288 polls under the fault.
"""

from __future__ import annotations

import asyncio
import copy
from datetime import timedelta
import logging
from typing import Any

from blinkpy.helpers.constants import TIMEOUT
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.const import (
    CONF_PASSWORD,
    CONF_USERNAME,
    STATE_OFF,
    STATE_ON,
    STATE_UNKNOWN,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from blinksim.server import SimServer
from custom_components.blink_health.cloud import RequestLog
from custom_components.blink_health.const import DOMAIN, MAX_BACKOFF

from .conftest import async_sign_in

HOMESCREEN = "GET /api/v3/accounts/{account_id}/homescreen"
TOKEN = "POST /oauth/token"
CAMERA_CONFIG = "GET /network/{network_id}/camera/{camera_id}/config"
DAY_POLLS = 288  # a day at the default 5-minute interval
INTERVAL = 300
FRONT_YARD = "G8T20000000001"
HALL_MINI = "G8T30000000001"
# A delayed answer outlasts blinkpy's 10-second client timeout by far.
SLOW_SECONDS = 30.0
# How many loop iterations a request to the local simulator may take to arrive.
ARRIVAL_SPINS = 2000

HOMESCREEN_FAULTS: dict[str, dict[str, Any]] = {
    "5xx with an HTML body": {"status": 503, "body": "html"},
    "slower than the client timeout": {"delay": SLOW_SECONDS},
    "invalid JSON": {"status": 200, "body": "invalid_json"},
    "an error message with status 200": {
        "status": 200,
        "body": {"message": "Oops", "code": 9},
    },
    "not an object": {"status": 200, "body": ["cameras"]},
    "missing keys": {
        "status": 200,
        "body": {
            "account": {"id": 1001},
            "sync_modules": [{"id": 3001, "network_id": 2001, "status": "online"}],
            "cameras": [{"name": "Front Yard", "status": "online"}],
        },
    },
    "nulls": {
        "status": 200,
        "body": {
            "sync_modules": None,
            "cameras": [None, {"serial": None}],
            "owls": None,
            "doorbells": [],
        },
    },
    "wrong types": {
        "status": 200,
        "body": {
            "cameras": [
                {"serial": 42, "status": 7, "signals": "strong", "battery": ["ok"]}
            ],
            "sync_modules": [
                {"serial": "G8T1X", "wifi_strength": "five", "last_hb": 3}
            ],
            "owls": {"serial": "G8T3X"},
            "doorbells": "none",
        },
    },
    "429 without Retry-After": {"status": 429},
    "429 with Retry-After": {"status": 429, "retry_after": 900},
    # Blink sends seconds; a date is not understood, so backoff alone paces the polls.
    "429 with a date as Retry-After": {
        "status": 429,
        "retry_after": "Wed, 21 Oct 2026 07:28:00 GMT",
    },
}
TOKEN_FAULTS: dict[str, dict[str, Any]] = {
    "5xx with an HTML body": {"status": 503, "body": "html"},
    "invalid JSON": {"status": 200, "body": "invalid_json"},
    "an answer without the tokens": {"status": 200, "body": {"token_type": "Bearer"}},
    "an HTML page with status 200": {"status": 200, "body": "html"},
    "429 with Retry-After": {"status": 429, "retry_after": 900},
}


def report(fault: str, **counts: object) -> None:
    """Print one row of the fault matrix for the README (shown with pytest -s)."""
    figures = ", ".join(
        f"{key.replace('_', ' ')}: {value}" for key, value in counts.items()
    )
    print(f"\nFAULT-MATRIX | {fault} | {figures}")  # noqa: T201 - the matrix is the output


def _state(hass: HomeAssistant, platform: str, unique_id: str) -> str:
    """Return the state of the entity with this unique id."""
    entity_id = er.async_get(hass).async_get_entity_id(platform, DOMAIN, unique_id)
    assert entity_id
    state = hass.states.get(entity_id)
    assert state
    return state.state


def _reachable(hass: HomeAssistant, sim: SimServer) -> str:
    """Return the state of the account's cloud_reachable sensor."""
    return _state(
        hass, "binary_sensor", f"{sim.world.account.account_id}-cloud_reachable"
    )


def _unreachable_issue(hass: HomeAssistant) -> bool:
    """Return whether the cloud_unreachable repair issue is raised."""
    return ir.async_get(hass).async_get_issue(DOMAIN, "cloud_unreachable") is not None


def _reauth_flows(hass: HomeAssistant) -> list[str]:
    """Return the ids of the reauth flows in progress."""
    return [
        flow["flow_id"]
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == "reauth"
    ]


def _oauth_requests(sim: SimServer) -> int:
    """Return the requests to the OAuth host (sign-in and token endpoints)."""
    return sum(n for key, n in sim.requests.items() if " /oauth/" in key)


def _escaped(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return errors logged with a traceback: an exception that escaped into Home Assistant."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.exc_info and record.levelno >= logging.ERROR
    ]


async def _poll(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    seconds: float = INTERVAL,
) -> None:
    """Move time on by one interval and let a due poll run, like conftest.async_poll.

    An answer the simulator delays sleeps on Home Assistant's loop clock, which only moves
    when the test moves it: once such a request has arrived, time moves on past blinkpy's
    own 10-second client timeout, which then gives up on it (see test_slow_answer_times_out).
    """
    delayed = [
        fault.endpoint for fault in sim.faults.active(sim.world.now()) if fault.delay
    ]
    before = sum(sim.requests[endpoint] for endpoint in delayed)
    freezer.tick(timedelta(seconds=seconds + 1))
    async_fire_time_changed(hass)
    if delayed:
        for _ in range(ARRIVAL_SPINS):
            if sum(sim.requests[endpoint] for endpoint in delayed) > before:
                freezer.tick(timedelta(seconds=TIMEOUT + 1))
                async_fire_time_changed(hass)
                break
            await asyncio.sleep(0)
    await hass.async_block_till_done(wait_background_tasks=True)


async def _day(
    hass: HomeAssistant, sim: SimServer, freezer: FrozenDateTimeFactory
) -> int:
    """Run a simulated day of polling and return how many Blink requests it cost."""
    sim.requests.reset()
    for _ in range(DAY_POLLS):
        await _poll(hass, sim, freezer)
    return sim.requests.total()


# The healthy budget, measured once per run (it is the same for every test: the demo account).
_HEALTHY_DAYS: list[int] = []


async def _healthy_day(
    hass: HomeAssistant, sim: SimServer, freezer: FrozenDateTimeFactory
) -> int:
    """Return what a healthy day costs: the more expensive of the first two days after setup.

    Details are fetched at setup and then every 6 hours per device, so where those rounds
    fall decides whether a 24-hour day holds three or four of them.
    """
    if not _HEALTHY_DAYS:
        _HEALTHY_DAYS.extend([await _day(hass, sim, freezer) for _ in range(2)])
    return max(_HEALTHY_DAYS)


def _healthy_figures() -> str:
    """Return the measured healthy days for the matrix."""
    return "/".join(str(day) for day in _HEALTHY_DAYS)


async def _recover(
    hass: HomeAssistant, sim: SimServer, freezer: FrozenDateTimeFactory
) -> float:
    """Poll until the cloud is reachable again; return how long it took (at most the backoff)."""
    waited = 0.0
    while _reachable(hass, sim) != STATE_ON:
        assert waited <= MAX_BACKOFF.total_seconds(), "no recovery within the backoff"
        await _poll(hass, sim, freezer)
        waited += INTERVAL + 1
    return waited


async def _assert_recovered(
    hass: HomeAssistant, sim: SimServer, freezer: FrozenDateTimeFactory
) -> None:
    """Everything is back: the cloud, the devices, no cloud issue, one request per poll."""
    assert _reachable(hass, sim) == STATE_ON
    assert not _unreachable_issue(hass)
    assert _state(hass, "binary_sensor", f"{FRONT_YARD}-online") == STATE_ON
    assert _state(hass, "binary_sensor", f"{HALL_MINI}-online") == STATE_ON
    sim.requests.reset()
    await _poll(hass, sim, freezer)
    assert sim.requests[HOMESCREEN] == 1


# ----- the homescreen: errors, slow answers, bodies that are not a homescreen ----------------


async def test_slow_answer_times_out(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An answer slower than the client timeout: blinkpy gives up after 10 s, not 30.

    Home Assistant's loop clock is frozen under `freezer`: it moves only when the test moves
    it. The simulator's delay and blinkpy's aiohttp timeout both run on that clock, so time
    is moved one second at a time; the poll must fail once 10 s have passed, long before the
    simulator would answer (30 s). Nothing else is patched.
    """
    coordinator = init_integration.runtime_data.coordinator
    sim.add_fault(HOMESCREEN, delay=SLOW_SECONDS, count=1)
    sim.requests.reset()
    freezer.tick(timedelta(seconds=INTERVAL + 1))
    async_fire_time_changed(hass)
    for _ in range(ARRIVAL_SPINS):
        if sim.requests[HOMESCREEN]:
            break
        await asyncio.sleep(0)
    assert sim.requests[HOMESCREEN] == 1
    moved = 0
    while coordinator.last_update_success:
        assert moved < SLOW_SECONDS, "the client did not give up before the answer"
        freezer.tick(timedelta(seconds=1))
        moved += 1
        async_fire_time_changed(hass)
        for _ in range(20):
            await asyncio.sleep(0)
    await hass.async_block_till_done(wait_background_tasks=True)
    report(
        "homescreen slower than the client timeout",
        client_gave_up_after_s=moved,
        simulator_would_answer_after_s=SLOW_SECONDS,
        requests=sim.requests.total(),
    )
    assert TIMEOUT - 1 <= moved <= TIMEOUT + 1
    assert _reachable(hass, sim) == STATE_OFF
    assert not _escaped(caplog)
    await _recover(hass, sim, freezer)
    await _assert_recovered(hass, sim, freezer)


@pytest.mark.parametrize("fault", list(HOMESCREEN_FAULTS))
async def test_homescreen_fault_held_for_a_day(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    device_registry: dr.DeviceRegistry,
    caplog: pytest.LogCaptureFixture,
    fault: str,
) -> None:
    """A homescreen fault held all day: a failed poll each time, backoff, no storm, recovery.

    No exception escapes; cloud_reachable is off from the first failure; cloud_unreachable
    is raised at the third failure in a row, not before; no device is lost or made up.
    """
    entry = init_integration
    devices = {
        device.id
        for device in dr.async_entries_for_config_entry(device_registry, entry.entry_id)
    }
    healthy = await _healthy_day(hass, sim, freezer)
    sim.add_fault(HOMESCREEN, count=None, **HOMESCREEN_FAULTS[fault])
    sim.requests.reset()
    first_issue_at: int | None = None
    for _ in range(DAY_POLLS):
        await _poll(hass, sim, freezer)
        attempts = sim.requests[HOMESCREEN]
        if attempts:
            assert _reachable(hass, sim) == STATE_OFF
        if _unreachable_issue(hass) and first_issue_at is None:
            first_issue_at = attempts
    faulty = sim.requests.total()
    sim.clear_faults()
    recovery = await _recover(hass, sim, freezer)
    report(
        f"homescreen: {fault}",
        healthy_days=_healthy_figures(),
        day_under_the_fault=faulty,
        issue_at_failed_poll=first_issue_at,
        recovered_within_s=recovery,
    )
    assert healthy >= DAY_POLLS
    # Backoff doubles up to an hour: about one try an hour, far below a healthy day's polls.
    assert faulty <= healthy // 8
    assert first_issue_at == 3
    assert not _escaped(caplog)
    assert entry.state is ConfigEntryState.LOADED
    assert not _reauth_flows(hass)
    await _assert_recovered(hass, sim, freezer)
    assert {
        device.id
        for device in dr.async_entries_for_config_entry(device_registry, entry.entry_id)
    } == devices


async def test_empty_account(
    hass: HomeAssistant, sim: SimServer, freezer: FrozenDateTimeFactory
) -> None:
    """An account without devices is a valid answer: set up, reachable, one request a poll."""
    world = sim.world
    for plug in world.plugs.values():
        plug.devices.clear()
    world.devices.clear()
    world.sync_modules.clear()
    result = await async_sign_in(hass, sim)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.coordinator.data.serials == frozenset()
    sim.requests.reset()
    for _ in range(12):
        await _poll(hass, sim, freezer)
        assert _reachable(hass, sim) == STATE_ON
    report("an empty account (no devices)", requests_in_an_hour=sim.requests.total())
    assert dict(sim.requests) == {HOMESCREEN: 12}
    assert not ir.async_get(hass).issues


async def test_account_emptied_mid_session(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    device_registry: dr.DeviceRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every device gone from a well-formed answer reads as removed, but only after 2 polls."""
    entry = init_integration
    empty = {"sync_modules": [], "cameras": [], "owls": [], "doorbells": []}
    sim.add_fault(HOMESCREEN, status=200, body=empty, count=None)
    sim.requests.reset()
    await _poll(hass, sim, freezer)
    assert _reachable(hass, sim) == STATE_ON
    # One odd answer never deletes a device (and the user's customisations of it).
    assert device_registry.async_get_device_by_identifier(
        (DOMAIN, FRONT_YARD), entry.entry_id
    )
    await _poll(hass, sim, freezer)
    assert not device_registry.async_get_device_by_identifier(
        (DOMAIN, FRONT_YARD), entry.entry_id
    )
    remaining = dr.async_entries_for_config_entry(device_registry, entry.entry_id)
    assert [device.name for device in remaining] == ["Blink account"]
    report("an account emptied mid-session", requests_per_poll=sim.requests.total() / 2)
    assert sim.requests.total() == 2
    assert not _escaped(caplog)
    sim.clear_faults()
    await _poll(hass, sim, freezer)
    assert _state(hass, "binary_sensor", f"{FRONT_YARD}-online") == STATE_ON


async def test_wrong_field_types_held_for_a_day(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    device_registry: dr.DeviceRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """One device's fields of the wrong type in a real homescreen: unknown values, kept, no storm."""
    entry = init_integration
    body = copy.deepcopy(entry.runtime_data.coordinator.last_homescreen)
    assert body is not None
    camera = next(c for c in body["cameras"] if c["serial"] == FRONT_YARD)
    camera.update(status=7, signals="strong", battery=["ok"], updated_at={"x": 1})
    healthy = await _healthy_day(hass, sim, freezer)
    sim.add_fault(HOMESCREEN, status=200, body=body, count=None)
    sim.requests.reset()
    for _ in range(DAY_POLLS):
        await _poll(hass, sim, freezer)
        assert _reachable(hass, sim) == STATE_ON
    faulty = sim.requests.total()
    report(
        "one device's fields of the wrong type",
        healthy_days=_healthy_figures(),
        day_under_the_fault=faulty,
    )
    assert faulty <= healthy
    assert _state(hass, "binary_sensor", f"{FRONT_YARD}-online") == STATE_UNKNOWN
    assert _state(hass, "binary_sensor", f"{HALL_MINI}-online") == STATE_ON
    assert device_registry.async_get_device_by_identifier(
        (DOMAIN, FRONT_YARD), entry.entry_id
    )
    assert not _escaped(caplog)
    sim.clear_faults()
    await _poll(hass, sim, freezer)
    assert _state(hass, "binary_sensor", f"{FRONT_YARD}-online") == STATE_ON


# ----- per-device details and Blink's own demands ------------------------------------------


async def test_details_fault_held_for_a_day(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Per-device details failing all day: polls still succeed; each device retried every 6 h."""
    healthy = await _healthy_day(hass, sim, freezer)
    sim.add_fault(CAMERA_CONFIG, status=503, body="html", count=None)
    sim.requests.reset()
    for _ in range(DAY_POLLS):
        await _poll(hass, sim, freezer)
        assert _reachable(hass, sim) == STATE_ON
    faulty = sim.requests.total()
    report(
        "camera details: 5xx with an HTML body",
        healthy_days=_healthy_figures(),
        day_under_the_fault=faulty,
        failed_details=sim.requests[CAMERA_CONFIG],
    )
    assert faulty <= healthy
    assert sim.requests[HOMESCREEN] == DAY_POLLS
    assert not _escaped(caplog)


async def test_app_update_flag_held_for_a_day(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The homescreen's "app update required" flag all day: no issue, entities stay, polling as usual.

    It is about the app build blinkpy names, and working clients carry it for years
    (docs/fidelity.md): telling the user to update an app would be asking the impossible.
    """
    healthy = await _healthy_day(hass, sim, freezer)
    sim.world.update_account({"app_update_required": True})
    sim.requests.reset()
    for _ in range(DAY_POLLS):
        await _poll(hass, sim, freezer)
        assert not ir.async_get(hass).async_get_issue(DOMAIN, "app_update_required")
        assert _state(hass, "binary_sensor", f"{FRONT_YARD}-online") == STATE_ON
    faulty = sim.requests.total()
    sim.world.update_account({"app_update_required": False})
    await _poll(hass, sim, freezer)
    report(
        '"app update required" flag',
        healthy_days=_healthy_figures(),
        day_under_the_fault=faulty,
    )
    assert faulty <= healthy
    assert not ir.async_get(hass).async_get_issue(DOMAIN, "app_update_required")


# ----- rate limits ------------------------------------------------------------------------


async def _request_times(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    *,
    requests: int,
    hours: float,
    step: float = 60,
) -> list[float]:
    """Move time on in steps; return when each homescreen request was sent (s from now)."""
    moments: list[float] = []
    elapsed = 0.0
    seen = sim.requests[HOMESCREEN]
    while len(moments) < requests and elapsed < hours * 3600:
        await _poll(hass, sim, freezer, seconds=step - 1)
        elapsed += step
        if sim.requests[HOMESCREEN] > seen:
            moments.extend([elapsed] * (sim.requests[HOMESCREEN] - seen))
            seen = sim.requests[HOMESCREEN]
    return moments


@pytest.mark.parametrize("retry_after", [900, 7200])
async def test_429_waits_for_retry_after(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    retry_after: int,
) -> None:
    """One 429 with Retry-After: nothing is sent until it has passed, then polling resumes."""
    sim.add_fault(HOMESCREEN, status=429, retry_after=retry_after, count=1)
    sim.requests.reset()
    first, second, third = await _request_times(hass, sim, freezer, requests=3, hours=3)
    report(
        f"one 429 with Retry-After {retry_after} s",
        next_request_after_s=second - first,
        then_every_s=third - second,
    )
    assert retry_after <= second - first <= retry_after + 120
    assert third - second <= INTERVAL + 60
    assert _reachable(hass, sim) == STATE_ON


@pytest.mark.parametrize("retry_after", [None, 900])
async def test_repeated_429_back_off_further(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    retry_after: int | None,
) -> None:
    """429 after 429: every wait at least Retry-After, each at least the last, up to an hour."""
    spec = {} if retry_after is None else {"retry_after": retry_after}
    sim.add_fault(HOMESCREEN, status=429, count=None, **spec)
    sim.requests.reset()
    moments = await _request_times(hass, sim, freezer, requests=7, hours=12)
    gaps = [
        later - earlier for earlier, later in zip(moments, moments[1:], strict=False)
    ]
    report(
        f"429 after 429, Retry-After {retry_after or 'none'}",
        waits_between_requests_s=gaps,
    )
    assert len(gaps) == 6
    assert all(gap >= (retry_after or 2 * INTERVAL) for gap in gaps)
    assert all(later >= earlier for earlier, later in zip(gaps, gaps[1:], strict=False))
    assert gaps[-1] > gaps[0]
    assert gaps[-1] >= MAX_BACKOFF.total_seconds()
    assert max(gaps) <= MAX_BACKOFF.total_seconds() + 60
    sim.clear_faults()
    await _recover(hass, sim, freezer)
    await _assert_recovered(hass, sim, freezer)


# ----- sign-in tokens ---------------------------------------------------------------------


def _token_is_current(sim: SimServer, entry: ConfigEntry) -> bool:
    """Return whether the stored tokens are the pair Blink issued last."""
    world = sim.world
    grant = world.tokens.check_access(
        entry.data["token"], world.now(), world.account.access_token_lifetime
    )
    return grant is not None and grant.refresh_token == entry.data["refresh_token"]


async def _assert_restart_needs_no_sign_in(
    hass: HomeAssistant, sim: SimServer, entry: ConfigEntry
) -> dict[str, int]:
    """Set the entry up again from what is stored: no sign-in, no new token; return the counts."""
    issued = len(sim.world.tokens.issued())
    sim.requests.reset()
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert _oauth_requests(sim) == 0
    assert sim.requests[HOMESCREEN] == 1
    assert len(sim.world.tokens.issued()) == issued
    return dict(sim.requests)


async def test_access_token_expiry_is_silent(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Access tokens live 4 h: renewed in passing all day, stored, used as they are on restart."""
    entry = init_integration
    sim.requests.reset()
    tokens = [entry.data["token"]]
    for _ in range(DAY_POLLS):
        await _poll(hass, sim, freezer)
        assert entry.runtime_data.coordinator.last_update_success
        assert _state(hass, "binary_sensor", f"{FRONT_YARD}-online") == STATE_ON
        if entry.data["token"] != tokens[-1]:
            assert _token_is_current(sim, entry)
            tokens.append(entry.data["token"])
    day = dict(sim.requests)
    restart = await _assert_restart_needs_no_sign_in(hass, sim, entry)
    report(
        "access token expiry (4-hour tokens)",
        day=sum(day.values()),
        renewals=day[TOKEN],
        restart=sum(restart.values()),
        restart_sign_in_requests=_oauth_requests(sim),
    )
    assert day[TOKEN] == len(tokens) - 1 >= 5
    # Renewed before use: no request was refused, none sent twice.
    assert day[HOMESCREEN] == DAY_POLLS


async def test_access_token_refused_early(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Blink refusing a token before its time: one renewal, one retry, no reauth, stored."""
    entry = init_integration
    sim.world.update_account({"expire_access_token": True})
    sim.requests.reset()
    await _poll(hass, sim, freezer)
    report(
        "access token refused before its time",
        requests_for_that_poll=sim.requests.total(),
        reauth_flows=len(_reauth_flows(hass)),
    )
    assert dict(sim.requests) == {HOMESCREEN: 2, TOKEN: 1}
    assert not _reauth_flows(hass)
    assert _reachable(hass, sim) == STATE_ON
    assert _token_is_current(sim, entry)
    await _assert_restart_needs_no_sign_in(hass, sim, entry)


async def _poll_until_renewal_is_due(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    entry: ConfigEntry,
) -> None:
    """Poll until the next poll must renew the access token (blinkpy renews 60 s early)."""
    while entry.data["expiration_date"] - sim.world.now() >= 60 + INTERVAL + 1:
        await _poll(hass, sim, freezer)


@pytest.mark.parametrize("fault", list(TOKEN_FAULTS))
async def test_token_endpoint_fault_held_for_a_day(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    fault: str,
) -> None:
    """The renewal fails all day (core#177746): failed polls with backoff, never a reauth."""
    entry = init_integration
    healthy = await _healthy_day(hass, sim, freezer)
    await _poll_until_renewal_is_due(hass, sim, freezer, entry)
    sim.add_fault(TOKEN, count=None, **TOKEN_FAULTS[fault])
    sim.requests.reset()
    first_issue_at: int | None = None
    for _ in range(DAY_POLLS):
        await _poll(hass, sim, freezer)
        assert not _reauth_flows(hass)
        if _unreachable_issue(hass) and first_issue_at is None:
            first_issue_at = sim.requests[TOKEN]
    faulty = sim.requests.total()
    sim.clear_faults()
    recovery = await _recover(hass, sim, freezer)
    report(
        f"token renewal: {fault}",
        healthy_days=_healthy_figures(),
        day_under_the_fault=faulty,
        issue_at_failed_poll=first_issue_at,
        recovered_within_s=recovery,
    )
    assert faulty <= healthy // 8
    assert first_issue_at == 3
    assert not _escaped(caplog)
    assert entry.state is ConfigEntryState.LOADED
    assert _token_is_current(sim, entry)
    await _assert_recovered(hass, sim, freezer)


async def test_refresh_token_revoked(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Revoked sign-in: one reauth flow, polling stops, nothing sent until the user signs in."""
    entry = init_integration
    account = sim.world.account
    sim.world.update_account({"revoke_refresh_token": True})
    sim.requests.reset()
    polls = 0
    # The access token still works until it expires; its renewal is then refused.
    while not _reauth_flows(hass):
        await _poll(hass, sim, freezer)
        polls += 1
        assert polls <= DAY_POLLS // 6 + 1
    assert sim.requests[TOKEN] == 1
    assert _oauth_requests(sim) == 1
    waiting = await _day(hass, sim, freezer)
    assert waiting == 0
    assert len(_reauth_flows(hass)) == 1

    # The user acts: the password, a wrong PIN, then the PIN Blink sent.
    flow_id = _reauth_flows(hass)[0]
    sim.requests.reset()
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_USERNAME: account.email, CONF_PASSWORD: account.password}
    )
    assert result["step_id"] == "2fa"
    result = await hass.config_entries.flow.async_configure(flow_id, {"pin": "000000"})
    assert result["errors"] == {"base": "invalid_pin"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"pin": account.pin}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done(wait_background_tasks=True)
    reauth = sim.requests.total()
    assert entry.state is ConfigEntryState.LOADED
    assert _token_is_current(sim, entry)
    sim.requests.reset()
    await _poll(hass, sim, freezer)
    report(
        "refresh token revoked",
        polls_until_reauth=polls,
        day_waiting_for_the_user=waiting,
        reauth_flows=1,
        reauth_with_2fa_and_setup=reauth,
        then_per_poll=sim.requests.total(),
    )
    assert dict(sim.requests) == {HOMESCREEN: 1}


@pytest.mark.parametrize(
    ("fault", "endpoint", "spec"),
    [
        ("a new token refused too", HOMESCREEN, {"status": 401}),
        ("the renewal asks for a PIN", TOKEN, {"status": 412}),
    ],
)
async def test_refusal_that_needs_the_user(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    fault: str,
    endpoint: str,
    spec: dict[str, Any],
) -> None:
    """Refused in a way a renewal cannot fix: one reauth flow, then nothing sent for a day."""
    entry = init_integration
    sim.world.update_account({"expire_access_token": True})
    sim.add_fault(endpoint, count=None, **spec)
    sim.requests.reset()
    await _poll(hass, sim, freezer)
    first = dict(sim.requests)
    assert len(_reauth_flows(hass)) == 1
    waiting = await _day(hass, sim, freezer)
    report(
        f"refused: {fault}",
        requests_until_reauth=sum(first.values()),
        day_waiting_for_the_user=waiting,
        reauth_flows=len(_reauth_flows(hass)),
    )
    # The refused request, one renewal, and (for the homescreen) one retry with the new token.
    assert first == (
        {HOMESCREEN: 2, TOKEN: 1}
        if endpoint == HOMESCREEN
        else {HOMESCREEN: 1, TOKEN: 1}
    )
    assert waiting == 0
    assert len(_reauth_flows(hass)) == 1
    assert entry.state is ConfigEntryState.LOADED


async def test_blink_unreachable_held_for_a_day(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """No connection at all (the cloud's port closed): backoff, the issue, recovery after."""
    request_log = init_integration.runtime_data.coordinator.cloud.request_log
    healthy = await _healthy_day(hass, sim, freezer)
    await sim.stop()
    tried = request_log.total
    first_issue_at: int | None = None
    for _ in range(DAY_POLLS):
        await _poll(hass, sim, freezer)
        if _unreachable_issue(hass) and first_issue_at is None:
            first_issue_at = request_log.total - tried
    attempts = request_log.total - tried
    await sim.start()
    recovery = await _recover(hass, sim, freezer)
    report(
        "Blink unreachable (connection refused)",
        healthy_days=_healthy_figures(),
        attempts_in_the_day=attempts,
        issue_at_failed_poll=first_issue_at,
        recovered_within_s=recovery,
    )
    assert attempts <= healthy // 8
    assert first_issue_at == 3
    assert not _escaped(caplog)
    await _assert_recovered(hass, sim, freezer)


async def _start_reauth(
    hass: HomeAssistant, sim: SimServer, freezer: FrozenDateTimeFactory
) -> str:
    """Revoke the sign-in and let a poll find out; return the reauth flow's id."""
    sim.world.update_account(
        {"revoke_refresh_token": True, "expire_access_token": True}
    )
    await _poll(hass, sim, freezer)
    (flow_id,) = _reauth_flows(hass)
    return flow_id


async def test_reauth_pin_while_blink_is_unreachable(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """2FA during reauth with Blink gone at the PIN step: "cannot connect", then the PIN works."""
    entry = init_integration
    account = sim.world.account
    flow_id = await _start_reauth(hass, sim, freezer)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_USERNAME: account.email, CONF_PASSWORD: account.password}
    )
    assert result["step_id"] == "2fa"
    await sim.stop()
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"pin": account.pin}
    )
    assert result["step_id"] == "2fa"
    assert result["errors"] == {"base": "cannot_connect"}
    await sim.start()
    sim.requests.reset()
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"pin": account.pin}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done(wait_background_tasks=True)
    report(
        "2FA during reauth, Blink unreachable at the PIN step",
        form_error="cannot_connect",
        requests_for_the_retried_pin_and_setup=sim.requests.total(),
    )
    assert entry.state is ConfigEntryState.LOADED
    assert _token_is_current(sim, entry)


async def test_reauth_while_the_tier_lookup_fails(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Reauth whose account lookup fails: "cannot connect" (not a wrong password), then works."""
    entry = init_integration
    account = sim.world.account
    flow_id = await _start_reauth(hass, sim, freezer)
    sim.world.update_account({"two_factor": False})
    sim.add_fault("GET /api/v1/users/tier_info", status=503, body="html", count=1)
    credentials = {CONF_USERNAME: account.email, CONF_PASSWORD: account.password}
    result = await hass.config_entries.flow.async_configure(flow_id, credentials)
    assert result["errors"] == {"base": "cannot_connect"}
    result = await hass.config_entries.flow.async_configure(flow_id, credentials)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.LOADED


async def test_details_429_with_an_html_body(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A 429 on details, as an HTML page: the pause is honoured like any 429."""
    coordinator = init_integration.runtime_data.coordinator
    freezer.tick(6 * 3600)  # every device's details are due again
    sim.add_fault(CAMERA_CONFIG, status=429, body="html", retry_after=1800, count=1)
    sim.requests.reset()
    moments = await _request_times(hass, sim, freezer, requests=2, hours=2)
    report(
        "camera details: 429 with an HTML body, Retry-After 1800 s",
        next_homescreen_after_s=moments[1] - moments[0],
    )
    assert moments[1] - moments[0] >= 1800
    assert coordinator.last_update_success


def test_request_counter_keeps_one_hour(freezer: FrozenDateTimeFactory) -> None:
    """The api_requests figure counts the last hour only: older requests drop out."""
    log = RequestLog()
    for _ in range(3):
        log.count_request()
        freezer.tick(timedelta(seconds=1800))
    assert log.total == 3
    assert log.in_last_hour() == 2
    freezer.tick(timedelta(seconds=3600))
    assert log.in_last_hour() == 0
