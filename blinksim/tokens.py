"""OAuth grants the simulated cloud has issued: access tokens, refresh tokens, client ids."""

from __future__ import annotations

from dataclasses import dataclass
import secrets


@dataclass
class Grant:
    """One issued token pair and the client (app install) it belongs to."""

    access_token: str
    refresh_token: str
    client_id: int
    issued_at: float
    access_expired: bool = False
    refresh_revoked: bool = False


class TokenStore:
    """Issues, checks, expires and revokes token pairs; all times come from the caller's clock."""

    def __init__(self) -> None:
        """Start with no grants."""
        self._by_access: dict[str, Grant] = {}
        self._by_refresh: dict[str, Grant] = {}
        # Client ids are what the homescreen's Client-Id header reports (blink_api.md §4.1).
        self._next_client_id = 700001

    def issue(self, now: float, client_id: int | None = None) -> Grant:
        """Create a token pair; a refresh keeps the client id of the grant it replaces."""
        if client_id is None:
            client_id = self._next_client_id
            self._next_client_id += 1
        grant = Grant(
            access_token=secrets.token_urlsafe(24),
            refresh_token=secrets.token_urlsafe(24),
            client_id=client_id,
            issued_at=now,
        )
        self._by_access[grant.access_token] = grant
        self._by_refresh[grant.refresh_token] = grant
        return grant

    def check_access(self, token: str, now: float, lifetime: float) -> Grant | None:
        """Return the grant if `token` is a current, unexpired access token."""
        grant = self._by_access.get(token)
        if grant is None or grant.access_expired or now - grant.issued_at >= lifetime:
            return None
        return grant

    def refresh(self, refresh_token: str, now: float) -> Grant | None:
        """Exchange a valid refresh token for a new pair, or return None."""
        grant = self._by_refresh.get(refresh_token)
        if grant is None or grant.refresh_revoked:
            return None
        return self.issue(now, grant.client_id)

    def expire_access_tokens(self) -> int:
        """Make every issued access token invalid (as if its lifetime had passed)."""
        for grant in self._by_access.values():
            grant.access_expired = True
        return len(self._by_access)

    def revoke_refresh_tokens(self) -> int:
        """Make every issued refresh token invalid (a password change, a logout elsewhere)."""
        for grant in self._by_refresh.values():
            grant.refresh_revoked = True
        return len(self._by_refresh)

    def issued(self) -> list[str]:
        """Return every access and refresh token ever issued (for secret scans in tests)."""
        return [*self._by_access, *self._by_refresh]

    def logout(self, access_token: str) -> None:
        """Forget one grant entirely (both of its tokens)."""
        grant = self._by_access.pop(access_token, None)
        if grant is not None:
            self._by_refresh.pop(grant.refresh_token, None)
