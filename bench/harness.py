"""Home Assistant in-process, blinksim in its own thread, and time moved only by the harness.

The simulator runs on a second event loop in its own thread, so the CPU time of Home
Assistant's event-loop thread (time.thread_time) is Home Assistant's work alone: the
simulator's request handling is charged to the other thread.
"""

from __future__ import annotations

# phcc's patch_time must be imported before the rest of Home Assistant: it swaps dt_util.utcnow
# for a plain function that freezegun can find (as phcc's pytest plugin does).
from pytest_homeassistant_custom_component import patch_time  # isort: skip

# phcc's testing_config holds another `custom_components` package: importing ours first pins it.
import custom_components.blink_health  # noqa: F401  # isort: skip

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import ExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
import os
import tempfile
import threading
from typing import Any, cast
from unittest.mock import patch

from aiohttp import ClientSession, CookieJar
from aiohttp.resolver import AsyncResolver
import blinkpy.helpers.util
import freezegun
from freezegun.api import FrozenDateTimeFactory
from homeassistant import loader
from homeassistant.components import blink as core_blink
from homeassistant.components.blink import config_flow as core_blink_flow
from homeassistant.components.http import HomeAssistantHTTP
from homeassistant.config_entries import SOURCE_USER, ConfigEntry, ConfigEntryState
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import (
    aiohttp_client,
    entity_registry as er,
    frame,
    translation,
)
from homeassistant.helpers.aiohttp_client import async_create_clientsession
from pytest_homeassistant_custom_component.common import (
    async_fire_time_changed,
    async_test_home_assistant,
)

from blinksim.server import SimServer
from blinksim.world import World
from custom_components.blink_health.const import CLOUD_URL_ENV
from custom_components.blink_health.redirect import CloudRedirect

# Where frozen time starts: any fixed instant keeps runs comparable.
START = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)


def wall_clock() -> float:
    """Return real seconds (perf_counter) even while freezegun has frozen time.

    Read through freezegun.api at call time: freezegun swaps any module attribute that holds
    a real time function for its fake, but never its own module's.
    """
    real: Callable[[], float] = freezegun.api.real_perf_counter
    return real()


def _real_monotonic(_loop: object = None) -> float:
    """Return real monotonic seconds, for the simulator's loop (see SimThread)."""
    real: Callable[[], float] = freezegun.api.real_monotonic
    return real()


@dataclass(frozen=True, slots=True)
class Integration:
    """One of the two integrations compared: its domain and default polling interval."""

    domain: str
    label: str
    interval: float


BLINK_HEALTH = Integration("blink_health", "Blink Health", 300.0)
# Home Assistant core's `blink`: BlinkUpdateCoordinator polls every SCAN_INTERVAL = 300 s.
CORE_BLINK = Integration("blink", "HA core blink", 300.0)
INTEGRATIONS = (BLINK_HEALTH, CORE_BLINK)


def configure_freezegun() -> None:
    """Apply phcc's freezegun fixes (pytest_runtest_setup does this for the tests)."""
    api: Any = freezegun.api
    api.FakeDate = patch_time.HAFakeDate
    api.datetime_to_fakedatetime = patch_time.ha_datetime_to_fakedatetime
    api.FakeDatetime = patch_time.HAFakeDatetime
    api._get_module_attributes = patch_time.ha_get_module_attributes  # noqa: SLF001
    api._get_module_attributes_hash = patch_time.ha_get_module_attributes_hash  # noqa: SLF001
    api._should_use_real_time = patch_time.ha_should_use_real_time  # noqa: SLF001
    api.get_current_time = patch_time.ha_get_current_time


