"""Attach mode: read the core Blink integration's sign-in and data instead of signing in again.

The core `blink` entry's coordinator already polls Blink every 5 minutes; Blink Health reads the
homescreen it fetched after each of its refreshes, so it adds no polling and no second login.
`runtime_data` is core's internal object, not an API: every read checks its shape, and a change
raises a repair issue that offers a separate sign-in instead of guessing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
import time
from typing import Any, override

from homeassistant.components.repairs import RepairsFlow, RepairsFlowResult
from homeassistant.config_entries import (
    SIGNAL_CONFIG_ENTRY_CHANGED,
    ConfigEntry,
    ConfigEntryChange,
    ConfigEntryState,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
import probatio

from .account_state import AccountState
from .cloud import (
    CloudError,
    RateLimited,
    async_request_homescreen,
    blink_camera_details,
    blink_problem,
    checked_homescreen,
)
from .const import CONF_CORE_ENTRY_ID, CORE_DOMAIN, DEFAULT_SCAN_INTERVAL, DOMAIN
from .coordinator import BlinkHealthCoordinator
from .governor import Hold, Refusal
from .health import AccountHealth, CameraHealth

ISSUE_CORE_INTERNALS = "core_internals_changed"
ISSUE_CORE_REMOVED = "core_entry_removed"
# Core waits for a new sign-in: explained, not fixable here (the sign-in is core's).
ISSUE_CORE_REAUTH = "core_reauth"
# Without a Retry-After, a 429 pauses the fast polls' own requests this long.
RATE_LIMIT_PAUSE = DEFAULT_SCAN_INTERVAL


class CoreUnreadable(CloudError):
    """The core Blink entry cannot be read; `key` names the error, `issue` its repair issue."""

    key = "core_not_loaded"
    issue: str | None = None


class CoreNotLoaded(CoreUnreadable):
    """The core Blink entry is not loaded (reloading, disabled, failed to set up)."""


class CoreRemoved(CoreNotLoaded):
    """The core Blink entry was deleted and no other loaded one is signed in to the account."""

    key = ISSUE_CORE_REMOVED
    issue = ISSUE_CORE_REMOVED


class CoreInternalsChanged(CoreUnreadable):
    """The core Blink entry's objects are not what this code reads: never guess, say so."""

    key = ISSUE_CORE_INTERNALS
    issue = ISSUE_CORE_INTERNALS


class CoreOtherAccount(CoreUnreadable):
    """The core Blink entry is now signed in to another Blink account."""

    key = "core_other_account"


@dataclass(frozen=True, slots=True)
class CoreView:
    """What attach mode reads of a loaded core Blink entry."""

    entry: ConfigEntry[Any]
    coordinator: DataUpdateCoordinator[Any]
    blink: Any  # blinkpy's Blink; checked by cloud.blink_problem
    homescreen: dict[str, Any]
    account_id: int


def loaded_core_entries(hass: HomeAssistant) -> list[ConfigEntry[Any]]:
    """Return the core Blink entries that are loaded (only those can be read)."""
    return hass.config_entries.async_loaded_entries(CORE_DOMAIN)


def core_view(hass: HomeAssistant, core_entry_id: str) -> CoreView:
    """Look the core entry up by id (so reloads are followed) and check what it holds."""
    entry = hass.config_entries.async_get_entry(core_entry_id)
    if entry is None or entry.domain != CORE_DOMAIN:
        raise CoreRemoved
    if entry.state is not ConfigEntryState.LOADED:
        raise CoreNotLoaded
    coordinator = getattr(entry, "runtime_data", None)
    if not isinstance(coordinator, DataUpdateCoordinator):
        raise CoreInternalsChanged("runtime_data is not a DataUpdateCoordinator")
    blink: Any = getattr(coordinator, "api", None)
    if (problem := blink_problem(blink)) is not None:
        raise CoreInternalsChanged(f"runtime_data.api{problem}")
    return CoreView(entry, coordinator, blink, blink.homescreen, blink.auth.account_id)


def core_entry_for_account(
    hass: HomeAssistant, account_id: int
) -> ConfigEntry[Any] | None:
    """Return a loaded core Blink entry signed in to this account, if there is one."""
    for entry in loaded_core_entries(hass):
        try:
            view = core_view(hass, entry.entry_id)
        except CloudError:
            continue
        if view.account_id == account_id:
            return entry
    return None


