"""SimServer: the aiohttp application that serves OAuth, REST and /_sim/ for one World."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from .clock import Clock
from .control import ControlApi
from .counts import RequestCounts
from .faults import Fault, FaultBook, fault_from_json
from .http import Handler, json_response, not_found
from .oauth import OAuthApi
from .rest import RestApi
from .world import World

CONTROL_PREFIX = "/_sim/"
OAUTH_PREFIX = "/oauth/"
# What Blink answers a missing or stale token with (blink_api.md §3.6).
UNAUTHORIZED = {"message": "Unauthorized Access", "code": 101}


def endpoint_keys(request: web.Request) -> tuple[str, str]:
    """Return ("METHOD /path/{template}", "METHOD /concrete/path") for counting and faults."""
    concrete = f"{request.method} {request.path}"
    resource = request.match_info.route.resource
    if resource is None or request.match_info.http_exception is not None:
        return concrete, concrete
    return f"{request.method} {resource.canonical}", concrete


def bearer_token(request: web.Request) -> str | None:
    """Return the access token a request carries, if any."""
    header = request.headers.get("Authorization", "")
    return header[len("Bearer ") :] if header.startswith("Bearer ") else None


class SimServer:
    """A local Blink cloud on host:port (port 0 picks a free one); `async with` starts and stops it."""

    def __init__(
        self,
        world: World,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Clock | None = None,
        *,
        pace_media: bool = True,
    ) -> None:
        """Serve `world`; `clock` (default: the world's, time.monotonic) drives every timed state.

        `pace_media=False` serves media at once: a client whose event loop runs on frozen time
        (Home Assistant's tests) would otherwise wait forever on the download-time sleep.
        """
        if clock is not None:
            world.use_clock(clock)
        self.world = world
        self.pace_media = pace_media
        self.host = host
        self.port = port
        self.requests = RequestCounts()
        self.faults = FaultBook()
        self.url = ""
        # The OAuth routes' state (pending logins, blocked app ids), for tests to steer.
        self.oauth = OAuthApi(self.world)
        self.app = self._build_app()
        self._runner: web.AppRunner | None = None

    def _build_app(self) -> web.Application:
        """Create the application with every route and the middleware in front of them."""
        app = web.Application(middlewares=[self._middleware])
        apis: list[Any] = [
            self.oauth,
            RestApi(self.world),
            ControlApi(self.world, self.faults, self.requests),
        ]
        for api in apis:
            for method, path, handler in api.routes():
                app.router.add_route(method, path, handler)
        return app

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        """Count, delay, inject faults and check the bearer token before a Blink handler runs."""
        if request.path.startswith(CONTROL_PREFIX):
            return await handler(request)
        template, concrete = endpoint_keys(request)
        self.requests[template] += 1
        self.requests.paths[concrete] += 1
        token = bearer_token(request)
        if token is None and not request.path.startswith(OAUTH_PREFIX):
            self.requests.anonymous[template] += 1
        latency = self.world.internet.latency_ms
        if latency > 0:
            await asyncio.sleep(latency / 1000)
        fault = self.faults.take(template, concrete, self.world.now(), token)
        if fault is not None:
            if fault.delay:
                await asyncio.sleep(fault.delay)
            failure = fault.response()
            if failure is not None:
                return failure
        if not request.path.startswith(OAUTH_PREFIX):
            denied = self._check_token(request)
            if denied is not None:
                return denied
        if request.match_info.http_exception is not None:
            if request.match_info.http_exception.status == 405:
                return json_response(
                    405, {"message": "Method not allowed", "code": 405}
                )
            return not_found("Not found")
        response = await handler(request)
        await self._download_time(response)
        return response

    def _check_token(self, request: web.Request) -> web.Response | None:
        """Return a 401 unless the request carries a current access token for this account."""
        token = bearer_token(request) or ""
        account = self.world.account
        grant = self.world.tokens.check_access(
            token, self.world.now(), account.access_token_lifetime
        )
        if grant is None:
            return json_response(401, UNAUTHORIZED)
        account_id = request.match_info.get("account_id")
        if account_id is not None and account_id != str(account.account_id):
            return json_response(403, {"message": "Forbidden", "code": 403})
        request["grant"] = grant
        return None

    async def _download_time(self, response: web.StreamResponse) -> None:
        """Hold media responses for as long as the internet profile's download speed takes."""
        # Only media (thumbnails, clips): pages and JSON answer at once, so a client running on
        # frozen time (Home Assistant tests) is never left waiting on a timer.
        if (
            not self.pace_media
            or not isinstance(response, web.Response)
            or not response.content_type.startswith(("image/", "video/"))
        ):
            return
        size = len(response.body) if isinstance(response.body, bytes) else 0
        mbps = self.world.internet.download_mbps
        if size and mbps > 0:
            await asyncio.sleep(size * 8 / (mbps * 1_000_000))

    # ----- lifecycle ----------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on host:port and set `url`."""
        # handler_cancellation: a client that gives up on a delayed fault also ends its handler,
        # so nothing is left sleeping when the server stops.
        runner = web.AppRunner(
            self.app, handler_cancellation=True, access_log=None, shutdown_timeout=1.0
        )
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        self.url = f"http://{self.host}:{self.port}"

    async def stop(self) -> None:
        """Stop listening and close open connections."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        """Start the server."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the server."""
        await self.stop()

    # ----- the control API as Python methods ------------------------------------------------

    def state(self) -> dict[str, Any]:
        """Return what GET /_sim/state returns."""
        return self.world.state()

    def patch_device(self, serial: str, **changes: Any) -> dict[str, Any]:
        """Patch a device or Sync Module (status, wifi, lfr, wifi_rssi, battery, temperature, ...)."""
        return self.world.patch_device(serial, changes)

    def set_plug(self, plug_id: str, on: bool) -> dict[str, Any]:
        """Switch a smart plug on or off."""
        return self.world.set_plug(plug_id, on)

    def add_device(self, **spec: Any) -> dict[str, Any]:
        """Add a device (serial, type, name, network_id or sync_module, signals...); it gets a new id."""
        return self.world.add_device(spec)

    def remove_device(self, serial: str) -> dict[str, Any]:
        """Remove a device from the account."""
        return self.world.remove_device(serial)

    def update_account(self, **changes: Any) -> dict[str, Any]:
        """Switch 2FA, PIN, app-update-required; revoke refresh or expire access tokens."""
        return self.world.update_account(changes)

    def update_internet(self, **changes: Any) -> dict[str, Any]:
        """Change latency_ms, download_mbps or ping_ms."""
        return self.world.update_internet(changes)

    def add_fault(self, endpoint: str = "*", **spec: Any) -> Fault:
        """Inject a fault (status, retry_after, delay, body, content_type, count, duration)."""
        return self.faults.add(
            fault_from_json({"endpoint": endpoint, **spec}, self.world.now())
        )

    def clear_faults(self) -> None:
        """Remove every fault."""
        self.faults.clear()

    def reset_requests(self) -> None:
        """Reset the request counts."""
        self.requests.reset()
