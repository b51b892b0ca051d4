"""Watchdog for the core Blink integration: reload its entry when it is stuck while Blink answers.

Core Blink's users report that after some hours all its entities go unavailable and a reload
fixes it (issue 21). The watchdog reads core's entry once a minute (no request): while it is
loaded but its coordinator fails, or it holds an answer that is not a homescreen, or its data
has not been renewed for longer than its own interval allows, the symptom's clock runs. After
WATCHDOG_AFTER, and only if Blink itself answers — Blink Health's own poll succeeded since, or
(attach mode, where our only way to Blink is core's broken session) one governed request
without credentials to Blink's REST host — core's entry is reloaded, at most once per COOLDOWN
and MAX_PER_DAY times in 24 hours. Never while core waits for a new sign-in (reauth, or its
setup failed). Each reload fires EVENT_CORE_RELOADED; the cap reached raises ISSUE_CAP (what was
seen, and what to try). In steady state it sends nothing; the probe goes out only at a decision.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta
from enum import StrEnum
import time
from typing import Any

from aiohttp import ClientSession
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntry, ConfigEntryState
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from .attach import core_entry_for_account
from .cloud import (
    CloudUnavailable,
    RateLimited,
    async_create_session,
    async_probe,
    is_homescreen,
    probe_url,
)
from .const import (
    CONF_CORE_ENTRY_ID,
    CONF_MODE,
    CORE_DOMAIN,
    DOMAIN,
    LOGGER,
    MODE_ATTACH,
)
from .coordinator import BlinkHealthCoordinator
from .health import AccountHealth

CONF_CORE_WATCHDOG = "core_watchdog"
EVENT_CORE_RELOADED = "blink_health_core_reloaded"
ISSUE_CAP = "core_watchdog_cap"
# How long core must look stuck before a reload, how often the watchdog looks, and the limits.
WATCHDOG_AFTER = timedelta(minutes=15)
CHECK_EVERY = timedelta(minutes=1)
COOLDOWN = timedelta(minutes=30)
# Attach mode: while core looks stuck and Blink does not answer, one probe this often.
PROBE_EVERY = timedelta(minutes=5)
MAX_PER_DAY = 3
DAY = timedelta(hours=24)


class Symptom(StrEnum):
    """What the watchdog saw of core's entry (the event's and the issue's `seen`)."""

    FAILING = (
        "failing"  # its coordinator's last update failed: its entities are unavailable
    )
    UNREADABLE = "unreadable"  # it holds an answer of Blink's that is not a homescreen
    STALE = "stale"  # its data has not been renewed for longer than its interval allows


def watchdog_enabled(entry: ConfigEntry[Any]) -> bool:
    """Return whether the entry watches core Blink: the option, on by default in attach mode."""
    return bool(
        entry.options.get(CONF_CORE_WATCHDOG, entry.data.get(CONF_MODE) == MODE_ATTACH)
    )