class CoreBlinkSource:
    """A BlinkSource over the core entry's blinkpy objects: no requests of its own.

    Only while fresh data is asked for (`live`: a power-cycled device being verified, a
    "check again") does it fetch the homescreen, through core's blinkpy object, and only as
    the account's request governor admits; those requests are counted in `request_log`.
    What the governor refuses is answered with the newest homescreen seen (no request).
    """

    def __init__(
        self, hass: HomeAssistant, core_entry_id: str, state: AccountState
    ) -> None:
        """Read the core entry with this id; request through the account's governor."""
        self.hass = hass
        self.core_entry_id = core_entry_id
        self.governor = state.governor
        self.request_log = state.request_log
        # Callers asking for fresh data; while > 0 every poll fetches a homescreen.
        self.live = 0
        # A feature asked for live polls at its own pace (a power-cycled device verified).
        self.live_polls = False
        # Whether the last poll was answered without a live request although one was wanted,
        # and why (the governor's refusal).
        self.served = False
        self.refusal: Refusal | None = None
        # The last homescreen fetched here, and core's homescreen object at that moment:
        # newer than core's until core refreshes (then core's object changes).
        self._fresh: tuple[dict[str, Any], dict[str, Any]] | None = None
        # The last homescreen accepted: it fills a device list the next one leaves out.
        self._accepted: dict[str, Any] | None = None

    def view(self) -> CoreView:
        """Return the core entry's objects, checked."""
        return core_view(self.hass, self.core_entry_id)

    @property
    def login_data(self) -> dict[str, Any]:
        """Return nothing: the sign-in and its tokens are the core entry's."""
        return {}

    @property
    def signed_in(self) -> bool:
        """Return True: core signs in (and asks for reauth) itself."""
        return True

    async def async_sign_in(
        self,
    ) -> None:  # pragma: no cover - signed_in is always True
        """Do nothing: core signs in."""

    async def async_homescreen(self) -> tuple[dict[str, Any], float | None]:
        """Return the newest homescreen seen (no request), or a fresh one when live."""
        view = self.view()
        if self._fresh is not None and self._fresh[0] is not view.homescreen:
            self._fresh = None  # core refreshed since: its homescreen is the newest
        newest = self._fresh[1] if self._fresh is not None else view.homescreen
        self.served = False
        if not (self.live or self.live_polls):
            return self._checked(newest), None
        now = time.monotonic()
        governor = self.governor
        if self._fresh is not None and governor.answered_within(now):
            return self._checked(newest), None  # asked together: one request
        if (refusal := governor.check(now)) is not None:
            # Refused (Blink's pause, the budget): the newest homescreen seen stands in.
            self.served, self.refusal = True, refusal
            return self._checked(newest), None
        self.request_log.count_request()
        governor.sent(now, 1, reserved=False)
        started = time.perf_counter()
        try:
            body = self._checked(await async_request_homescreen(view.blink))
        except RateLimited as err:
            # Blink asked to slow down: no more requests of ours until it said; core's
            # (no request) data stands in meanwhile.
            pause = (
                err.retry_after
                if err.retry_after is not None
                else RATE_LIMIT_PAUSE.total_seconds()
            )
            governor.paused(now, pause)
            self.served, self.refusal = True, Refusal(Hold.PAUSED, pause)
            return self._checked(newest), None
        latency_ms = (time.perf_counter() - started) * 1000
        governor.answered(time.monotonic())
        self._fresh = (view.homescreen, body)
        return body, latency_ms

    def _checked(self, body: Any) -> dict[str, Any]:
        """Check a homescreen (checked_homescreen) and remember it for the next one."""
        self._accepted = checked_homescreen(body, self._accepted)
        return self._accepted

    async def async_details(self, camera: CameraHealth) -> dict[str, Any] | None:
        """Return what core's blinkpy already read of the camera (no request)."""
        return blink_camera_details(self.view().blink, camera.serial)


