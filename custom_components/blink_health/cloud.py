"""The one place that talks to Blink: sign-in and 2FA, the timed homescreen poll, per-device details."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
import math
import os
import time
from typing import Any, Protocol, TypeGuard, cast

from aiohttp import (
    ClientError,
    ClientHandlerType,
    ClientRequest,
    ClientResponse,
    ClientSession,
    ClientTimeout,
    CookieJar,
)
from blinkpy import api
from blinkpy.auth import (
    Auth,
    BlinkBadResponse,
    BlinkTwoFARequiredError,
    LoginError,
    TokenRefreshFailed,
    UnauthorizedError,
)
from blinkpy.blinkpy import Blink, BlinkSetupError
from blinkpy.camera import BlinkCameraMini, BlinkDoorbell
from blinkpy.helpers.constants import TIER_ENDPOINT, TIMEOUT
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_create_clientsession

from .const import CLOUD_URL_ENV, CONF_HARDWARE_ID, LOGGER
from .health import CameraHealth, DeviceKind, device_serial
from .redirect import CloudRedirect

# What Home Assistant stores of a sign-in: what blinkpy needs to resume without a new login.
LOGIN_KEYS = (
    "account_id",
    "client_id",
    "expiration_date",
    "expires_in",
    CONF_HARDWARE_ID,
    "host",
    "password",
    "refresh_token",
    "region_id",
    "token",
    "user_id",
    "username",
)
# The sign-in steps' paths (blink_api.md §2.2): which one refused names the error.
AUTHORIZE_PATH = "/oauth/v2/authorize"
SIGNIN_PATH = "/oauth/v2/signin"
TOKEN_PATH = "/oauth/token"
CLIENT_BLOCKED_STATUSES = frozenset({403, 406})
# What each stored sign-in value must be. Anything else (a hand-edited or damaged entry:
# `expiration_date` as text, a token that is not a string) is dropped, so blinkpy renews or
# signs in again, or the user is asked to (reauth), instead of a TypeError at every retry.
LOGIN_TYPES: dict[str, tuple[type, ...]] = {
    "account_id": (int,),
    "client_id": (int, str),
    "expiration_date": (int, float),
    "expires_in": (int, float),
    CONF_HARDWARE_ID: (str,),
    "host": (str,),
    "password": (str,),
    "refresh_token": (str,),
    "region_id": (str,),
    "token": (str,),
    "user_id": (int, str),
    "username": (str,),
}
# Keys of the device lists in a homescreen (blink_api.md §5.5).
HOMESCREEN_DEVICE_LISTS = ("cameras", "doorbells", "owls", "sync_modules")
# Lists a real homescreen may leave out: published ones of accounts without a doorbell have no
# "doorbells" (tests/fixtures/captures/homescreen, docs/fidelity.md). Every capture has the others.
HOMESCREEN_OPTIONAL_LISTS = ("doorbells", "owls")
# What a device entry carried over from the previous homescreen keeps: who it is, not how it is.
_IDENTITY_KEYS = ("id", "serial", "serial_number", "name", "type", "network_id")
RATE_LIMIT_STATUS = 429
REQUEST_WINDOW_SECONDS = 3600.0
UNAUTHORIZED_STATUSES = frozenset({401, 403})


class CloudError(Exception):
    """Base of the errors the Blink cloud can cause."""


class AuthFailed(CloudError):
    """The credentials or tokens were refused: the user must sign in again."""


class SignInRefused(AuthFailed):
    """Blink's OAuth sign-in page refused the email and password (blink_api.md §2.2 step 4)."""


class TokenRefused(AuthFailed):
    """Blink's token endpoint refused the sign-in's code or refresh token (§2.2 step 6, §2.4)."""


class ClientBlocked(AuthFailed):
    """Blink refused this app install before the sign-in page (HTTP 406 to a banned hardware id).

    Seen when Blink blocks a hardware id shared by many installs (ha_blink_core.md §3.A: the
    literal "Home Assistant" and "Blinkpy" ids got 406 from the authorize endpoint).
    """


