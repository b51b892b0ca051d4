"""Polls the Blink cloud once per interval and keeps what the health rules need between polls."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
import time
from typing import Any, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .cloud import (
    AuthFailed,
    BlinkSource,
    CloudUnavailable,
    RateLimited,
    TwoFactorRequired,
)
from .const import (
    CONF_SCAN_INTERVAL,
    DEFAULT_SCAN_INTERVAL,
    DETAILS_MAX_AGE,
    DETAILS_PER_POLL,
    DOMAIN,
    FAST_POLL_INTERVAL,
    LOGGER,
    MAX_BACKOFF,
    MAX_FAST_POLL,
    READD_POLL_INTERVAL,
)
from .devices import async_sync_devices, device_signature
from .health import AccountHealth, CameraHealth, iter_devices, parse_account
from .issues import async_sync_issues
from .playbook import Finding, History, InternetFigures, Thresholds, evaluate
from .power import PowerCycles
from .readd import Readds
from .settings import excluded_serials, internet_figures, thresholds_from_options

# Enough latency samples for the "sustained over several polls" rule, whatever the option says.
LATENCY_SAMPLES = 12

type BlinkHealthConfigEntry = ConfigEntry[BlinkHealthCoordinator]


@dataclass(slots=True)
class DetailsCache:
    """Per-device detail bodies, when each was fetched (monotonic seconds) and for which id."""

    bodies: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    fetched_at: dict[str, float] = field(default_factory=dict)
    # The (camera id, network id) each serial's details were fetched for.
    fetched_for: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)

    def stale(self, serials: list[str], now: float, max_age: float) -> list[str]:
        """Return the serials whose details are missing or older than max_age, oldest first."""
        due = [
            s for s in serials if now - self.fetched_at.get(s, -float("inf")) >= max_age
        ]
        return sorted(due, key=lambda s: self.fetched_at.get(s, -float("inf")))

    def forget_missing(self, serials: frozenset[str]) -> None:
        """Drop details of devices no longer on the account."""
        for serial in set(self.bodies) - serials:
            del self.bodies[serial]
        for serial in set(self.fetched_at) - serials:
            del self.fetched_at[serial]
        for serial in set(self.fetched_for) - serials:
            del self.fetched_for[serial]

    def forget_changed(self, cameras: Mapping[str, CameraHealth]) -> None:
        """Drop details fetched under another camera id or network (a camera re-added).

        Its serial stays, but Blink gave it a new id: the old body describes a camera that no
        longer exists, so the details are due again, now under the new id.
        """
        for serial, camera in cameras.items():
            fetched_for = self.fetched_for.get(serial)
            if fetched_for is not None and fetched_for != (
                camera.id,
                camera.network_id,
            ):
                self.bodies.pop(serial, None)
                self.fetched_at.pop(serial, None)
                del self.fetched_for[serial]


class BlinkHealthCoordinator(DataUpdateCoordinator[AccountHealth]):
    """One homescreen request per poll; details at most every 6 hours per device; back off on errors."""

    config_entry: BlinkHealthConfigEntry

    def __init__(
        self, hass: HomeAssistant, entry: BlinkHealthConfigEntry, cloud: BlinkSource
    ) -> None:
        """Set up the coordinator for one Blink account."""
        self.base_interval = timedelta(
            seconds=entry.options.get(
                CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL.total_seconds()
            )
        )
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=DOMAIN,
            update_interval=self.base_interval,
            # AccountHealth compares by value: an unchanged poll writes no state.
            always_update=False,
        )
        self.cloud = cloud
        self.details = DetailsCache()
        self.findings: tuple[Finding, ...] = ()
        self.consecutive_failures = 0
        self.latency_ms: float | None = None
        self.offline_since: dict[str, datetime] = {}
        self.recent_latencies: deque[float | None] = deque(maxlen=LATENCY_SAMPLES)
        self._not_before = 0.0
        # Serials whose device must survive while they are missing (a camera being re-added).
        self.retained_serials: set[str] = set()
        # Consecutive good polls each device has been missing from (stale-device grace).
        self.missing_polls: dict[str, int] = {}
        # What the device registry was last brought in step with (devices.device_signature).
        self._synced_devices: object = None
        # The raw homescreen of the last good poll, for diagnostics.
        self.last_homescreen: dict[str, Any] | None = None
        self._details_lock = asyncio.Lock()
        # Power cycles through smart plugs, and the devices being watched until back online.
        self.power = PowerCycles(self)
        self._online_waiters: dict[str, list[asyncio.Future[None]]] = {}
        # Guided re-adds of cameras, watched through these polls (readd.py).
        self.readd = Readds(self)

    @property
    def thresholds(self) -> Thresholds:
        """Return the health thresholds from the entry's options."""
        return thresholds_from_options(self.config_entry.options)

    @property
    def internet(self) -> InternetFigures:
        """Return the download speed and ping of the sensors the user chose, if any."""
        return internet_figures(self.hass, self.config_entry.options)

    @override
    async def _async_setup(self) -> None:
        """Sign in once if the stored tokens cannot be used as they are."""
        if self.cloud.signed_in:
            return
        try:
            await self.cloud.async_sign_in()
        except (AuthFailed, TwoFactorRequired) as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="auth_failed"
            ) from err
        except CloudUnavailable as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="cloud_unavailable",
                translation_placeholders={"error": str(err)},
            ) from err
        self.save_tokens()

    @callback
    def save_tokens(self) -> None:
        """Persist the tokens blinkpy holds, so a restart needs no new sign-in."""
        entry = self.config_entry
        data = {**entry.data, **self.cloud.login_data}
        if data != dict(entry.data):
            self.hass.config_entries.async_update_entry(entry, data=data)

    @override
    async def _async_update_data(self) -> AccountHealth:
        """Fetch the homescreen (and due details) and turn them into AccountHealth."""
        remaining = self._not_before - time.monotonic()
        if remaining > 0:
            # Blink asked for a pause (Retry-After): send nothing until it has passed.
            raise self._failed("rate_limited", retry_after=remaining)
        try:
            homescreen, latency_ms = await self.cloud.async_homescreen()
            health = parse_account(
                homescreen, self.details.bodies, latency_ms=latency_ms
            )
            # All details at setup; afterwards a few per poll, so a large account never bursts.
            limit = len(health.cameras) if self.data is None else DETAILS_PER_POLL
            fetched = await self._async_fetch_details(health, limit=limit)
        except AuthFailed as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="auth_failed"
            ) from err
        except RateLimited as err:
            self._record_failure()
            wait = max(err.retry_after or 0.0, self._backoff_seconds())
            self._not_before = time.monotonic() + (err.retry_after or 0.0)
            raise self._failed("rate_limited", retry_after=wait) from err
        except CloudUnavailable as err:
            self._record_failure()
            raise self._failed(
                "cloud_unavailable", retry_after=self._backoff_seconds(), error=str(err)
            ) from err
        if fetched:
            # New details refine the devices they belong to: parse again with them.
            health = parse_account(
                homescreen, self.details.bodies, latency_ms=latency_ms
            )
        self.last_homescreen = homescreen
        self._record_success(health, latency_ms)
        return health

    async def async_request_fresh_data(self, serial: str | None = None) -> bool:
        """Poll now, on demand ("check again"): the device's details, then one homescreen request.

        Goes through the normal poll (backoff, findings, issues), so Blink's Retry-After pause
        is respected; returns whether the poll succeeded.
        """
        if serial is not None and self.data is not None:
            if self._not_before <= time.monotonic():
                try:
                    await self.async_refresh_details([serial])
                except RateLimited as err:
                    self._not_before = time.monotonic() + (err.retry_after or 0.0)
                except AuthFailed:
                    pass  # the homescreen request below meets it again and starts reauth
        await self.async_refresh()
        return self.last_update_success

    async def async_watch_until_online(self, serial: str, seconds: float) -> bool:
        """Poll every 15 s until a poll reports the device online; return whether one did.

        Bounded by `seconds` and at most 10 minutes. Each poll is still one homescreen
        request; the usual interval returns when no device is being watched.
        """
        waiter: asyncio.Future[None] = self.hass.loop.create_future()
        self._online_waiters.setdefault(serial, []).append(waiter)
        # Move the next poll (maybe minutes away) to the fast interval, without polling now.
        self.async_update_interval(reschedule=True)
        try:
            async with asyncio.timeout(min(seconds, MAX_FAST_POLL.total_seconds())):
                await waiter
        except TimeoutError:
            return False
        finally:
            waiters = self._online_waiters[serial]
            waiters.remove(waiter)
            if not waiters:
                del self._online_waiters[serial]
            self.async_update_interval()
        return True

    @callback
    def async_update_interval(self, *, reschedule: bool = False) -> None:
        """Set the poll interval: what is being watched decides it, each poll one request.

        Every 15 s while a power-cycled device is verified (at most 10 minutes); every minute
        while a camera's re-add is watched (a person is working through the Blink app, and a
        minute is the shortest interval the options allow for good, so Blink sees nothing it
        would not see from a user's own setting); otherwise the interval of the options.
        `reschedule` moves the next poll to the new interval without polling now. A coordinator
        without a schedule of its own (attach mode follows the core integration's refreshes)
        keeps none for a re-add: it is watched through those refreshes.
        """
        if self._online_waiters:
            self.update_interval = FAST_POLL_INTERVAL
        elif self.update_interval is None:
            return
        elif self.readd.watching:
            self.update_interval = min(self.base_interval, READD_POLL_INTERVAL)
        else:
            self.update_interval = self.base_interval
        if reschedule:
            self._schedule_refresh()

    async def async_refresh_details(self, serials: list[str] | None = None) -> None:
        """Fetch details now (on demand) for some devices, or for every device, then re-parse."""
        wanted = list(self.data.cameras) if serials is None else serials
        await self._async_fetch_details(self.data, only=wanted, limit=len(wanted))

    async def _async_fetch_details(
        self, health: AccountHealth, *, limit: int, only: list[str] | None = None
    ) -> int:
        """Fetch details that are due (or those asked for), at most `limit` requests.

        Returns how many detail bodies were stored (those change what parsing gives).
        """
        stored = 0
        async with self._details_lock:
            now = time.monotonic()
            self.details.forget_missing(health.serials)
            self.details.forget_changed(health.cameras)
            if only is None:
                due = self.details.stale(
                    list(health.cameras), now, DETAILS_MAX_AGE.total_seconds()
                )
            else:
                due = [serial for serial in only if serial in health.cameras]
            for serial in due[:limit]:
                camera = health.cameras[serial]
                try:
                    body = await self.cloud.async_details(camera)
                except RateLimited:
                    raise
                except CloudUnavailable as err:
                    # Details only refine the homescreen; a failure waits for the next turn.
                    LOGGER.debug("Details for a device failed: %s", err)
                    body = None
                self.details.fetched_at[serial] = now
                self.details.fetched_for[serial] = (camera.id, camera.network_id)
                if body is not None:
                    self.details.bodies[serial] = body
                    stored += 1
        return stored

    def _backoff_seconds(self) -> float:
        """Return the wait before the next poll: the interval doubled per failure, up to an hour."""
        base = self.base_interval.total_seconds()
        return float(
            min(
                base * 2**self.consecutive_failures,
                MAX_BACKOFF.total_seconds(),
            )
        )

    def _failed(self, key: str, *, retry_after: float, error: str = "") -> UpdateFailed:
        """Build a translated UpdateFailed, with the findings brought up to date first."""
        self._evaluate(self.data)
        return UpdateFailed(
            translation_domain=DOMAIN,
            translation_key=key,
            translation_placeholders={
                "error": error,
                "seconds": str(round(retry_after)),
            },
            retry_after=retry_after,
        )

    def _record_failure(self) -> None:
        """Count a failed poll; the cloud latency is unknown while Blink cannot be reached."""
        self.consecutive_failures += 1
        self.latency_ms = None
        self.recent_latencies.append(None)

    def _record_success(self, health: AccountHealth, latency_ms: float | None) -> None:
        """Remember what the health rules need across polls, then evaluate them."""
        self.consecutive_failures = 0
        self.latency_ms = latency_ms
        self.recent_latencies.append(latency_ms)
        now = dt_util.utcnow()
        for device in iter_devices(health):
            if device.online is False:
                self.offline_since.setdefault(device.serial, now)
            else:
                self.offline_since.pop(device.serial, None)
        for serial in set(self.offline_since) - health.serials:
            del self.offline_since[serial]
        for serial, waiters in self._online_waiters.items():
            if (watched := health.device(serial)) is not None and watched.online:
                for waiter in waiters:
                    if not waiter.done():
                        waiter.set_result(None)
        # The registry is only touched when a device or the set of devices changed (or a
        # missing device is still counting down to removal): most polls change neither.
        signature = (device_signature(health), frozenset(self.retained_serials))
        if signature != self._synced_devices or self.missing_polls:
            async_sync_devices(
                self.hass,
                self.config_entry,
                health,
                self.retained_serials,
                self.missing_polls,
            )
            self._synced_devices = signature
        # After the devices: a camera back from a re-add is rebound to its own device.
        self.readd.async_on_poll(health)
        self._evaluate(health)

    def history(self) -> History:
        """Return what the health rules remember between polls, as of now."""
        return History(
            now=dt_util.utcnow(),
            offline_since=dict(self.offline_since),
            recent_latencies_ms=tuple(self.recent_latencies),
            consecutive_failures=self.consecutive_failures,
        )

    def _evaluate(self, health: AccountHealth | None) -> None:
        """Run the playbook's checks on the latest data, then bring the repair issues in step."""
        self.findings = evaluate(
            health,
            self.thresholds,
            self.internet,
            self.history(),
            excluded=excluded_serials(self.hass, self.config_entry.options),
        )
        # Here rather than in a listener: with always_update=False, an unchanged poll
        # calls no listener, but a finding can still appear (a grace period running out).
        async_sync_issues(self.hass, self.config_entry, health, self.findings)
