"""Counts of Blink requests per endpoint ("METHOD /path/template"), as the request budget needs."""

from __future__ import annotations

from collections import Counter


class RequestCounts(Counter[str]):
    """A Counter keyed by "METHOD /path/template"; control requests are never counted."""

    def reset(self) -> None:
        """Forget every count."""
        self.clear()

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
