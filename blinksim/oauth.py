"""Blink's OAuth v2 PKCE login, 2FA, token grants and tier lookup (blink_api.md §2.2–2.5)."""

from __future__ import annotations

import base64
from collections import OrderedDict
from dataclasses import dataclass
import hashlib
import html
import json
import secrets

from aiohttp import web

from .http import Route, json_response
from .world import World

REDIRECT_URI = "immedia-blink://applinks.blink.com/signin/callback"
# Identifies the pending login in a cookie; lookups fall back to the latest one when a client
# drops cookies (aiohttp's default jar ignores cookies from IP hosts, blink_api.md §1.4).
STATE_COOKIE = "blinksim_oauth"
MAX_PENDING = 64
# App ids Blink's edge refuses before the sign-in page: the shared literals that got 406 in
# July 2026 (ha_blink_core.md §3.A, core PR #178396); tests add more to OAuthApi's set.
BANNED_HARDWARE_IDS = frozenset({"Home Assistant", "Blinkpy"})
BLOCKED_BODY = "<html><head><title>406 Not Acceptable</title></head><body><h1>406 Not Acceptable</h1></body></html>"


@dataclass
class PendingLogin:
    """One login in progress: from authorize with a PKCE challenge to the code exchange."""

    key: str
    code_challenge: str
    hardware_id: str
    csrf_token: str
    awaiting_pin: bool = False
    signed_in: bool = False
    code: str | None = None


def s256(verifier: str) -> str:
    """Return the PKCE S256 challenge of a verifier: base64url(sha256), no padding."""
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def signin_page(csrf_token: str) -> str:
    """Return the sign-in HTML with the oauth-args script blinkpy parses (§2.2 step 3)."""
    args = html.escape(json.dumps({"csrf-token": csrf_token}), quote=False)
    return (
        "<!DOCTYPE html><html><head><title>Blink - Sign in</title></head><body>"
        '<form method="post" action="/oauth/v2/signin"><input name="username"><input name="password" '
        'type="password"></form>'
        f'<script id="oauth-args" type="application/json">{args}</script>'
        "</body></html>"
    )


