"""Shared fixtures for Blink Health tests."""

from __future__ import annotations

# Home Assistant puts phcc's testing_config on sys.path, and its own `custom_components`
# package would then shadow this repository's. Importing ours first pins the right one.
import custom_components.blink_health  # noqa: F401  # isort: skip

from collections.abc import AsyncGenerator, Generator, Iterable
from datetime import timedelta
import json
import logging
from typing import Any
from unittest.mock import PropertyMock, patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import (
    SOURCE_USER,
    ConfigEntry,
    ConfigEntryState,
    ConfigFlowResult,
)
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from blinksim.scenarios import load_scenario
from blinksim.server import SimServer
from blinksim.world import World
from custom_components.blink_health.const import CLOUD_URL_ENV, CONF_HARDWARE_ID, DOMAIN
from custom_components.blink_health.diagnostics import (
    async_get_config_entry_diagnostics,
)

from .power_helpers import SimPlug, async_setup_plugs

# Loggers whose DEBUG records may name serials: blinkpy as Home Assistant's core `blink`
# integration runs it (attach mode; Blink Health never calls the blinkpy functions that dump
# devices), and the test harness's mock storage, which logs what it writes (real storage does not).
SERIAL_DEBUG_LOGGERS = ("blinkpy", "pytest_homeassistant_custom_component")


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(request: pytest.FixtureRequest) -> None:
    """Let Home Assistant load the integration from custom_components/ in tests that use hass.

    Pure tests (health, playbook, simulator) do not get a Home Assistant instance.
    """
    if "hass" in request.fixturenames:
        # The recorder's database must be prepared before Home Assistant starts.
        if "recorder_mock" in request.fixturenames:
            request.getfixturevalue("recorder_mock")
        request.getfixturevalue("enable_custom_integrations")


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Store snapshots as Home Assistant's syrupy extension formats them, under tests/snapshots."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


# ----- The simulated Blink cloud and the integration set up against it ---------------------


@pytest.fixture
def sim_scenario() -> str:
    """Return the scenario the simulator loads (override in a module or with parametrize)."""
    return "demo"