class TwoFactorRequired(CloudError):
    """Blink sent a PIN that must be entered to finish signing in."""


class InvalidPin(CloudError):
    """The 2FA PIN was refused."""


class CloudUnavailable(CloudError):
    """Blink could not be reached or answered with an error."""


class RateLimited(CloudUnavailable):
    """Blink asked us to slow down (HTTP 429), possibly saying for how long."""

    def __init__(self, retry_after: float | None) -> None:
        """Remember how long Blink asked us to wait."""
        super().__init__(f"rate limited, retry after {retry_after}")
        self.retry_after = retry_after


@dataclass(slots=True)
class ResponseRecord:
    """What the last Blink response said, for turning blinkpy's silent failures into errors."""

    status: int | None = None
    retry_after: float | None = None
    # The URL path it answered (no query: the sign-in steps are told apart by path).
    path: str | None = None


class RequestLog:
    """aiohttp client middleware that counts every Blink request and keeps the last status."""

    def __init__(self) -> None:
        """Start with no requests seen."""
        self._times: deque[float] = deque()
        self.total = 0
        self.last = ResponseRecord()

    async def __call__(
        self, request: ClientRequest, handler: ClientHandlerType
    ) -> ClientResponse:
        """Count the request and record its answer."""
        self.total += 1
        self._times.append(time.monotonic())
        try:
            response = await handler(request)
        except ClientError, TimeoutError:
            self.last = ResponseRecord()
            raise
        self.last = ResponseRecord(
            response.status,
            _retry_after(response.headers.get("Retry-After")),
            request.url.path,
        )
        return response

    def count_request(self) -> None:
        """Count a request sent through a session without this middleware (attach mode)."""
        self.total += 1
        self._times.append(time.monotonic())

    def in_last_hour(self) -> int:
        """Return how many requests were sent in the last hour."""
        # Looked up at each call (not bound once), so a test's frozen clock moves it too.
        horizon = time.monotonic() - REQUEST_WINDOW_SECONDS
        while self._times and self._times[0] < horizon:
            self._times.popleft()
        return len(self._times)


def is_homescreen(body: object) -> TypeGuard[dict[str, Any]]:
    """Return whether a body reads as the account's devices: the lists there, every entry a serial.

    Every published homescreen holds "cameras" and "sync_modules" (empty or not); "owls" and
    "doorbells" may be absent. Anything else (an error message with status 200, a truncated
    body, nulls, entries of the wrong type) is a failed poll: read as data, it would delete
    every device it lacks and create devices out of garbage.
    """
    return isinstance(body, dict) and all(
        isinstance(entries := body.get(key), list)
        and all(_has_serial(entry) for entry in entries)
        for key in HOMESCREEN_DEVICE_LISTS
        if key in body or key not in HOMESCREEN_OPTIONAL_LISTS
    )


def _has_serial(entry: object) -> bool:
    """Return whether a device entry is an object with a serial, as health.py reads serials."""
    return isinstance(entry, dict) and device_serial(entry) is not None


def _retry_after(value: str | None) -> float | None:
    """Parse a Retry-After header given in seconds (Blink does not send HTTP dates)."""
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return max(seconds, 0.0)


def sign_in_failure(last: ResponseRecord) -> AuthFailed:
    """Return which step of Blink's sign-in refused us, from the last answer (a 4xx)."""
    if last.path == AUTHORIZE_PATH and last.status in CLIENT_BLOCKED_STATUSES:
        return ClientBlocked()
    if last.path == SIGNIN_PATH:
        return SignInRefused()
    if last.path == TOKEN_PATH:
        return TokenRefused()
    return AuthFailed()


_redirect_warned = False


