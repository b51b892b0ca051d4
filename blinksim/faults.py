"""Injected failures: a status, a Retry-After, a delay or a broken body for the next N requests."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
import json
from typing import Any

from aiohttp import web

# Bodies named in blink_api.md §3.6 / §8.6: an HTML error page (5xx from a proxy) and
# truncated JSON. Their exact text is our choice.
HTML_BODY = "<html><head><title>503 Service Temporarily Unavailable</title></head><body><h1>503</h1></body></html>"
INVALID_JSON_BODY = '{"message": "Service unavailable", "code": '
# Blink's 401 body as blinkpy receives it (blink_api.md §3.6: {"message": ..., "code": 101}).
STATUS_MESSAGES = {401: ("Unauthorized Access", 101), 429: ("Too many requests", 429)}


@dataclass
class Fault:
    """One injected failure for an endpoint ("METHOD /path/template", "/path/template" or "*")."""

    endpoint: str = "*"
    status: int | None = None
    retry_after: str | None = None
    delay: float = 0.0
    body: Any = None
    content_type: str | None = None
    count: int | None = 1
    until: float | None = None
    # Only requests with this access token: one app's session that Blink's side broke (a
    # new sign-in or a token refresh gets a working session again).
    token: str | None = None

    def matches(
        self, template_key: str, concrete_key: str, token: str | None = None
    ) -> bool:
        """Return whether a request ("GET /path/{x}" and "GET /path/1") is one this fault hits."""
        if self.token is not None and token != self.token:
            return False
        if self.endpoint == "*":
            return True
        if self.endpoint in (template_key, concrete_key):
            return True
        # A path without a method matches every method.
        return self.endpoint in (
            template_key.split(" ", 1)[1],
            concrete_key.split(" ", 1)[1],
        )

    def expired(self, now: float) -> bool:
        """Return whether the fault has used up its count or its duration."""
        if self.count is not None and self.count <= 0:
            return True
        return self.until is not None and now >= self.until

    def response(self) -> web.Response | None:
        """Build the failing response, or None when the fault only delays the real one."""
        if self.status is None and self.body is None:
            return None
        status = self.status or 200
        headers = (
            {"Retry-After": self.retry_after} if self.retry_after is not None else {}
        )
        if self.body == "html":
            text, content_type = HTML_BODY, "text/html"
        elif self.body == "invalid_json":
            text, content_type = INVALID_JSON_BODY, "application/json"
        elif self.body == "empty":
            text, content_type = "", "application/json"
        elif isinstance(self.body, str):
            text, content_type = self.body, "text/plain"
        elif self.body is not None:
            text, content_type = json.dumps(self.body), "application/json"
        else:
            message, code = STATUS_MESSAGES.get(
                status, (f"Simulated error {status}", status)
            )
            text, content_type = (
                json.dumps({"message": message, "code": code}),
                "application/json",
            )
        return web.Response(
            status=status,
            text=text,
            content_type=self.content_type or content_type,
            headers=headers,
        )

    def public(self) -> dict[str, Any]:
        """Describe the fault for GET /_sim/faults."""
        return {
            "endpoint": self.endpoint,
            "status": self.status,
            "retry_after": self.retry_after,
            "delay": self.delay,
            "body": self.body,
            "content_type": self.content_type,
            "count": self.count,
            "until": self.until,
            "token": None if self.token is None else "***",
        }


def fault_from_json(data: Mapping[str, Any], now: float) -> Fault:
    """Validate a POST /_sim/faults body; `duration` seconds turn into an expiry on the clock."""
    known = {
        "endpoint",
        "status",
        "retry_after",
        "delay",
        "body",
        "content_type",
        "count",
        "duration",
        "token",
    }
    unknown = set(data) - known
    if unknown:
        raise ValueError(f"unknown fault fields: {sorted(unknown)}")
    status = data.get("status")
    if status is not None and (
        isinstance(status, bool)
        or not isinstance(status, int)
        or not 100 <= status <= 599
    ):
        raise ValueError(f"status must be an HTTP status code, got {status!r}")
    count = data.get("count", 1)
    if count is not None and (
        isinstance(count, bool) or not isinstance(count, int) or count < 1
    ):
        raise ValueError(
            f"count must be a positive integer or null (no limit), got {count!r}"
        )
    delay = data.get("delay", 0)
    if isinstance(delay, bool) or not isinstance(delay, int | float) or delay < 0:
        raise ValueError(f"delay must be a number of seconds, got {delay!r}")
    duration = data.get("duration")
    if duration is not None and (
        isinstance(duration, bool) or not isinstance(duration, int | float)
    ):
        raise ValueError(f"duration must be a number of seconds, got {duration!r}")
    endpoint = data.get("endpoint", "*")
    if not isinstance(endpoint, str) or not endpoint:
        raise ValueError(
            "endpoint must be '*', 'METHOD /path/template' or '/path/template'"
        )
    if data.get("status") is None and data.get("body") is None and not delay:
        raise ValueError("a fault needs a status, a body or a delay")
    retry_after = data.get("retry_after")
    token = data.get("token")
    if token is not None and (not isinstance(token, str) or not token):
        raise ValueError("token must be an access token")
    return Fault(
        endpoint=endpoint,
        status=status,
        retry_after=None if retry_after is None else str(retry_after),
        delay=float(delay),
        body=data.get("body"),
        content_type=data.get("content_type"),
        count=count,
        until=None if duration is None else now + float(duration),
        token=token,
    )


class FaultBook:
    """The active faults, first added first applied."""

    def __init__(self) -> None:
        """Start with none."""
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        """Activate a fault."""
        self._faults.append(fault)
        return fault

    def take(
        self,
        template_key: str,
        concrete_key: str,
        now: float,
        token: str | None = None,
    ) -> Fault | None:
        """Return the fault that hits this request (sent with `token`), spending one of its count."""
        self._faults = [fault for fault in self._faults if not fault.expired(now)]
        for fault in self._faults:
            if fault.matches(template_key, concrete_key, token):
                if fault.count is not None:
                    fault.count -= 1
                return fault
        return None

    def clear(self) -> None:
        """Remove every fault."""
        self._faults.clear()

    def active(self, now: float) -> list[Fault]:
        """Return the faults still in force."""
        return [fault for fault in self._faults if not fault.expired(now)]
