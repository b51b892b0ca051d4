"""Polls the Blink cloud once per interval and keeps what the health rules need between polls."""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
import time
from typing import Any, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.event import async_call_later
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
    DEFAULT_SCAN_INTERVAL,
    DETAILS_MAX_AGE,
    DETAILS_PER_POLL,
    DOMAIN,
    LOGGER,
    MAX_BACKOFF,
)
from .details import DetailsCache
from .devices import async_sync_devices, device_signature
from .health import AccountHealth, ParseMemo, iter_devices, parse_account
from .issues import async_sync_issues
from .playbook import Finding, History, InternetFigures, Thresholds, evaluate
from .settings import excluded_serials, internet_figures, thresholds_from_options

# Enough latency samples for the "sustained over several polls" rule, whatever the option says.
LATENCY_SAMPLES = 12
# The listener context of the account's own entities (device entities use their serial).
ACCOUNT_CONTEXT = "account"

type PollListener = Callable[[AccountHealth], None]


@dataclass(slots=True, frozen=True, eq=False)
class PaceRequest:
    """A feature's wish for polls at most `interval` apart (see async_poll_faster)."""

    interval: timedelta
    live: bool


@dataclass(slots=True, frozen=True)
class Published:
    """What the listeners were last told: per context, what its entities show."""

    success: bool
    devices: dict[str, object]
    account: tuple[object, ...]