class OAuthApi:
    """Handlers for api.oauth.blink.com and the tier lookup on rest-prod."""

    def __init__(self, world: World) -> None:
        """Serve logins into `world`'s account."""
        self.world = world
        self._pending: OrderedDict[str, PendingLogin] = OrderedDict()
        # Hardware ids answered with Blink's "client blocked" 406 at authorize.
        self.blocked_hardware_ids: set[str] = set(BANNED_HARDWARE_IDS)

    def routes(self) -> list[Route]:
        """Return (method, path, handler) for every route served here."""
        return [
            ("GET", "/oauth/v2/authorize", self.authorize),
            ("GET", "/oauth/v2/signin", self.signin_page),
            ("POST", "/oauth/v2/signin", self.signin),
            ("POST", "/oauth/v2/2fa/verify", self.verify_2fa),
            ("POST", "/oauth/token", self.token),
            ("GET", "/api/v1/users/tier_info", self.tier_info),
        ]

    # ----- pending-login bookkeeping ----------------------------------------------------

    def _current(self, request: web.Request) -> PendingLogin | None:
        """Return the login this browser-like request belongs to: its cookie, else the latest."""
        key = request.cookies.get(STATE_COOKIE)
        if key and key in self._pending:
            return self._pending[key]
        return next(reversed(self._pending.values()), None)

    def _by_csrf(self, csrf_token: str) -> PendingLogin | None:
        """Return the login whose sign-in page carried this csrf token."""
        return next(
            (p for p in self._pending.values() if p.csrf_token == csrf_token), None
        )

    # ----- handlers ---------------------------------------------------------------------

    async def authorize(self, request: web.Request) -> web.Response:
        """GET authorize: with PKCE params it starts a login; without, it hands out the code."""
        query = request.query
        if query.get("hardware_id") in self.blocked_hardware_ids:
            return web.Response(status=406, text=BLOCKED_BODY, content_type="text/html")
        if "code_challenge" in query:
            if (
                query.get("code_challenge_method", "S256") != "S256"
                or query.get("response_type") != "code"
            ):
                return json_response(400, {"error": "invalid_request"})
            pending = PendingLogin(
                key=secrets.token_urlsafe(12),
                code_challenge=query["code_challenge"],
                hardware_id=query.get("hardware_id", ""),
                csrf_token=secrets.token_urlsafe(18),
            )
            self._pending[pending.key] = pending
            while len(self._pending) > MAX_PENDING:
                self._pending.popitem(last=False)
            response = web.Response(
                text="<html><body>Blink</body></html>", content_type="text/html"
            )
            response.set_cookie(STATE_COOKIE, pending.key, httponly=True)
            return response
        current = self._current(request)
        if current is None or not current.signed_in:
            # Not signed in yet: a browser would be sent to the sign-in page, without a code.
            raise web.HTTPFound("/oauth/v2/signin")
        current.code = secrets.token_urlsafe(18)
        raise web.HTTPFound(f"{REDIRECT_URI}?code={current.code}&state={current.key}")

    async def signin_page(self, request: web.Request) -> web.Response:
        """GET signin: the page whose oauth-args script carries the csrf token."""
        pending = self._current(request)
        if pending is None:
            return json_response(
                400, {"error": "bad_request", "error_cause": "no_authorize_request"}
            )
        return web.Response(
            text=signin_page(pending.csrf_token), content_type="text/html"
        )

    async def signin(self, request: web.Request) -> web.Response:
        """POST signin: 303 when signed in, 412 or 202 with tsv_* when a PIN is needed, else 401."""
        form = await request.post()
        pending = self._by_csrf(str(form.get("csrf-token", "")))
        if pending is None:
            return json_response(403, {"error": "invalid_csrf_token"})
        account = self.world.account
        if (
            str(form.get("username", "")).lower() != account.email.lower()
            or form.get("password") != account.password
        ):
            # blinkpy treats any status but 3xx/412/202 as a failed login (§2.2 step 4).
            return json_response(
                401, {"error": "invalid_credentials", "message": "Invalid credentials"}
            )
        if account.two_factor:
            pending.awaiting_pin = True
            # The 202 body mirrors the one in blinkpy issue #1233 (§2.2); the phone is made up.
            tsv = {
                "next_time_in_secs": 60,
                "phone": "+1******0100",
                "tsv_methods": ["sms", "voice"],
                "tsv_state": "sms",
                "user_id": account.user_id,
            }
            return json_response(412 if account.two_factor_form == "412" else 202, tsv)
        pending.signed_in = True
        raise web.HTTPSeeOther("/oauth/v2/authorize")

    async def verify_2fa(self, request: web.Request) -> web.Response:
        """POST 2fa/verify: 201 {"status": "auth-completed"} only for the right PIN."""
        form = await request.post()
        pending = self._by_csrf(str(form.get("csrf-token", "")))
        if pending is None or not pending.awaiting_pin:
            return json_response(403, {"error": "invalid_csrf_token"})
        if str(form.get("2fa_code", "")) != self.world.account.pin:
            # The failure body is not documented publicly (§2.3); blinkpy only checks for 201.
            return json_response(
                400, {"status": "invalid-code", "message": "Invalid verification code"}
            )
        pending.awaiting_pin = False
        pending.signed_in = True
        return json_response(201, {"status": "auth-completed"})

    async def token(self, request: web.Request) -> web.Response:
        """POST /oauth/token: authorization_code (PKCE), refresh_token (ios or android) and password grants."""
        form = await request.post()
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            return self._code_grant(
                str(form.get("code", "")), str(form.get("code_verifier", ""))
            )
        now = self.world.now()
        if grant_type == "refresh_token":
            grant = self.world.tokens.refresh(str(form.get("refresh_token", "")), now)
            if grant is None:
                return json_response(
                    401,
                    {
                        "error": "invalid_grant",
                        "error_description": "refresh token invalid",
                    },
                )
            return self._token_response(
                grant.access_token, grant.refresh_token, grant.client_id
            )
        if grant_type == "password":
            account = self.world.account
            if (
                str(form.get("username", "")).lower() != account.email.lower()
                or form.get("password") != account.password
            ):
                return json_response(
                    401,
                    {
                        "error": "invalid_grant",
                        "error_description": "invalid credentials",
                    },
                )
            # The legacy grant sends the PIN in a "2fa-code" header; 412 asks for it (§2.5).
            if account.two_factor and request.headers.get("2fa-code") != account.pin:
                return json_response(412, {"error": "2fa_required"})
            grant = self.world.tokens.issue(now)
            return self._token_response(
                grant.access_token, grant.refresh_token, grant.client_id
            )
        return json_response(400, {"error": "unsupported_grant_type"})

    def _code_grant(self, code: str, verifier: str) -> web.Response:
        """Exchange an authorization code, checking S256(code_verifier) against the challenge."""
        pending = next(
            (p for p in self._pending.values() if code and p.code == code), None
        )
        if pending is None:
            return json_response(
                400, {"error": "invalid_grant", "error_description": "unknown code"}
            )
        if s256(verifier) != pending.code_challenge:
            return json_response(
                400,
                {
                    "error": "invalid_grant",
                    "error_description": "code_verifier mismatch",
                },
            )
        del self._pending[pending.key]
        grant = self.world.tokens.issue(self.world.now())
        return self._token_response(
            grant.access_token, grant.refresh_token, grant.client_id
        )

    def _token_response(
        self, access: str, refresh: str, client_id: int
    ) -> web.Response:
        """Return the token JSON; blinkpy reads access_token, refresh_token, expires_in (§2.2)."""
        account = self.world.account
        return json_response(
            200,
            {
                "access_token": access,
                "refresh_token": refresh,
                "token_type": "Bearer",
                "expires_in": int(account.access_token_lifetime),
                "scope": "client",
                "account_id": account.account_id,
                "user_id": account.user_id,
                "client_id": client_id,
            },
        )

    async def tier_info(self, request: web.Request) -> web.Response:
        """GET tier_info (sent to rest-prod): the REST tier and the account id (§2.2 step 7)."""
        account = self.world.account
        return json_response(
            200, {"tier": account.tier, "account_id": account.account_id}
        )