class LeakScan:
    """The simulated accounts of a test: nothing may name their secrets, nor their serials.

    Secrets: the email, the password and every token the simulator issued. Serials: every
    serial an account had when it was added or has now (a device removed during the test may
    still be named by what the integration kept of it).
    """

    def __init__(self) -> None:
        """Start with no account."""
        self.worlds: list[World] = []
        self._serials: set[str] = set()

    def add(self, world: World) -> None:
        """Scan for this account's secrets and serials too."""
        self.worlds.append(world)
        self._serials.update(self._current_serials(world))

    @staticmethod
    def _current_serials(world: World) -> list[str]:
        """Return the serials of the account's Sync Modules and devices now."""
        return [*world.sync_modules, *world.devices]

    def secrets(self) -> list[str]:
        """Return what identifies the person or lets anyone sign in."""
        return [
            secret
            for world in self.worlds
            for secret in (
                world.account.email,
                world.account.password,
                *world.tokens.issued(),
            )
        ]

    def serials(self) -> list[str]:
        """Return every serial the accounts had during the test."""
        now = (
            serial for world in self.worlds for serial in self._current_serials(world)
        )
        return sorted(self._serials.union(now))

    def log_leaks(self, records: Iterable[logging.LogRecord]) -> list[str]:
        """Return the log lines that name a secret, or a serial outside the exempt debug output.

        Secrets may appear nowhere, at no level. Serials may appear only in DEBUG records of
        SERIAL_DEBUG_LOGGERS: output Blink Health does not write, and a user never sees unasked.
        """
        secrets, serials = self.secrets(), self.serials()
        leaks = []
        for record in records:
            message = record.getMessage()
            exempt = record.levelno <= logging.DEBUG and record.name.startswith(
                SERIAL_DEBUG_LOGGERS
            )
            if any(secret in message for secret in secrets) or (
                not exempt and any(serial in message for serial in serials)
            ):
                leaks.append(f"{record.name}: {message}")
        return leaks

    async def async_check(
        self, hass: HomeAssistant, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Fail if a log line so far, or a loaded entry's diagnostics, name a secret or serial."""
        records = [
            record
            for phase in ("setup", "call", "teardown")
            for record in caplog.get_records(phase)
        ]
        leaks = self.log_leaks(records)
        assert not leaks, f"secrets or serials in the log: {leaks}"
        forbidden = [*self.secrets(), *self.serials()]
        for entry in hass.config_entries.async_entries(DOMAIN):
            if entry.state is not ConfigEntryState.LOADED:
                continue
            diagnostics = await async_get_config_entry_diagnostics(hass, entry)
            text = json.dumps(diagnostics, default=str)
            found = [
                value
                for value in (*forbidden, entry.data.get(CONF_HARDWARE_ID))
                if value and value in text
            ]
            assert not found, f"diagnostics of {entry.title} name {found}"


@pytest.fixture
def leak_scan() -> LeakScan:
    """Return the test's leak scan: `sim` (and `second_sim`) add their accounts to it."""
    return LeakScan()


@pytest.fixture
async def sim(
    hass: HomeAssistant,
    sim_scenario: str,
    leak_scan: LeakScan,
    monkeypatch: pytest.MonkeyPatch,
    socket_enabled: None,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> AsyncGenerator[SimServer]:
    """Run blinksim on 127.0.0.1 and point the integration at it (BLINK_HEALTH_CLOUD_URL).

    Time is frozen before anything is set up (a clock that jumps later confuses the
    coordinator's timers); the simulator's clock follows Home Assistant's, so `freezer` moves both.
    """
    world = World.from_scenario(
        sim_scenario, clock=lambda: dt_util.utcnow().timestamp()
    )
    leak_scan.add(world)
    caplog.set_level(logging.DEBUG)
    # Media unpaced: the download-time sleep would never end on Home Assistant's frozen loop.
    async with SimServer(world, pace_media=False) as server:
        monkeypatch.setenv(CLOUD_URL_ENV, server.url)
        yield server
    # Every test against the simulator doubles as a scan: no secret (and no serial) may reach
    # a log line, from sign-in on, nor the diagnostics of an entry as the test left it.
    await leak_scan.async_check(hass, caplog)


def second_account(data: dict[str, Any]) -> dict[str, Any]:
    """Return a scenario's data as another Blink account: own credentials, ids and serials."""
    text = json.dumps(data).replace('"G8T', '"G9T')
    other: dict[str, Any] = json.loads(text)
    other["account"] |= {
        "email": "second@example.com",
        "password": "blink-second-account",
        "account_id": other["account"].get("account_id", 1001) + 1000,
        "user_id": other["account"].get("user_id", 9001) + 1000,
    }
    return other


@pytest.fixture
async def second_sim(
    sim: SimServer, sim_scenario: str, leak_scan: LeakScan
) -> AsyncGenerator[SimServer]:
    """Run a second simulator: another Blink account (sign in to it with `use_sim` first).

    Its secrets and serials are part of the leak scan too.
    """
    _, data = load_scenario(sim_scenario)
    world = World.from_dict(
        second_account(data), clock=lambda: dt_util.utcnow().timestamp()
    )
    leak_scan.add(world)
    async with SimServer(world, pace_media=False) as server:
        yield server


def use_sim(monkeypatch: pytest.MonkeyPatch, server: SimServer) -> None:
    """Send the Blink requests of entries set up (or reloaded) from now on to this simulator.

    An entry's session is redirected when it is created, so each entry keeps the simulator it
    was set up against, whatever comes later.
    """
    monkeypatch.setenv(CLOUD_URL_ENV, server.url)


async def async_sign_in(hass: HomeAssistant, sim: SimServer) -> ConfigFlowResult:
    """Go through the real config flow with the simulated account's credentials (and PIN)."""
    account = sim.world.account
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_USERNAME: account.email, CONF_PASSWORD: account.password},
    )
    if result["type"] is FlowResultType.FORM and result["step_id"] == "2fa":
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"pin": account.pin}
        )
    return result


@pytest.fixture
async def init_integration(
    hass: HomeAssistant, sim: SimServer
) -> MockConfigEntry | ConfigEntry:
    """Set Blink Health up through the config flow against the simulator; return its entry."""
    result = await async_sign_in(hass, sim)
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done()
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    return entry


async def async_poll(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float = 300
) -> None:
    """Move time on by one polling interval and let the coordinator poll.

    One second more than the interval: the coordinator adds up to a second of jitter.
    """
    freezer.tick(timedelta(seconds=seconds + 1))
    async_fire_time_changed(hass)
    # The poll runs as a background task doing real I/O with the simulator: wait for it too.
    await hass.async_block_till_done(wait_background_tasks=True)


@pytest.fixture
def entity_registry_enabled_by_default() -> Generator[None]:
    """Create every entity enabled, including those disabled by default (as core's fixture does)."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


@pytest.fixture
async def repairs(
    hass: HomeAssistant, hass_client: ClientSessionGenerator
) -> ClientSessionGenerator:
    """Set up the repairs integration; return the factory of HTTP clients for its flows.

    Fix flows are driven over Home Assistant's repairs HTTP API. The clients share one access
    token, made when the first is: it expires after 30 minutes of (moved) time.
    """
    assert await async_setup_component(hass, "repairs", {})
    return hass_client


@pytest.fixture
async def plugs(hass: HomeAssistant, sim: SimServer) -> tuple[SimPlug, SimPlug]:
    """Return the Hall Mini's and the Garage Sync Module's plugs as switch entities."""
    return await async_setup_plugs(hass, sim)