def async_create_session(
    hass: HomeAssistant,
    *,
    auto_cleanup: bool = True,
    request_log: RequestLog | None = None,
) -> tuple[ClientSession, RequestLog]:
    """Create an entry's own session: a cookie jar for Blink's OAuth cookies, every request counted.

    `request_log`: the account's own (kept across reloads), else a new one. With
    BLINK_HEALTH_CLOUD_URL set, every request goes to that base URL instead (the simulator).
    """
    global _redirect_warned  # noqa: PLW0603 - warn once per process, not per entry
    request_log = request_log if request_log is not None else RequestLog()
    middlewares: list[Any] = [request_log]
    base_url = os.environ.get(CLOUD_URL_ENV)
    if base_url:
        if not _redirect_warned:
            LOGGER.warning(
                "%s is set: all Blink requests go to %s", CLOUD_URL_ENV, base_url
            )
            _redirect_warned = True
        middlewares.append(CloudRedirect(base_url))
    session = async_create_clientsession(
        hass,
        auto_cleanup=auto_cleanup,
        # unsafe=True keeps cookies set by an IP-address host such as the local simulator.
        cookie_jar=CookieJar(unsafe=bool(base_url)),
        middlewares=tuple(middlewares),
    )
    return session, request_log


def checked_homescreen(
    body: Any, previous: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Return the body if it is a homescreen (is_homescreen), else raise CloudUnavailable.

    Our own polls and the core integration's homescreen (attach mode) go through this check.
    A device list the body leaves out says nothing about that kind of device, so its entries
    come from `previous` (the last homescreen accepted) with only who they are: the devices
    are kept instead of deleted as gone, and no old status passes for a new one.
    """
    if not is_homescreen(body):
        raise CloudUnavailable("invalid homescreen")
    carried = {
        key: [
            {k: entry[k] for k in _IDENTITY_KEYS if k in entry}
            for entry in previous[key]
        ]
        for key in HOMESCREEN_OPTIONAL_LISTS
        if key not in body and previous is not None and key in previous
    }
    return {**body, **carried} if carried else body


def sound_login_data(login_data: Mapping[str, Any]) -> dict[str, Any]:
    """Return the stored sign-in with every damaged value dropped (None), see LOGIN_TYPES."""
    return {
        key: value if _sound(value := login_data.get(key), LOGIN_TYPES[key]) else None
        for key in LOGIN_KEYS
    }


def _sound(value: object, types: tuple[type, ...]) -> bool:
    """Return whether a stored value has its type (no bool for a number, no empty text)."""
    if isinstance(value, bool) or not isinstance(value, types):
        return False
    if isinstance(value, str):
        return bool(value)
    return not isinstance(value, float) or math.isfinite(value)


class BlinkSource(Protocol):
    """What the coordinator reads Blink through: our own sign-in, or the core integration's."""

    request_log: RequestLog

    @property
    def login_data(self) -> dict[str, Any]:
        """Return what must be stored to resume the sign-in (nothing for a borrowed one)."""

    @property
    def signed_in(self) -> bool:
        """Return True when no sign-in is needed before polling."""

    async def async_sign_in(self) -> None:
        """Sign in."""

    async def async_homescreen(self) -> tuple[dict[str, Any], float | None]:
        """Return the homescreen and its round-trip time in ms (None when not measured)."""

    async def async_details(self, camera: CameraHealth) -> dict[str, Any] | None:
        """Return one device's details, if any."""


# ----- Reading the core `blink` integration's blinkpy objects (attach mode) -----------------


def blink_problem(value: object) -> str | None:
    """Return what differs from what attach mode reads in a blinkpy Blink object, or None.

    The text is appended to the object's name in the repair issue (so it starts with a
    space or a dot).
    """
    if not isinstance(value, Blink) or not isinstance(
        getattr(value, "auth", None), Auth
    ):
        return " is not a blinkpy Blink"
    if not isinstance(getattr(value, "homescreen", None), dict):
        return ".homescreen is not a dict"
    if not isinstance(getattr(value, "cameras", None), Mapping):
        return ".cameras is not a mapping"
    if not isinstance(value.auth.account_id, int):
        return ".auth.account_id is not set"
    return None


def blink_camera_details(blink: Blink, serial: str) -> dict[str, Any] | None:
    """Return what blinkpy already read of a camera's config, shaped like its detail body.

    No request: blinkpy keeps the config of each default camera it refreshed (Minis and
    doorbells are read from the homescreen, so it holds nothing more for them). `blink`
    has passed blink_problem().
    """
    for camera in blink.cameras.values():
        if getattr(camera, "serial", None) != serial or isinstance(
            camera, (BlinkCameraMini, BlinkDoorbell)
        ):
            continue
        body = {
            "wifi_strength": getattr(camera, "wifi_strength", None),
            "battery_voltage": getattr(camera, "battery_voltage", None),
        }
        return {key: value for key, value in body.items() if value is not None} or None
    return None


async def async_request_homescreen(blink: Blink) -> Any:
    """Fetch a fresh homescreen through another integration's blinkpy object (one request).

    Returns the decoded body; raises RateLimited on a 429 (with its Retry-After) and
    CloudUnavailable otherwise. Tokens stay that integration's business (blinkpy renews them
    through its own callback).
    """
    if getattr(blink, "urls", None) is None:
        # Not signed in to a region yet: there is no URL to ask.
        raise CloudUnavailable("no region")
    try:
        # force=True: blinkpy's throttle would sleep; fast polls are already paced.
        response = await api.request_homescreen(blink, force=True)
        if response is None:
            raise CloudUnavailable("no answer")
        status = response.status
        if status >= 400:
            retry_after = _retry_after(response.headers.get("Retry-After"))
            response.release()
            if status == RATE_LIMIT_STATUS:
                raise RateLimited(retry_after)
            raise CloudUnavailable(f"HTTP {status}")
        return await response.json(content_type=None)
    except (
        BlinkTwoFARequiredError,
        ClientError,
        LoginError,
        TimeoutError,
        TokenRefreshFailed,
        UnauthorizedError,
        ValueError,
    ) as err:
        raise CloudUnavailable(type(err).__name__) from err


# Blink answers a request without a token with 401 (blink_api.md §3.6; the simulator does too):
# any status below 500 but 429 shows its REST host answers, whatever became of an app's session.
PROBE_TIMEOUT = ClientTimeout(total=TIMEOUT)


def probe_url(blink: object, account_id: int) -> str:
    """Return what to ask without credentials: the homescreen URL of `blink`'s region, else rest-prod.

    The region's host is the one core Blink's refreshes go to (blinkpy's own URL for it);
    before core knows its region, blinkpy's tier lookup on rest-prod stands in.
    """
    base_url = getattr(getattr(blink, "urls", None), "base_url", None)
    if not isinstance(base_url, str):
        return TIER_ENDPOINT
    return f"{base_url}/api/v3/accounts/{account_id}/homescreen"


async def async_probe(session: ClientSession, url: str) -> int:
    """Send one request without credentials to Blink's REST host; return the status it answers.

    No token goes out, so nothing of anyone's sign-in is used or spent. Raises RateLimited on a
    429 (with its Retry-After) and CloudUnavailable when Blink does not answer: no connection,
    a timeout, or a 5xx (Blink's proxies answer an outage with a 503 page).
    """
    try:
        async with session.get(
            url, timeout=PROBE_TIMEOUT, allow_redirects=False
        ) as response:
            status = response.status
            retry_after = _retry_after(response.headers.get("Retry-After"))
    except (ClientError, TimeoutError) as err:
        raise CloudUnavailable(type(err).__name__) from err
    if status == RATE_LIMIT_STATUS:
        raise RateLimited(retry_after)
    if status >= 500:
        raise CloudUnavailable(f"HTTP {status}")
    return status


class BlinkCloud:
    """A signed-in Blink account, reached through blinkpy on the entry's own aiohttp session."""

    def __init__(
        self,
        session: ClientSession,
        request_log: RequestLog,
        login_data: Mapping[str, Any],
        on_tokens: Callable[[], None] | None = None,
    ) -> None:
        """Prepare blinkpy with saved login data; nothing is sent yet."""
        self.request_log = request_log
        self._blink = Blink(session=session)
        # blinkpy keeps and mutates the dict it is given; give it a checked copy of what we store.
        sound = sound_login_data(login_data)
        self._auth = Auth(
            {key: sound.get(key) for key in LOGIN_KEYS},
            no_prompt=True,
            session=session,
            callback=on_tokens,
        )
        self._blink.auth = self._auth
        self._on_tokens = on_tokens
        # The last homescreen accepted: it fills a device list the next one leaves out.
        self._homescreen: dict[str, Any] | None = None

    @property
    def account_id(self) -> int | None:
        """Return the Blink account id, known once signed in."""
        return cast("int | None", self._auth.account_id)

    @property
    def login_data(self) -> dict[str, Any]:
        """Return what must be stored to resume this sign-in (tokens, hardware id, credentials)."""
        attributes = self._auth.login_attributes
        return {key: attributes.get(key) for key in LOGIN_KEYS}

    @property
    def signed_in(self) -> bool:
        """Return True when tokens and the account's region are known, so no sign-in is needed."""
        auth = self._auth
        return bool(auth.token and auth.region_id and auth.account_id)

    async def async_sign_in(self) -> None:
        """Sign in: refresh token first, else the full OAuth flow; raise TwoFactorRequired for a PIN."""
        try:
            await self._auth.startup()
        except BlinkTwoFARequiredError as err:
            raise TwoFactorRequired from err
        except (LoginError, TokenRefreshFailed) as err:
            raise self._login_failure() from err
        except (ClientError, TimeoutError) as err:
            raise CloudUnavailable(str(err)) from err
        self._finish_sign_in()

    async def async_verify_pin(self, pin: str) -> None:
        """Complete a sign-in that asked for a 2FA PIN."""
        try:
            verified = await self._auth.complete_2fa_login(pin)
        except (ClientError, TimeoutError) as err:
            raise CloudUnavailable(str(err)) from err
        if not verified:
            last = self.request_log.last
            if last.status is not None and last.status >= 500:
                raise CloudUnavailable(f"HTTP {last.status}")
            if last.path in (AUTHORIZE_PATH, TOKEN_PATH):
                # The code was accepted; a later step of the sign-in refused (§2.3).
                raise sign_in_failure(last)
            raise InvalidPin
        self._finish_sign_in()

    def _finish_sign_in(self) -> None:
        """Point blinkpy at the account's region once tokens are in hand."""
        if not self.signed_in:
            # The tier lookup failed (blinkpy only logs it): the account cannot be used yet.
            raise self._login_failure()
        try:
            self._blink.setup_urls()
        except (
            BlinkSetupError
        ) as err:  # pragma: no cover - region_id checked just above
            raise CloudUnavailable("no region") from err

    def _login_failure(self) -> CloudError:
        """Tell a refused password from a cloud that is down, using the last response seen."""
        last = self.request_log.last
        if last.status == RATE_LIMIT_STATUS:
            return RateLimited(last.retry_after)
        if last.status is None or last.status >= 500:
            return CloudUnavailable(f"HTTP {last.status}")
        return sign_in_failure(last)

    def _ensure_urls(self) -> None:
        """Build blinkpy's URLs from stored login data (after a restart no sign-in is needed)."""
        if self._blink.urls is None:
            self._finish_sign_in()

    async def async_homescreen(self) -> tuple[dict[str, Any], float]:
        """Fetch the homescreen (one request) and return it with its round-trip time in ms."""
        self._ensure_urls()
        started = time.perf_counter()
        # force=True: blinkpy's own throttle would sleep; the coordinator already paces polls.
        response = await self._query(api.request_homescreen(self._blink, force=True))
        latency_ms = (time.perf_counter() - started) * 1000
        status = response.status
        if status in UNAUTHORIZED_STATUSES:
            # The access token was refused before its time: renew it once with the refresh
            # token, then ask again. Only a refused refresh sends the user to reauth.
            await self._async_renew_tokens()
            started = time.perf_counter()
            response = await self._query(
                api.request_homescreen(self._blink, force=True)
            )
            latency_ms = (time.perf_counter() - started) * 1000
            status = response.status
            if status in UNAUTHORIZED_STATUSES:
                raise AuthFailed
        if status == RATE_LIMIT_STATUS:
            raise RateLimited(_retry_after(response.headers.get("Retry-After")))
        if status >= 400:
            raise CloudUnavailable(f"HTTP {status}")
        try:
            body = await response.json(content_type=None)
        except (ValueError, ClientError) as err:
            raise CloudUnavailable("invalid homescreen") from err
        self._homescreen = checked_homescreen(body, self._homescreen)
        return self._homescreen, latency_ms

    async def _async_renew_tokens(self) -> None:
        """Get a new access token with the refresh token (blinkpy's mid-session refresh)."""
        await self._query(self._renew())
        if self._on_tokens is not None:
            self._on_tokens()

    async def _renew(self) -> bool:
        """Run blinkpy's token refresh; its truthy result keeps _query's None check happy."""
        return bool(await self._auth.refresh_tokens(refresh=True))

    async def async_details(self, camera: CameraHealth) -> dict[str, Any] | None:
        """Fetch one device's config (RSSI, battery voltage, temperature; Mini Wi-Fi bars)."""
        self._ensure_urls()
        network, device_id = camera.network_id, camera.id
        if network is None or device_id is None:
            return None
        blink = self._blink
        if camera.kind is DeviceKind.MINI:
            request = api.request_get_config(
                blink, network, device_id, product_type="owl"
            )
        elif camera.kind is DeviceKind.DOORBELL:
            base_url = cast("Any", blink.urls).base_url  # set by _ensure_urls()
            url = (
                f"{base_url}/api/v1/accounts/{blink.account_id}"
                f"/networks/{network}/doorbells/{device_id}/config"
            )
            request = api.http_get(blink, url)
        else:
            request = api.request_camera_info(blink, network, device_id)
        body = await self._query(request)
        if self.request_log.last.status == RATE_LIMIT_STATUS:
            # blinkpy hands a 429's JSON body back as if it were data.
            raise RateLimited(self.request_log.last.retry_after)
        return body if isinstance(body, dict) and "message" not in body else None

    async def _query(self, request: Any) -> Any:
        """Await a blinkpy request, turning blinkpy's errors and silent None into ours."""
        try:
            result = await request
        except UnauthorizedError as err:
            raise AuthFailed from err
        except BlinkTwoFARequiredError as err:
            raise AuthFailed from err
        except TokenRefreshFailed as err:
            # A refresh can fail for a moment (core#177746); only a refusal means the user
            # must act. An answer with a success status that blinkpy could not read is not one.
            status = self.request_log.last.status
            if status is not None and status < 400:
                raise CloudUnavailable(
                    f"unreadable token answer (HTTP {status})"
                ) from err
            raise self._login_failure() from err
        except (
            BlinkBadResponse
        ) as err:  # pragma: no cover - blinkpy catches it inside query()
            raise CloudUnavailable("bad response") from err
        except (ClientError, TimeoutError) as err:
            raise CloudUnavailable(str(err)) from err
        except ValueError as err:
            # Invalid JSON where blinkpy reads it without a guard (the token refresh).
            raise CloudUnavailable("invalid JSON") from err
        if result is None:
            last = self.request_log.last
            if last.status == RATE_LIMIT_STATUS:
                raise RateLimited(last.retry_after)
            raise CloudUnavailable(f"no answer (HTTP {last.status})")
        return result
