"""Send every Blink request to another base URL (the blinksim simulator) through a client middleware."""

from __future__ import annotations

from aiohttp import ClientHandlerType, ClientRequest, ClientResponse
from yarl import URL

# The simulator reads this header to tell Blink's hosts apart (OAuth, rest-prod, rest-<tier>).
ORIGINAL_HOST_HEADER = "X-Blink-Host"


class CloudRedirect:
    """aiohttp client middleware that rewrites each request's scheme, host and port to `base_url`."""

    def __init__(self, base_url: str) -> None:
        """Keep the base URL the requests go to."""
        self.base_url = URL(base_url)

    async def __call__(
        self, request: ClientRequest, handler: ClientHandlerType
    ) -> ClientResponse:
        """Rewrite the request's URL; path and query stay byte-for-byte as blinkpy built them."""
        original = request.url
        # raw_path/raw_query_string keep the literal "+" in blinkpy's `since=...+0000` query.
        request.url = URL.build(
            scheme=self.base_url.scheme,
            host=self.base_url.raw_host or "127.0.0.1",
            port=self.base_url.explicit_port,
            path=original.raw_path,
            query_string=original.raw_query_string,
            encoded=True,
        )
        request.headers[ORIGINAL_HOST_HEADER] = original.raw_host or ""
        request.headers["Host"] = request.url.raw_authority
        return await handler(request)