class AttachedCoordinator(BlinkHealthCoordinator):
    """The coordinator in attach mode: no schedule of its own, it refreshes after core's."""

    cloud: CoreBlinkSource
    # Its polls cost nothing; the source admits its own live requests (CoreBlinkSource).
    governs_polls = False

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry[Any],
        source: CoreBlinkSource,
        state: AccountState,
    ) -> None:
        """Set up the coordinator; core's refreshes drive it (update_interval None)."""
        super().__init__(hass, entry, source, state)
        # The schedule while no device is being verified: none while core's data is good.
        self.idle_interval: timedelta | None = None
        self.update_interval = None
        self._followed: DataUpdateCoordinator[Any] | None = None
        self._unsub_core: Callable[[], None] | None = None
        entry.async_on_unload(
            async_dispatcher_connect(
                hass, SIGNAL_CONFIG_ENTRY_CHANGED, self._async_core_entry_changed
            )
        )
        entry.async_on_unload(self._unfollow)

    def issue_id(self, key: str) -> str:
        """Return the id of one of this entry's attach issues."""
        return f"{key}_{self.config_entry.entry_id}"

    @override
    async def _async_update_data(self) -> AccountHealth:
        """Check the core entry, follow its coordinator, then read its homescreen."""
        try:
            view = self._core_view()
        except CoreUnreadable as err:
            self._unfollow()
            if err.issue is not None:
                # What changed, when the error says (the issue text shows it as {detail}).
                detail = {"detail": str(err)} if err.args else {}
                self._raise_issue(err.issue, **detail)
            raise self._not_readable(err.key) from err
        for key in (ISSUE_CORE_INTERNALS, ISSUE_CORE_REMOVED):
            ir.async_delete_issue(self.hass, DOMAIN, self.issue_id(key))
        self._follow(view.coordinator)
        core = view.coordinator
        if not core.last_update_success:
            if isinstance(core.last_exception, ConfigEntryAuthFailed):
                # Core asks the user to sign in again; its reload afterwards brings us back.
                self._set_idle_interval(None)
                self._raise_reauth_issue(view.entry)
                raise self._not_readable("core_reauth")
        ir.async_delete_issue(self.hass, DOMAIN, self.issue_id(ISSUE_CORE_REAUTH))
        if not core.last_update_success:
            # Core could not reach Blink: count it as a failed poll, as standalone would,
            # and look again at core's pace so a lasting outage becomes an issue.
            self._set_idle_interval(core.update_interval)
            if not self.cloud.live:
                self._record_failure()
                raise self._failed(
                    "cloud_unavailable",
                    retry_after=0,
                    error=type(core.last_exception).__name__,
                )
            # Fresh data asked for (check again): Blink's own answer, through core's
            # sign-in, tells whether Blink or core's coordinator is failing.
            return await super()._async_update_data()
        self._set_idle_interval(None)
        return await super()._async_update_data()

    def _core_view(self) -> CoreView:
        """Return the core entry's view; after its removal, adopt a new entry of the account."""
        try:
            view = self.cloud.view()
        except CoreRemoved:
            replacement = core_entry_for_account(self.hass, self.account_id)
            if replacement is None:
                raise
            self.cloud.core_entry_id = replacement.entry_id
            entry = self.config_entry
            self.hass.config_entries.async_update_entry(
                entry, data={**entry.data, CONF_CORE_ENTRY_ID: replacement.entry_id}
            )
            view = self.cloud.view()
        if view.account_id != self.account_id:
            raise CoreOtherAccount
        return view

    @property
    def account_id(self) -> int:
        """Return the Blink account this entry watches (its unique id)."""
        return int(str(self.config_entry.unique_id))

    def _not_readable(self, key: str) -> UpdateFailed:
        """Build the error of a core entry that cannot be read (no retry of our own)."""
        return UpdateFailed(translation_domain=DOMAIN, translation_key=key)

    @override
    def _failed(self, key: str, *, retry_after: float, error: str = "") -> UpdateFailed:
        """Build a translated UpdateFailed with no retry timer: core's next update is the retry."""
        self._evaluate(self.data)
        return UpdateFailed(
            translation_domain=DOMAIN,
            translation_key="core_update_failed",
            translation_placeholders={"error": error or key},
        )

    def _set_idle_interval(self, interval: timedelta | None) -> None:
        """Set the schedule used while no device is being verified."""
        self.idle_interval = interval
        self._apply_pace(reschedule=False)

    @override
    def _pace(self) -> timedelta | None:
        """Follow core's refreshes; only a live pace request polls through core's blinkpy.

        A re-add is watched through core's refreshes (no schedule of its own); a power-cycled
        device being verified needs Blink's answer every 15 s, fetched through core's object.
        """
        live = [request.interval for request in self.pace_requests if request.live]
        self.cloud.live_polls = bool(live)
        return min(live) if live else self.idle_interval

    async def async_request_fresh_data(self, serial: str | None = None) -> bool:
        """Poll now on fresh data ("check again"): one homescreen through core's object."""
        self.cloud.live += 1
        try:
            fresh = await super().async_request_fresh_data(serial)
        finally:
            self.cloud.live -= 1
        if self.cloud.served:
            self.refusal = self.cloud.refusal
            return False
        return fresh

    def _follow(self, coordinator: DataUpdateCoordinator[Any]) -> None:
        """Listen to core's coordinator (a new one after each core reload)."""
        if coordinator is self._followed:
            return
        self._unfollow()
        self._followed = coordinator
        self._unsub_core = coordinator.async_add_listener(self._async_core_updated)

    @callback
    def _unfollow(self) -> None:
        """Stop listening to core's coordinator."""
        if self._unsub_core is not None:
            self._unsub_core()
        self._unsub_core = None
        self._followed = None

    @callback
    def _async_core_updated(self) -> None:
        """Core refreshed (or its entry came back): read what it holds."""
        self.config_entry.async_create_background_task(
            self.hass, self.async_request_refresh(), "blink_health follow core refresh"
        )

    @callback
    def _async_core_entry_changed(
        self, change: ConfigEntryChange, entry: ConfigEntry[Any]
    ) -> None:
        """Follow the core entry: unavailable while it is not loaded, back once it is."""
        if entry.domain != CORE_DOMAIN or self.hass.is_stopping:
            return
        if entry.entry_id != self.cloud.core_entry_id:
            # Another core entry loaded while ours is gone: it may be the account's new one.
            if (
                entry.state is ConfigEntryState.LOADED
                and self.hass.config_entries.async_get_entry(self.cloud.core_entry_id)
                is None
            ):
                self._async_core_updated()
            return
        if change is ConfigEntryChange.REMOVED:
            self._unfollow()
            self._raise_issue(ISSUE_CORE_REMOVED)
            self.async_set_update_error(self._not_readable(CoreRemoved.key))
            return
        if entry.state is ConfigEntryState.LOADED:
            if getattr(entry, "runtime_data", None) is not self._followed:
                self._async_core_updated()
            return
        if self._followed is None and not self.last_update_success:
            return
        self._unfollow()
        self.async_set_update_error(self._not_readable(CoreNotLoaded.key))

    def _raise_reauth_issue(self, core_entry: ConfigEntry[Any]) -> None:
        """Explain that core's entry waits for a new sign-in, and where to give it."""
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            self.issue_id(ISSUE_CORE_REAUTH),
            data={"entry_id": self.config_entry.entry_id},
            is_fixable=False,
            is_persistent=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key=ISSUE_CORE_REAUTH,
            translation_placeholders={
                "title": self.config_entry.title,
                "core_title": core_entry.title,
            },
        )

    def _raise_issue(self, key: str, **placeholders: str) -> None:
        """Explain why the core entry cannot be read and offer a separate sign-in."""
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            self.issue_id(key),
            data={"entry_id": self.config_entry.entry_id},
            is_fixable=True,
            is_persistent=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key=key,
            translation_placeholders={**placeholders, "title": self.config_entry.title},
        )