class BlinkHealthCoordinator(DataUpdateCoordinator[AccountHealth]):
    """One homescreen request per poll; details at most every 6 hours per device; back off on errors.

    Features (power cycles, re-adds) hook in through poll listeners, pace requests and device
    claims; the coordinator knows none of them.
    """

    config_entry: ConfigEntry[Any]

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry[Any], cloud: BlinkSource
    ) -> None:
        """Set up the coordinator for one Blink account."""
        # Not a user option (Home Assistant's rule): users disable polling in the entry's
        # system options and ask for fresh data with homeassistant.update_entity.
        self.base_interval = DEFAULT_SCAN_INTERVAL
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=DOMAIN,
            update_interval=self.base_interval,
            # Every refresh reaches async_update_listeners, which tells only the entities
            # whose device (or the account's figures) changed since they were last told.
            always_update=True,
        )
        self.cloud = cloud
        self.details = DetailsCache()
        self.findings: tuple[Finding, ...] = ()
        self.consecutive_failures = 0
        self.latency_ms: float | None = None
        self.offline_since: dict[str, datetime] = {}
        self.recent_latencies: deque[float | None] = deque(maxlen=LATENCY_SAMPLES)
        self._not_before = 0.0
        # Claims on devices that must survive while they are missing (a camera being re-added).
        self._kept: Counter[str] = Counter()
        self._pace_requests: list[PaceRequest] = []
        self._poll_listeners: list[PollListener] = []
        self._published: Published | None = None
        # Consecutive good polls each device has been missing from (stale-device grace).
        self.missing_polls: dict[str, int] = {}
        # What the device registry was last brought in step with (devices.device_signature).
        self._synced_devices: object = None
        # The raw homescreen of the last good poll, for diagnostics.
        self.last_homescreen: dict[str, Any] | None = None
        self._details_lock = asyncio.Lock()
        # What the last poll's parse read, so unchanged camera entries are not read again.
        self._parse_memo = ParseMemo()

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
                homescreen, self.details.bodies, memo=self._parse_memo
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
                homescreen, self.details.bodies, memo=self._parse_memo
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

    # ----- hooks for features ---------------------------------------------------------------

    @callback
    def async_add_poll_listener(self, listener: PollListener) -> CALLBACK_TYPE:
        """Call `listener` after every good poll: devices synced, before findings and issues."""
        self._poll_listeners.append(listener)
        return lambda: self._poll_listeners.remove(listener)

    @callback
    def async_poll_faster(
        self, interval: timedelta, *, seconds: float | None = None, live: bool = False
    ) -> CALLBACK_TYPE:
        """Poll at most `interval` apart until the returned callback is called (or `seconds` pass).

        The next poll moves to the new pace at once, without polling now; each poll is still
        one homescreen request. `live`: the feature needs Blink's own answer at this pace even
        where the coordinator normally follows another integration's refreshes (attach mode).
        """
        request = PaceRequest(interval, live)
        self._pace_requests.append(request)
        cancel_timer: CALLBACK_TYPE | None = None

        @callback
        def release(*_: Any) -> None:
            """Withdraw the request; the poll already scheduled keeps its time."""
            nonlocal cancel_timer
            if cancel_timer is not None:
                cancel_timer()
                cancel_timer = None
            if request in self._pace_requests:
                self._pace_requests.remove(request)
                self._apply_pace(reschedule=False)

        if seconds is not None:
            cancel_timer = async_call_later(self.hass, seconds, release)
        self._apply_pace(reschedule=True)
        return release

    @callback
    def async_keep_device(self, serial: str) -> CALLBACK_TYPE:
        """Keep the device (and its entities) while it is missing from the account, until released."""
        self._kept[serial] += 1
        released = False

        @callback
        def release() -> None:
            """Withdraw this claim (once)."""
            nonlocal released
            if not released:
                released = True
                self._kept[serial] -= 1
                if self._kept[serial] <= 0:
                    del self._kept[serial]

        return release

    @property
    def kept_serials(self) -> frozenset[str]:
        """Return the serials that a feature keeps while they are missing from the account."""
        return frozenset(self._kept)

    @property
    def pace_requests(self) -> tuple[PaceRequest, ...]:
        """Return the features' pace requests in force."""
        return tuple(self._pace_requests)

    @callback
    def _apply_pace(self, *, reschedule: bool) -> None:
        """Set the poll interval from the options and the pace requests in force.

        `reschedule` moves the next poll (maybe minutes away) to the new pace, without polling now.
        """
        self.update_interval = self._pace()
        if reschedule and self.update_interval is not None:
            self._schedule_refresh()

    def _pace(self) -> timedelta | None:
        """Return the interval: the options' unless a feature asked for faster polls."""
        return min(
            [self.base_interval, *(request.interval for request in self._pace_requests)]
        )

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
        # The registry is only touched when a device or the set of devices changed (or a
        # missing device is still counting down to removal): most polls change neither.
        kept = self.kept_serials
        signature = (device_signature(health), kept)
        if signature != self._synced_devices or self.missing_polls:
            async_sync_devices(
                self.hass, self.config_entry, health, kept, self.missing_polls
            )
            self._synced_devices = signature
        # After the devices: a camera back from a re-add is rebound to its own device.
        for listener in list(self._poll_listeners):
            listener(health)
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

    # ----- telling the entities -------------------------------------------------------------

    def account_figures(self) -> tuple[object, ...]:
        """Return what the account's own entities show (latency, requests, reachability)."""
        return (self.latency_ms, self.cloud.request_log.in_last_hour())

    def _publishable(self) -> Published:
        """Return what the entities would show now, per listener context."""
        health = self.data
        findings: dict[str, list[Finding]] = {}
        for finding in self.findings:
            if finding.serial is not None:
                findings.setdefault(finding.serial, []).append(finding)
        devices: dict[str, object] = {}
        if health is not None:
            for device in iter_devices(health):
                devices[device.serial] = (device, findings.get(device.serial))
        return Published(
            success=self.last_update_success,
            devices=devices,
            account=self.account_figures(),
        )

    @callback
    @override
    def async_update_listeners(self) -> None:
        """Tell only the listeners whose device or figures changed since they were last told.

        A poll brings news for a few devices of the account; its entities (hundreds with 100
        cameras) are told only of their own. Listeners without a context (the platforms'
        new-device bookkeeping) hear of every change; a change of availability reaches all.
        """
        before, now = self._published, self._publishable()
        self._published = now
        changed: set[Any] | None = None
        if before is not None and before.success == now.success:
            changed = {
                serial
                for serial in before.devices.keys() | now.devices.keys()
                if before.devices.get(serial) != now.devices.get(serial)
            }
            if before.account != now.account:
                changed.add(ACCOUNT_CONTEXT)
            if not changed:
                return
        for update_callback, context in list(self._listeners.values()):
            if changed is None or context is None or context in changed:
                try:
                    update_callback()
                except Exception:
                    self.logger.exception("Unexpected error updating a listener")
