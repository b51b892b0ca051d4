"""The simulator's own control API under /_sim/: state, device patches, plugs, faults, counts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
import functools
from typing import Any

from aiohttp import web

from .counts import RequestCounts
from .faults import FaultBook, fault_from_json
from .http import Route, json_response
from .world import ScenarioError, UnknownItemError, World

type JsonHandler = Callable[[web.Request], Awaitable[Any]]


def _json_errors(
    handler: JsonHandler,
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """Wrap a handler: its return value becomes JSON, world errors become 400/404."""

    @functools.wraps(handler)
    async def wrapper(request: web.Request) -> web.Response:
        """Run the handler and translate its result."""
        try:
            return json_response(200, await handler(request))
        except UnknownItemError as err:
            return json_response(
                404, {"error": str(err.args[0]) if err.args else "not found"}
            )
        except (ScenarioError, ValueError) as err:
            return json_response(400, {"error": str(err)})

    return wrapper


async def _body(request: web.Request) -> Mapping[str, Any]:
    """Return the request's JSON object body."""
    try:
        body = await request.json()
    except ValueError as err:
        raise ScenarioError("the body must be JSON") from err
    if not isinstance(body, dict):
        raise ScenarioError("the body must be a JSON object")
    return body


class ControlApi:
    """Handlers for /_sim/; every operation also exists as a World/SimServer method."""

    def __init__(
        self, world: World, faults: FaultBook, requests: RequestCounts
    ) -> None:
        """Control `world`, its faults and its request counts."""
        self.world = world
        self.faults = faults
        self.requests = requests

    def routes(self) -> list[Route]:
        """Return (method, path, handler) for every control route."""
        return [
            ("GET", "/_sim/state", _json_errors(self.state)),
            ("POST", "/_sim/devices", _json_errors(self.add_device)),
            ("POST", "/_sim/devices/{serial}", _json_errors(self.patch_device)),
            ("DELETE", "/_sim/devices/{serial}", _json_errors(self.remove_device)),
            ("POST", "/_sim/plugs/{plug_id}", _json_errors(self.set_plug)),
            ("GET", "/_sim/faults", _json_errors(self.list_faults)),
            ("POST", "/_sim/faults", _json_errors(self.add_fault)),
            ("DELETE", "/_sim/faults", _json_errors(self.clear_faults)),
            ("GET", "/_sim/requests", _json_errors(self.get_requests)),
            ("DELETE", "/_sim/requests", _json_errors(self.reset_requests)),
            ("POST", "/_sim/account", _json_errors(self.update_account)),
            ("POST", "/_sim/internet", _json_errors(self.update_internet)),
        ]

    async def state(self, request: web.Request) -> Any:
        """GET /_sim/state."""
        return self.world.state()

    async def add_device(self, request: web.Request) -> Any:
        """POST /_sim/devices {serial, type, name, network_id | sync_module, ...}."""
        return self.world.add_device(await _body(request))

    async def patch_device(self, request: web.Request) -> Any:
        """POST /_sim/devices/{serial} with a JSON patch."""
        return self.world.patch_device(
            request.match_info["serial"], await _body(request)
        )

    async def remove_device(self, request: web.Request) -> Any:
        """DELETE /_sim/devices/{serial}."""
        return self.world.remove_device(request.match_info["serial"])

    async def set_plug(self, request: web.Request) -> Any:
        """POST /_sim/plugs/{plug_id} {"on": bool}."""
        body = await _body(request)
        if "on" not in body:
            raise ScenarioError('the body must be {"on": true|false}')
        return self.world.set_plug(request.match_info["plug_id"], body["on"])

    async def list_faults(self, request: web.Request) -> Any:
        """GET /_sim/faults."""
        return [fault.public() for fault in self.faults.active(self.world.now())]

    async def add_fault(self, request: web.Request) -> Any:
        """POST /_sim/faults {endpoint, status, retry_after, delay, body, count, duration}."""
        return self.faults.add(
            fault_from_json(await _body(request), self.world.now())
        ).public()

    async def clear_faults(self, request: web.Request) -> Any:
        """DELETE /_sim/faults."""
        self.faults.clear()
        return []

    async def get_requests(self, request: web.Request) -> Any:
        """GET /_sim/requests: counts per "METHOD /path/template"."""
        return self.requests.public()

    async def reset_requests(self, request: web.Request) -> Any:
        """DELETE /_sim/requests."""
        self.requests.reset()
        return self.requests.public()

    async def update_account(self, request: web.Request) -> Any:
        """POST /_sim/account {two_factor, pin, revoke_refresh_token, expire_access_token, ...}."""
        return self.world.update_account(await _body(request))

    async def update_internet(self, request: web.Request) -> Any:
        """POST /_sim/internet {latency_ms, download_mbps, ping_ms}."""
        return self.world.update_internet(await _body(request))
