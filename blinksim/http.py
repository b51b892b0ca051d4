"""Small aiohttp helpers shared by the OAuth, REST and control handlers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
type Route = tuple[str, str, Handler]


def json_response(status: int, body: Any) -> web.Response:
    """Return a JSON response with Blink's content type."""
    return web.json_response(body, status=status)


def not_found(message: str) -> web.Response:
    """Return a JSON 404 (blinkpy turns any 404 into a connection error, blink_api.md §3.1)."""
    return json_response(404, {"message": message, "code": 404})
