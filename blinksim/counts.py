"""Counts of Blink requests per endpoint ("METHOD /path/template"), as the request budget needs."""

from __future__ import annotations

from collections import Counter
from typing import Any


class RequestCounts(Counter[str]):
    """A Counter keyed by "METHOD /path/template"; control requests are never counted.

    `paths` counts the same requests by concrete path ("GET /network/2001/camera/4001/config"),
    for tests that must tell which device id a request named. `anonymous` counts the REST
    requests that carried no access token (Blink answers them 401): a reachability probe's.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Start empty (or from a mapping, as Counter does)."""
        super().__init__(*args, **kwargs)
        self.paths: Counter[str] = Counter()
        self.anonymous: Counter[str] = Counter()

    def reset(self) -> None:
        """Forget every count."""
        self.clear()
        self.paths.clear()
        self.anonymous.clear()

    def rest(self) -> int:
        """Return the number of REST requests (everything but the OAuth host's /oauth/ paths)."""
        return sum(
            n
            for key, n in self.items()
            if not key.split(" ", 1)[1].startswith("/oauth/")
        )

    def public(self) -> dict[str, object]:
        """Describe the counts for GET /_sim/requests."""
        return {"total": self.total(), "by_endpoint": dict(sorted(self.items()))}
