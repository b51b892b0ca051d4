"""Requests to Home Assistant's and the simulator's HTTP APIs, and commands over Home Assistant's websocket."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
import json
from typing import Any
import urllib.error
import urllib.parse
import urllib.request

import aiohttp

from . import DOMAIN, DemoError


class HTTPFailed(DemoError):
    """Home Assistant or the simulator answered a request with an error status."""

    def __init__(self, status: int, message: str) -> None:
        """Keep the status for callers that expect some (404 once onboarded)."""
        super().__init__(message)
        self.status = status


def http(
    method: str,
    url: str,
    body: Mapping[str, Any] | None = None,
    *,
    token: str = "",
    form: bool = False,
) -> Any:
    """Send one request to Home Assistant or the simulator and return the decoded JSON."""
    headers = {}
    data = None
    if body is not None:
        if form:
            data = urllib.parse.urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback URLs only
            raw = response.read()
    except urllib.error.HTTPError as err:
        path = urllib.parse.urlsplit(url).path
        raise HTTPFailed(
            err.code, f"{method} {path} answered {err.code}: {err.read()[:300]!r}"
        ) from err
    return json.loads(raw) if raw else None


def reachable(url: str) -> bool:
    """Return whether a GET of url answers 2xx."""
    try:
        with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - loopback URLs only
            return True
    except OSError:
        return False


@dataclass
class Client:
    """One server's base URL and, once Home Assistant has signed the demo user in, its token."""

    url: str
    token: str = ""

    def request(
        self,
        method: str,
        path: str,
        body: Mapping[str, Any] | None = None,
        *,
        form: bool = False,
    ) -> Any:
        """Send one request to a path of this server (with the token once there is one)."""
        return http(method, self.url + path, body, token=self.token, form=form)

    def entries(self, domain: str | None = DOMAIN) -> list[dict[str, Any]]:
        """Return Home Assistant's config entries of a domain (all of them for None)."""
        query = f"?domain={domain}" if domain else ""
        return list(self.request("GET", f"/api/config/config_entries/entry{query}"))

    def ws(self, message: dict[str, Any]) -> Any:
        """Send one command over Home Assistant's websocket API and return its result."""

        async def run() -> Any:
            async with (
                aiohttp.ClientSession() as session,
                session.ws_connect(f"{self.url}/api/websocket") as ws,
            ):
                await ws.receive_json()  # auth_required
                await ws.send_json({"type": "auth", "access_token": self.token})
                if (await ws.receive_json())["type"] != "auth_ok":
                    raise DemoError("Home Assistant refused the demo's websocket login")
                await ws.send_json({"id": 1, **message})
                reply = await ws.receive_json()
                if not reply.get("success"):
                    raise DemoError(f"{message['type']} failed: {reply.get('error')}")
                return reply["result"]

        return asyncio.run(run())