class CoreWatchdog:
    """Watches one core Blink entry (the attached one, or the account's) and reloads it when stuck."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry[Any],
        coordinator: BlinkHealthCoordinator,
    ) -> None:
        """Bind the watchdog to the entry; nothing runs before async_start."""
        self.hass = hass
        self.entry = entry
        self.coordinator = coordinator
        self.reloads: deque[datetime] = deque()
        # When the current symptom was first seen, and what it is.
        self.since: datetime | None = None
        self.symptom: Symptom | None = None
        # Core's homescreen object and when it was first seen (a refresh replaces it).
        self._homescreen: tuple[int, datetime] | None = None
        # When Blink Health's own poll last succeeded (separate sign-in).
        self._own_poll: datetime | None = None
        self._last_probe: datetime | None = None
        # Attach mode's probe session: our own (redirected like every Blink request, counted
        # in the account's request log), never core's, whose sign-in may be what broke.
        self._session: ClientSession | None = None
        self._checking = False

    @callback
    def async_start(self) -> CALLBACK_TYPE:
        """Look at core's entry every minute and note our own good polls; return the stop."""
        unsubs = [
            self.coordinator.async_add_poll_listener(self._async_polled),
            async_track_time_interval(self.hass, self._async_tick, CHECK_EVERY),
        ]

        @callback
        def stop() -> None:
            """Stop watching."""
            for unsub in unsubs:
                unsub()
            if self._session is not None:
                # Home Assistant's shared connector stays; only this session goes.
                self._session.detach()
                self._session = None

        return stop

    @property
    def attached(self) -> bool:
        """Return True in attach mode (our data is core's)."""
        return self.entry.data.get(CONF_MODE) == MODE_ATTACH

    def core_entry(self) -> ConfigEntry[Any] | None:
        """Return the core Blink entry watched: the attached one, or one of the same account."""
        if self.attached:
            return self.hass.config_entries.async_get_entry(
                self.entry.data[CONF_CORE_ENTRY_ID]
            )
        return core_entry_for_account(self.hass, int(str(self.entry.unique_id)))

    @callback
    def _async_polled(self, health: AccountHealth) -> None:
        """Remember a good poll of our own: Blink answers (separate sign-in)."""
        self._own_poll = dt_util.utcnow()

    @callback
    def _async_tick(self, _now: datetime | None = None) -> None:
        """Look at core's entry (no request); reload it once the symptom has lasted."""
        core = self.core_entry()
        now = dt_util.utcnow()
        symptom = self._symptom(core, now) if core is not None else None
        if symptom is None or core is None:
            self.since = self.symptom = None
            if core is not None and core.state is ConfigEntryState.LOADED:
                ir.async_delete_issue(self.hass, DOMAIN, self.issue_id)
            return
        if self.since is None:
            self.since = now
        self.symptom = symptom
        if now - self.since < WATCHDOG_AFTER or self._checking:
            return
        self._checking = True
        self.entry.async_create_background_task(
            self.hass, self._async_maybe_reload(core, symptom), "blink_health watchdog"
        )

    def _symptom(self, core: ConfigEntry[Any], now: datetime) -> Symptom | None:
        """Return what is wrong with a loaded core entry not waiting for a sign-in, if anything."""
        if core.state is not ConfigEntryState.LOADED or self._in_reauth(core):
            return None
        coordinator = getattr(core, "runtime_data", None)
        if not isinstance(coordinator, DataUpdateCoordinator):
            return None  # attach.py raises its own issue for changed internals
        if not coordinator.last_update_success:
            if isinstance(coordinator.last_exception, ConfigEntryAuthFailed):
                return None  # core asks for a sign-in: a reload would not help
            return Symptom.FAILING
        homescreen = getattr(getattr(coordinator, "api", None), "homescreen", None)
        if not is_homescreen(homescreen):
            return Symptom.UNREADABLE
        if self._homescreen is None or self._homescreen[0] != id(homescreen):
            self._homescreen = (id(homescreen), now)
            return None
        # Renewed at every one of core's refreshes: unchanged for two intervals is stale.
        interval = coordinator.update_interval or timedelta(minutes=5)
        if now - self._homescreen[1] > 2 * interval:
            return Symptom.STALE
        return None

    def _in_reauth(self, core: ConfigEntry[Any]) -> bool:
        """Return whether core waits for the user's sign-in (a reauth flow is in progress)."""
        return any(
            flow["context"].get("entry_id") == core.entry_id
            for flow in self.hass.config_entries.flow.async_progress_by_handler(
                CORE_DOMAIN, match_context={"source": SOURCE_REAUTH}
            )
        )

    @property
    def issue_id(self) -> str:
        """Return the id of this entry's cap issue."""
        return f"{ISSUE_CAP}_{self.entry.entry_id}"

    async def _async_maybe_reload(
        self, core: ConfigEntry[Any], symptom: Symptom
    ) -> None:
        """Reload core's entry if Blink answers and the cooldown and the daily cap allow it."""
        try:
            now = dt_util.utcnow()
            while self.reloads and now - self.reloads[0] >= DAY:
                self.reloads.popleft()
            if self.reloads and now - self.reloads[-1] < COOLDOWN:
                return
            if len(self.reloads) >= MAX_PER_DAY:
                self._raise_cap_issue(symptom)
                return
            if not await self._async_blink_answers(core):
                LOGGER.debug("Core Blink looks stuck, but Blink does not answer either")
                return
            self.reloads.append(now)
            LOGGER.warning(
                "The Blink integration looked stuck (%s) while Blink answers: reloading it",
                symptom,
            )
            self.hass.bus.async_fire(
                EVENT_CORE_RELOADED,
                {
                    "entry_id": self.entry.entry_id,
                    "core_entry_id": core.entry_id,
                    "seen": str(symptom),
                    "minutes": round((now - (self.since or now)).total_seconds() / 60),
                    "reloads_today": len(self.reloads),
                },
            )
            self.since = self.symptom = None
            self._homescreen = None
            await self.hass.config_entries.async_reload(core.entry_id)
        finally:
            self._checking = False

    async def _async_blink_answers(self, core: ConfigEntry[Any]) -> bool:
        """Return whether Blink answers: our own poll since the symptom, or one probe."""
        if not self.attached:
            return (
                self.coordinator.last_update_success
                and self._own_poll is not None
                and self.since is not None
                and self._own_poll > self.since
            )
        now = dt_util.utcnow()
        if self._last_probe is not None and now - self._last_probe < PROBE_EVERY:
            return False
        self._last_probe = now
        return await self._async_probe(core)

    async def _async_probe(self, core: ConfigEntry[Any]) -> bool:
        """Ask Blink's REST host once, without credentials, as the account's governor admits."""
        governor = self.coordinator.governor
        moment = time.monotonic()
        if (refusal := governor.check(moment)) is not None:
            # Blink's pause or the budget: nothing is sent, the next decision asks again.
            LOGGER.debug("Watchdog probe held back: %s", refusal.hold)
            return False
        governor.sent(moment, 1, reserved=False)
        blink = getattr(getattr(core, "runtime_data", None), "api", None)
        url = probe_url(blink, int(str(self.entry.unique_id)))
        try:
            status = await async_probe(self._probe_session(), url)
        except RateLimited as err:
            governor.paused(time.monotonic(), err.retry_after)
            LOGGER.debug("Watchdog probe: Blink asks to slow down")
            return False
        except CloudUnavailable as err:
            LOGGER.debug("Watchdog probe: Blink does not answer (%s)", err)
            return False
        LOGGER.debug("Watchdog probe: Blink answers (HTTP %s)", status)
        return True

    def _probe_session(self) -> ClientSession:
        """Return the probe's session, made at the first probe and detached when watching stops."""
        if self._session is None:
            self._session, _ = async_create_session(
                self.hass,
                auto_cleanup=False,
                request_log=self.coordinator.account.request_log,
            )
        return self._session

    def _raise_cap_issue(self, symptom: Symptom) -> None:
        """Say the daily cap is reached: what was seen, and what to try."""
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            self.issue_id,
            is_fixable=False,
            is_persistent=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=ISSUE_CAP,
            translation_placeholders={
                "title": self.entry.title,
                "seen": str(symptom),
                "reloads": str(MAX_PER_DAY),
            },
        )


@callback
def async_describe_core_reloaded(event: Event[dict[str, Any]]) -> dict[str, str]:
    """Describe a watchdog reload for the logbook (wired by logbook.py)."""
    seen = {
        Symptom.FAILING: "its entities were unavailable",
        Symptom.UNREADABLE: "it held an answer of Blink's that was not its data",
        Symptom.STALE: "its data was not renewed",
    }.get(event.data.get("seen", ""), "it looked stuck")
    return {
        "name": "Blink Health",
        "message": (
            f"reloaded the Blink integration: {seen} for "
            f"{event.data['minutes']} minutes while Blink answered"
        ),
    }