@callback
def async_delete_attach_issues(hass: HomeAssistant, entry_id: str) -> None:
    """Delete an entry's attach issues (once it has its own sign-in)."""
    for key in (ISSUE_CORE_INTERNALS, ISSUE_CORE_REMOVED, ISSUE_CORE_REAUTH):
        ir.async_delete_issue(hass, DOMAIN, f"{key}_{entry_id}")


def is_attach_issue(issue_id: str) -> bool:
    """Return True for an attach issue (its fix flow is SwitchToSignInFlow)."""
    return issue_id.startswith((f"{ISSUE_CORE_INTERNALS}_", f"{ISSUE_CORE_REMOVED}_"))


class SwitchToSignInFlow(RepairsFlow):
    """Fix flow of the attach issues: switch the entry to its own sign-in."""

    def __init__(self, entry_id: str) -> None:
        """Bind the flow to the attach-mode entry."""
        self.entry_id = entry_id

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Start on the explanation (the init step is handed the flow's init data)."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Explain, then start the entry's sign-in (reauth) flow, which converts the entry."""
        entry = self.hass.config_entries.async_get_entry(self.entry_id)
        if entry is None or entry.data.get(CONF_CORE_ENTRY_ID) is None:
            return self.async_abort(reason="entry_not_loaded")
        if user_input is None:
            # The issue's own text lives in this step (a fixable issue has no description).
            issue = ir.async_get(self.hass).async_get_issue(DOMAIN, self.issue_id)
            placeholders = dict(issue.translation_placeholders or {}) if issue else {}
            return self.async_show_form(
                step_id="confirm",
                data_schema=probatio.Schema({}),
                description_placeholders={**placeholders, "title": entry.title},
            )
        entry.async_start_reauth(self.hass)
        return self.async_create_entry(data={})
