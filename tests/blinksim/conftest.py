"""Fixtures for the blinksim tests: a simulator on a manual clock, and real blinkpy pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
from blinkpy.auth import Auth, BlinkTwoFARequiredError
from blinkpy.blinkpy import Blink
import blinkpy.helpers.util
import pytest

from blinksim.clock import ManualClock
from blinksim.server import SimServer
from blinksim.world import World
from custom_components.blink_health.redirect import CloudRedirect


@pytest.fixture(autouse=True)
def no_blinkpy_throttle(monkeypatch: pytest.MonkeyPatch) -> None:
    """Drop blinkpy's process-global @Throttle sleeps (blink_api.md §3.5).

    Throttle's wrapper looks `sleep` up in blinkpy.helpers.util at call time, so replacing it
    there removes the waits without reloading blinkpy.api the way blinkpy's own tests do.
    """

    async def no_sleep(_seconds: float) -> None:
        """Return at once."""

    monkeypatch.setattr(blinkpy.helpers.util, "sleep", no_sleep)


@pytest.fixture
def clock() -> ManualClock:
    """Return the simulator's clock; tests move it with advance()."""
    return ManualClock()


type SimFactory = Callable[..., Awaitable[SimServer]]


@pytest.fixture
async def start_sim(
    clock: ManualClock, socket_enabled: None
) -> AsyncIterator[SimFactory]:
    """Return an async factory that starts a SimServer for a scenario, with account changes.

    phcc blocks sockets; `socket_enabled` opens them again (still only to 127.0.0.1).
    """
    servers: list[SimServer] = []

    async def start(scenario: str = "minimal", **account: Any) -> SimServer:
        """Start a simulator for `scenario` with optional account changes."""
        sim = SimServer(World.from_scenario(scenario), clock=clock)
        if account:
            sim.update_account(**account)
        await sim.start()
        servers.append(sim)
        return sim

    yield start
    for sim in servers:
        await sim.stop()


class BlinkClient:
    """Real blinkpy 0.25.9 talking to a simulator through the integration's redirect middleware."""

    def __init__(
        self, sim: SimServer, login_data: dict[str, Any] | None = None
    ) -> None:
        """Build the session and the Blink object as the integration does (both get the session)."""
        self.sim = sim
        self.session = aiohttp.ClientSession(
            middlewares=(CloudRedirect(sim.url),),
            cookie_jar=aiohttp.CookieJar(unsafe=True),
        )
        account = sim.world.account
        data = login_data or {"username": account.email, "password": account.password}
        self.blink = Blink(session=self.session)
        self.blink.auth = Auth(data, no_prompt=True, session=self.session)

    async def login(self, pin: str | None = None) -> bool:
        """Run Blink.start(), answering the 2FA prompt with the account's PIN (or `pin`)."""
        try:
            return bool(await self.blink.start())
        except BlinkTwoFARequiredError:
            return bool(
                await self.blink.send_2fa_code(pin or self.sim.world.account.pin)
            )

    async def refresh(self) -> int:
        """Refresh (force=False) as if refresh_rate had passed; return the requests it made."""
        self.blink.last_refresh -= self.blink.refresh_rate
        before = self.sim.requests.total()
        assert await self.blink.refresh() is True
        return self.sim.requests.total() - before

    def homescreen_device(self, section: str, serial: str) -> dict[str, Any]:
        """Return one entry of the last homescreen blinkpy fetched."""
        return next(d for d in self.blink.homescreen[section] if d["serial"] == serial)


type ClientFactory = Callable[..., BlinkClient]


@pytest.fixture
async def make_client() -> AsyncIterator[ClientFactory]:
    """Return a factory for BlinkClient; their sessions are closed afterwards."""
    clients: list[BlinkClient] = []

    def make(sim: SimServer, login_data: dict[str, Any] | None = None) -> BlinkClient:
        """Create a client for `sim`."""
        client = BlinkClient(sim, login_data)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.session.close()


@pytest.fixture
async def demo(start_sim: SimFactory, make_client: ClientFactory) -> BlinkClient:
    """Return blinkpy logged in (with 2FA) to the demo scenario."""
    client = make_client(await start_sim("demo"))
    assert await client.login()
    return client


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Silence blinkpy's own utcnow() deprecation warning in these tests (it is not ours to fix)."""
    here = str(__file__).rsplit("/", 1)[0]
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(
                pytest.mark.filterwarnings(
                    "ignore:datetime.datetime.utcnow:DeprecationWarning"
                )
            )
