"""Polls the Blink cloud once per interval and keeps what the health rules need between polls."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Mapping
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

from .account_state import AccountState
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
)
from .details import DetailsCache
from .devices import async_sync_devices, device_signature
from .governor import DETAILS_FRESH_SECONDS, Hold, Refusal, RequestGovernor
from .health import AccountHealth, ParseMemo, iter_devices, parse_account
from .issues import async_sync_issues
from .playbook import Finding, History, InternetFigures, Thresholds, evaluate
from .settings import excluded_serials, internet_figures, thresholds_from_options

# The listener context of the account's own entities (device entities use their serial).
ACCOUNT_CONTEXT = "account"

type PollListener = Callable[[AccountHealth], None]
# serial → plug name of the devices whose smart plug is switched off (the power slice's).
type PlugsOff = Callable[[AccountHealth], Mapping[str, str]]


class TransientUpdateFailed(UpdateFailed):
    """A failed poll counted towards *Blink cloud unreachable*: entities keep their values until then."""


@dataclass(slots=True, frozen=True, eq=False)
class PaceRequest:
    """A feature's wish for polls at most `interval` apart (see async_poll_faster)."""

    interval: timedelta
    live: bool


@dataclass(slots=True, frozen=True)
class Published:
    """What the listeners were last told: per context, what its entities show."""

    success: bool
    available: bool
    devices: dict[str, object]
    account: tuple[object, ...]