class SimThread:
    """A SimServer on its own event loop in a background thread."""

    def __init__(self, world: World) -> None:
        """Prepare the loop, the thread and the server (nothing runs yet)."""
        self.loop = asyncio.new_event_loop()
        # The simulator's loop keeps real time: frozen loop time would never wake the short
        # sleeps it uses to pace media downloads. Its own clock still follows frozen time.
        self.loop.time = _real_monotonic  # type: ignore[method-assign]
        self.thread = threading.Thread(
            target=self.loop.run_forever, name="blinksim", daemon=True
        )
        self.server = SimServer(world)

    @property
    def url(self) -> str:
        """Return the simulator's base URL."""
        return self.server.url

    def run[T](self, coro: Awaitable[T]) -> T:
        """Run a coroutine on the simulator's loop and wait for its result."""

        async def _wrap() -> T:
            """Await the coroutine on the simulator's loop."""
            return await coro

        return asyncio.run_coroutine_threadsafe(_wrap(), self.loop).result()

    def call[T](self, func: Callable[[], T]) -> T:
        """Call a function on the simulator's loop (world changes never race a request)."""

        async def _call() -> T:
            """Call it on the loop."""
            return func()

        return self.run(_call())

    def requests(self) -> int:
        """Return the number of Blink requests counted so far."""
        return self.call(self.server.requests.total)

    def reset_requests(self) -> None:
        """Forget the request counts."""
        self.call(self.server.requests.reset)

    def start(self) -> None:
        """Start the thread and the server."""
        self.thread.start()
        self.run(self.server.start())

    def stop(self) -> None:
        """Stop the server, then the loop and the thread."""
        self.run(self.server.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.loop.close()


@contextmanager
def no_blinkpy_throttle() -> Iterator[None]:
    """Drop blinkpy's process-global @Throttle sleeps (blink_api.md §3.5), as the tests do.

    Throttle's wrapper looks `sleep` up in blinkpy.helpers.util at call time.
    """

    async def no_sleep(_seconds: float) -> None:
        """Return at once."""

    with patch.object(blinkpy.helpers.util, "sleep", no_sleep):
        yield


@dataclass(slots=True)
class Rig:
    """A running Home Assistant, the simulator, and the frozen clock both follow."""

    hass: HomeAssistant
    sim: SimThread
    frozen: FrozenDateTimeFactory

    async def advance(self, seconds: float) -> None:
        """Move time on, fire the timers that became due and wait until the loop is idle."""
        self.frozen.tick(timedelta(seconds=seconds))
        async_fire_time_changed(self.hass)
        await self.hass.async_block_till_done(wait_background_tasks=True)


def _core_session_factory(sim_url: str) -> Callable[[HomeAssistant], ClientSession]:
    """Return a stand-in for core blink's async_get_clientsession: one redirected session."""
    sessions: dict[int, ClientSession] = {}

    def get(hass: HomeAssistant) -> ClientSession:
        """Return the hass instance's redirected session (created once)."""
        if id(hass) not in sessions:
            sessions[id(hass)] = async_create_clientsession(
                hass,
                cookie_jar=CookieJar(unsafe=True),
                middlewares=(CloudRedirect(sim_url),),
            )
        return sessions[id(hass)]

    return get


@contextmanager
def phcc_environment() -> Iterator[None]:
    """Apply what phcc's autouse fixtures do for every test and a harness needs too.

    No DNS resolver through zeroconf, and no HTTP server bound (core `blink` loads `camera`,
    which loads `http`).
    """
    resolver: Any = AsyncResolver()
    # Home Assistant closes its resolver through real_close, which phcc's stand-in sets too.
    resolver.real_close = resolver.close
    with (
        patch.object(aiohttp_client, "_async_make_resolver", return_value=resolver),
        patch.object(HomeAssistantHTTP, "async_bind"),
        patch.object(HomeAssistantHTTP, "start"),
    ):
        yield


@asynccontextmanager
async def rig(scenario: str, *, two_factor: bool | None = None) -> AsyncIterator[Rig]:
    """Start frozen time, blinksim on `scenario` and Home Assistant, both redirected to it.

    Blink Health is redirected by BLINK_HEALTH_CLOUD_URL; core `blink` by patching the
    async_get_clientsession it imports (harness code only, never the product).
    """
    configure_freezegun()
    with (
        ExitStack() as stack,
        freezegun.freeze_time(START) as frozen,
        no_blinkpy_throttle(),
        phcc_environment(),
        # No stack inspection in freezegun's fake clocks: nothing here asks for real time
        # through its ignore list, and the inspection would be charged to the loop's figures.
        patch.object(freezegun.api, "call_stack_inspection_limit", 0),
    ):
        world = World.from_scenario(
            scenario, clock=lambda: frozen().replace(tzinfo=UTC).timestamp()
        )
        if two_factor is not None:
            world.update_account({"two_factor": two_factor})
        sim = SimThread(world)
        sim.start()
        # A fresh config dir: stores written during a run (registries, power cycles) stay in it.
        config_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-"))
        get_session = _core_session_factory(sim.url)
        try:
            with (
                patch.dict(os.environ, {CLOUD_URL_ENV: sim.url}),
                patch.object(core_blink, "async_get_clientsession", get_session),
                patch.object(core_blink_flow, "async_get_clientsession", get_session),
            ):
                async with async_test_home_assistant(
                    asyncio.get_running_loop(), config_dir=config_dir
                ) as hass:
                    # Let the loader find custom_components/ (phcc's enable_custom_integrations).
                    hass.data.pop(loader.DATA_CUSTOM_COMPONENTS)
                    frame.async_setup(hass)
                    await translation.async_load_integrations(hass, {"homeassistant"})
                    try:
                        yield Rig(hass, sim, cast("FrozenDateTimeFactory", frozen))
                    finally:
                        for entry in hass.config_entries.async_entries():
                            if entry.state is ConfigEntryState.LOADED:
                                await hass.config_entries.async_unload(entry.entry_id)
                        await hass.async_stop(force=True)
        finally:
            sim.stop()


async def async_add_entry(rig_: Rig, integration: Integration) -> ConfigEntry:
    """Add `integration` through its real config flow (with the PIN if Blink asks for one)."""
    hass = rig_.hass
    account = rig_.sim.server.world.account
    flow = hass.config_entries.flow
    result = await flow.async_init(integration.domain, context={"source": SOURCE_USER})
    result = await flow.async_configure(
        result["flow_id"],
        {CONF_USERNAME: account.email, CONF_PASSWORD: account.password},
    )
    if result["type"] is FlowResultType.FORM and result["step_id"] == "2fa":
        result = await flow.async_configure(result["flow_id"], {"pin": account.pin})
    if result["type"] is not FlowResultType.CREATE_ENTRY:
        raise RuntimeError(f"{integration.domain}: sign-in failed: {result}")
    await hass.async_block_till_done(wait_background_tasks=True)
    entry: ConfigEntry = result["result"]
    if entry.state is not ConfigEntryState.LOADED:
        raise RuntimeError(f"{integration.domain}: entry not loaded ({entry.state})")
    return entry


def entity_ids(hass: HomeAssistant, entry: ConfigEntry) -> list[str]:
    """Return the entry's enabled entities."""
    registry = er.async_get(hass)
    return [
        e.entity_id
        for e in er.async_entries_for_config_entry(registry, entry.entry_id)
        if e.disabled_by is None
    ]


def all_have_state(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Return whether every enabled entity of the entry has a state."""
    ids = entity_ids(hass, entry)
    return bool(ids) and all(hass.states.get(i) is not None for i in ids)