class BlinkHealthCoordinator(DataUpdateCoordinator[AccountHealth]):
    """One homescreen request per poll; details at most every 6 hours per device; back off on errors.

    Features (power cycles, re-adds) hook in through poll listeners, pace requests and device
    claims; the coordinator knows none of them.
    """

    config_entry: ConfigEntry[Any]
    # Every poll of its own sign-in costs requests: the governor admits each one first.
    governs_polls = True

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry[Any],
        cloud: BlinkSource,
        state: AccountState,
    ) -> None:
        """Set up the coordinator for one Blink account, on the account's kept state."""
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
        # Budget, backoff, details and the last answer outlive this object (account_state.py).
        self.account = state
        self.findings: tuple[Finding, ...] = ()
        self.offline_since: dict[str, datetime] = {}
        # Claims on devices that must survive while they are missing (a camera being re-added).
        self._kept: Counter[str] = Counter()
        self._pace_requests: list[PaceRequest] = []
        self._poll_listeners: list[PollListener] = []
        # Which devices are off because their plug is: the playbook's root cause (a feature's).
        self.plugs_off: PlugsOff = lambda _: {}
        self._published: Published | None = None
        # Consecutive good polls each device has been missing from (stale-device grace).
        self.missing_polls: dict[str, int] = {}
        # What the device registry was last brought in step with (devices.device_signature).
        self._synced_devices: object = None
        self._details_lock = asyncio.Lock()
        # What the last poll's parse read, so unchanged camera entries are not read again.
        self._parse_memo = ParseMemo()
        # The poll running now (joined by any poll asked for meanwhile), and the fresh-data
        # request running now (joined by callers that arrive meanwhile).
        self._polling: asyncio.Future[AccountHealth] | None = None
        self._demand: asyncio.Future[bool] | None = None
        self._wanted_details: set[str] = set()
        # Whether the last poll was answered from data already held (no request sent).
        self.served = False
        # Why the last request for fresh data was not sent, if it was not.
        self.refusal: Refusal | None = None
        # The one poll put off until the budget admits it (a refused request is late, not lost).
        self._deferred: CALLBACK_TYPE | None = None

    @property
    def governor(self) -> RequestGovernor:
        """Return the account's request governor."""
        return self.account.governor

    @property
    def details(self) -> DetailsCache:
        """Return the account's per-device details."""
        return self.account.details

    @property
    def consecutive_failures(self) -> int:
        """Return how many polls in a row failed (kept across setup retries and reloads)."""
        return self.governor.consecutive_failures

    @property
    def latency_ms(self) -> float | None:
        """Return the round-trip time of Blink's last answer."""
        return self.account.latency_ms

    @property
    def recent_latencies(self) -> tuple[float | None, ...]:
        """Return the latencies of the last polls (None for a failed one)."""
        return tuple(self.account.recent_latencies)

    @property
    def last_homescreen(self) -> dict[str, Any] | None:
        """Return the raw homescreen of the last good poll, for diagnostics."""
        return self.account.homescreen

    @property
    def cloud_unreachable(self) -> bool:
        """Return whether *Blink cloud unreachable* holds (enough failed polls in a row)."""
        return self.consecutive_failures >= max(
            self.thresholds.cloud_unreachable_polls, 1
        )

    @property
    def data_available(self) -> bool:
        """Return whether entities show data: the last poll worked, or failed only transiently.

        A failed poll keeps the last values on show until *Blink cloud unreachable* would be
        raised; a failure that is not Blink's (reauth, attach mode's Blink entry gone) at once.
        """
        if self.last_update_success:
            return True
        return (
            isinstance(self.last_exception, TransientUpdateFailed)
            and not self.cloud_unreachable
        )

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
        # A sign-in is requests too: not during Blink's pause or the backoff after failures.
        now = time.monotonic()
        if (refusal := self.governor.check(now)) is not None and (
            refusal.hold is not Hold.BUDGET
        ):
            raise self._held(refusal)
        try:
            await self.cloud.async_sign_in()
        except (AuthFailed, TwoFactorRequired) as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="auth_failed"
            ) from err
        except RateLimited as err:
            wait = self._record_failure(err.retry_after)
            raise self._failed("rate_limited", retry_after=wait) from err
        except CloudUnavailable as err:
            wait = self._record_failure()
            self.account.last_error = str(err)
            raise self._failed(
                "cloud_unavailable", retry_after=wait, error=str(err)
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
        """Poll once; a poll asked for while one runs joins it (one request, one answer)."""
        if self._polling is not None:
            return await asyncio.shield(self._polling)
        polling = self._polling = self.hass.loop.create_future()
        try:
            health = await self._async_poll()
        except asyncio.CancelledError:
            polling.cancel()
            raise
        except Exception as err:
            polling.set_exception(err)
            polling.exception()  # retrieved: joiners re-raise it, none may be waiting
            raise
        else:
            polling.set_result(health)
            return health
        finally:
            self._polling = None

    async def _async_poll(self) -> AccountHealth:
        """Fetch the homescreen (and due details) and turn them into AccountHealth.

        Admitted by the governor first: what is refused sends nothing, and is answered from
        the data just fetched (a budget refusal) or fails as the pause or backoff says.
        """
        wanted, self._wanted_details = self._wanted_details, set()
        self.served = False
        if not self.governs_polls:
            return await self._async_fetch(wanted, answers_demand=False)
        governor = self.governor
        now = time.monotonic()
        reserved = governor.is_reserved(now)
        held = self.data if self.data is not None else self.account.health
        if not reserved and held is not None and self._answered_recently(now):
            # Requests that arrive together are one: the answer just fetched is fresh.
            return self._serve(held, None)
        if (refusal := governor.check(now)) is not None:
            if refusal.hold is Hold.BUDGET and held is not None:
                return self._serve(held, refusal)
            self.refusal = refusal
            raise self._held(refusal)
        self.refusal = None
        before = self.cloud.request_log.total
        try:
            health = await self._async_fetch(wanted, answers_demand=not reserved)
        finally:
            governor.sent(now, self.cloud.request_log.total - before, reserved=reserved)
        return health

    def _answered_recently(self, now: float) -> bool:
        """Return whether Blink's last answer is fresh enough to serve a request arriving now."""
        return self.last_update_success and self.governor.answered_within(now)

    def _serve(self, health: AccountHealth, refusal: Refusal | None) -> AccountHealth:
        """Answer a poll from data already held (no request), with the findings up to date."""
        self.served = True
        self.refusal = refusal
        if refusal is not None and refusal.hold is Hold.BUDGET:
            self._defer(refusal.wait)
        self._evaluate(health)
        return health

    @callback
    def _defer(self, wait: float) -> None:
        """Poll once the budget admits it, unless the schedule's own poll comes first."""
        interval = self.update_interval
        if self._deferred is not None or (
            interval is not None and wait >= interval.total_seconds()
        ):
            return

        @callback
        def poll(_: datetime) -> None:
            """Send the put-off poll (through the governor, like any other)."""
            self._deferred = None
            self.config_entry.async_create_background_task(
                self.hass, self.async_refresh(), "blink_health deferred poll"
            )

        self._deferred = async_call_later(self.hass, wait + 1.0, poll)

    async def async_shutdown(self) -> None:
        """Cancel the put-off poll with the schedule's."""
        if self._deferred is not None:
            self._deferred()
            self._deferred = None
        await super().async_shutdown()

    def _held(self, refusal: Refusal) -> UpdateFailed:
        """Return the error of a poll not sent: Blink's pause, the backoff, or the budget."""
        if refusal.hold is Hold.PAUSED:
            return self._failed("rate_limited", retry_after=refusal.wait)
        if refusal.hold is Hold.BACKOFF:
            return self._failed(
                "cloud_unavailable",
                retry_after=refusal.wait,
                error=self.account.last_error or "backoff",
            )
        return self._failed("request_budget", retry_after=refusal.wait)

    async def _async_fetch(
        self, wanted: set[str], *, answers_demand: bool
    ) -> AccountHealth:
        """Send the poll: the homescreen, then due details (and those asked for).

        `answers_demand`: a poll sooner than the schedule (on demand, fast, a reload), whose
        answer then serves the requests that arrive together with it.
        """
        try:
            homescreen, latency_ms = await self.cloud.async_homescreen()
            health = parse_account(
                homescreen, self.details.bodies, memo=self._parse_memo
            )
            # All details at setup; afterwards a few per poll, so a large account never bursts.
            limit = len(health.cameras) if self.data is None else DETAILS_PER_POLL
            fetched = await self._async_fetch_details(health, limit=limit)
            if wanted:
                fetched += await self._async_fetch_details(
                    health, only=sorted(wanted), limit=len(wanted)
                )
        except AuthFailed as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="auth_failed"
            ) from err
        except RateLimited as err:
            wait = self._record_failure(err.retry_after)
            raise self._failed("rate_limited", retry_after=wait) from err
        except CloudUnavailable as err:
            wait = self._record_failure()
            self.account.last_error = str(err)
            raise self._failed(
                "cloud_unavailable", retry_after=wait, error=str(err)
            ) from err
        if fetched:
            # New details refine the devices they belong to: parse again with them.
            health = parse_account(
                homescreen, self.details.bodies, memo=self._parse_memo
            )
        if answers_demand:
            self.governor.answered(time.monotonic())
        self.account.homescreen = homescreen
        self._record_success(health, latency_ms)
        return health

    async def async_request_fresh_data(self, serial: str | None = None) -> bool:
        """Poll now, on demand ("check again", diagnose): the device's details and the homescreen.

        Goes through the governor: callers that arrive together share one poll, a poll that
        finished moments ago is served as it is, and what the budget, Blink's Retry-After or
        the backoff refuse sends nothing (`refusal` says when fresh data can come). Returns
        whether the data is fresh: Blink answered now or moments ago.
        """
        if self._demand is not None:
            return await asyncio.shield(self._demand)
        demand = self._demand = self.hass.loop.create_future()
        try:
            fresh = await self._async_demand(serial)
        except BaseException:
            demand.set_result(False)
            raise
        else:
            demand.set_result(fresh)
            return fresh
        finally:
            self._demand = None

    def _details_stale(self, serial: str) -> bool:
        """Return whether a device's details are old enough to be fetched again on demand."""
        fetched_at = self.details.fetched_at.get(serial)
        return (
            fetched_at is None or time.monotonic() - fetched_at >= DETAILS_FRESH_SECONDS
        )

    async def _async_demand(self, serial: str | None) -> bool:
        """Run one on-demand poll; return whether its data is fresh."""
        if self.data is not None and self._answered_recently(time.monotonic()):
            # The answer just fetched; the checks run again on it (the internet sensors move).
            self._serve(self.data, None)
            self.async_update_listeners()
            return True
        if serial is not None and self.data is not None and self._details_stale(serial):
            self._wanted_details.add(serial)
        await self.async_refresh()
        # Served without a refusal is coalesced (fresh); served after one is not.
        return self.last_update_success and not (self.served and self.refusal)

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

    def _failed(self, key: str, *, retry_after: float, error: str = "") -> UpdateFailed:
        """Build a translated UpdateFailed, with the findings brought up to date first."""
        self._evaluate(self.data if self.data is not None else self.account.health)
        return TransientUpdateFailed(
            translation_domain=DOMAIN,
            translation_key=key,
            translation_placeholders={
                "error": error,
                "seconds": str(round(retry_after)),
            },
            retry_after=retry_after,
        )

    def _record_failure(self, retry_after: float | None = None) -> float:
        """Count a failed poll; return the wait before the next try (the backoff, Retry-After)."""
        self.account.recent_latencies.append(None)
        return self.governor.failed(time.monotonic(), retry_after)

    def _record_success(self, health: AccountHealth, latency_ms: float | None) -> None:
        """Remember what the health rules need across polls, then evaluate them."""
        self.governor.succeeded()
        self.account.health = health
        self.account.latency_ms = latency_ms
        self.account.recent_latencies.append(latency_ms)
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
            plugs_off=self.plugs_off(health) if health is not None else None,
        )
        # Here rather than in a listener: with always_update=False, an unchanged poll
        # calls no listener, but a finding can still appear (a grace period running out).
        async_sync_issues(self.hass, self.config_entry, health, self.findings)

    # ----- telling the entities -------------------------------------------------------------

    def account_figures(self) -> tuple[object, ...]:
        """Return what the account's own entities show (latency, requests, reachability)."""
        return (
            self.latency_ms,
            self.cloud.request_log.in_last_hour(),
            self.cloud_unreachable,
        )

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
            available=self.data_available,
            devices=devices,
            account=self.account_figures(),
        )

    @callback
    @override
    def _async_refresh_finished(self) -> None:
        """Tell the entities when a failure in a row makes them unavailable.

        Home Assistant tells no listener of a failed poll after a failed poll; the third one
        (*Blink cloud unreachable*) is the one that ends the last values' display.
        """
        published = self._published
        if (
            published is not None
            and not self.last_update_success
            and not published.success
            and published.available != self.data_available
        ):
            self.async_update_listeners()

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
        if (
            before is not None
            and before.success == now.success
            and before.available == now.available
        ):
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
