"""Attach mode: read the core Blink integration's sign-in and data instead of signing in again.

The core `blink` entry's coordinator already polls Blink every 5 minutes; Blink Health reads the
homescreen it fetched after each of its refreshes, so it adds no polling and no second login.
`runtime_data` is core's internal object, not an API: every read checks its shape, and a change
raises a repair issue that offers a separate sign-in instead of guessing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .cloud import (
    HOMESCREEN_DEVICE_LISTS,
    CloudError,
    CloudUnavailable,
    RequestLog,
    async_request_homescreen,
    blink_account_id,
    blink_camera_details,
    is_blink,
)
from .const import CONF_CORE_ENTRY_ID, CORE_DOMAIN, DOMAIN
from .coordinator import BlinkHealthConfigEntry, BlinkHealthCoordinator
from .health import AccountHealth, CameraHealth

ISSUE_CORE_INTERNALS = "core_internals_changed"


class CoreNotLoaded(CloudError):
    """The core Blink entry is missing or not loaded (reloading, removed, signing in again)."""


class CoreInternalsChanged(CloudError):
    """The core Blink entry's objects are not what this code reads: never guess, say so."""


@dataclass(frozen=True, slots=True)
class CoreView:
    """What attach mode reads of a loaded core Blink entry."""

    entry: ConfigEntry[Any]
    coordinator: DataUpdateCoordinator[Any]
    blink: Any  # blinkpy's Blink; checked by cloud.is_blink
    homescreen: dict[str, Any]


def loaded_core_entries(hass: HomeAssistant) -> list[ConfigEntry[Any]]:
    """Return the core Blink entries that are loaded (only those can be read)."""
    return hass.config_entries.async_loaded_entries(CORE_DOMAIN)


def core_view(hass: HomeAssistant, core_entry_id: str) -> CoreView:
    """Look the core entry up by id (so reloads are followed) and check what it holds."""
    entry = hass.config_entries.async_get_entry(core_entry_id)
    if (
        entry is None
        or entry.domain != CORE_DOMAIN
        or entry.state is not ConfigEntryState.LOADED
    ):
        raise CoreNotLoaded
    coordinator = getattr(entry, "runtime_data", None)
    if not isinstance(coordinator, DataUpdateCoordinator):
        raise CoreInternalsChanged("runtime_data is not a DataUpdateCoordinator")
    blink = getattr(coordinator, "api", None)
    if not is_blink(blink):
        raise CoreInternalsChanged("runtime_data.api is not a blinkpy Blink")
    homescreen = getattr(blink, "homescreen", None)
    if not isinstance(homescreen, dict):
        raise CoreInternalsChanged("runtime_data.api.homescreen is not a dict")
    return CoreView(entry, coordinator, blink, homescreen)


def core_account_id(hass: HomeAssistant, core_entry_id: str) -> int:
    """Return the Blink account id the core entry is signed in to."""
    account_id = blink_account_id(core_view(hass, core_entry_id).blink)
    if account_id is None:
        raise CoreInternalsChanged("runtime_data.api.auth.account_id is not set")
    return account_id


class CoreBlinkSource:
    """A BlinkSource over the core entry's blinkpy objects: no requests of its own.

    Only while a power-cycled device is being verified (`live`) does it fetch the homescreen,
    through core's blinkpy object; those requests are counted in `request_log`.
    """

    def __init__(self, hass: HomeAssistant, core_entry_id: str) -> None:
        """Read the core entry with this id."""
        self.hass = hass
        self.core_entry_id = core_entry_id
        self.request_log = RequestLog()
        # Fast polls under way; while > 0 every poll fetches a fresh homescreen.
        self.live = 0

    def view(self) -> CoreView:
        """Return the core entry's objects, checked."""
        return core_view(self.hass, self.core_entry_id)

    @property
    def account_id(self) -> int | None:
        """Return the account id of the core entry's sign-in."""
        return blink_account_id(self.view().blink)

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
        """Return core's last homescreen (no request, no latency), or a fresh one when live."""
        view = self.view()
        if not view.coordinator.last_update_success:
            # Core's own poll failed (cloud down, reauth): its homescreen is stale.
            raise CloudUnavailable("the Blink integration's last update failed")
        if not self.live:
            return _checked(view.homescreen), None
        self.request_log.count_request()
        started = time.perf_counter()
        body = await async_request_homescreen(view.blink)
        return _checked(body), (time.perf_counter() - started) * 1000

    async def async_details(self, camera: CameraHealth) -> dict[str, Any] | None:
        """Return what core's blinkpy already read of the camera (no request)."""
        return blink_camera_details(self.view().blink, camera.serial)


def _checked(body: Any) -> dict[str, Any]:
    """Return a homescreen that lists devices; anything else must not read as "all gone"."""
    if not isinstance(body, dict) or not any(
        isinstance(body.get(key), list) for key in HOMESCREEN_DEVICE_LISTS
    ):
        raise CloudUnavailable("invalid homescreen")
    return body


class AttachedCoordinator(BlinkHealthCoordinator):
    """The coordinator in attach mode: no schedule of its own, it refreshes after core's."""

    cloud: CoreBlinkSource

    def __init__(
        self,
        hass: HomeAssistant,
        entry: BlinkHealthConfigEntry,
        source: CoreBlinkSource,
    ) -> None:
        """Set up the coordinator; core's refreshes drive it (update_interval None)."""
        super().__init__(hass, entry, source)
        self.update_interval = None
        self._followed: DataUpdateCoordinator[Any] | None = None
        self._unsub_core: Callable[[], None] | None = None
        entry.async_on_unload(
            async_dispatcher_connect(
                hass, SIGNAL_CONFIG_ENTRY_CHANGED, self._async_core_entry_changed
            )
        )
        entry.async_on_unload(self._unfollow)

    @property
    def issue_id(self) -> str:
        """Return the id of this entry's internals-changed issue."""
        return f"{ISSUE_CORE_INTERNALS}_{self.config_entry.entry_id}"

    @override
    async def _async_update_data(self) -> AccountHealth:
        """Check the core entry, follow its coordinator, then read its homescreen."""
        try:
            view = self.cloud.view()
        except CoreInternalsChanged as err:
            self._unfollow()
            self._raise_internals_issue(str(err))
            raise UpdateFailed(
                translation_domain=DOMAIN, translation_key=ISSUE_CORE_INTERNALS
            ) from err
        except CoreNotLoaded as err:
            self._unfollow()
            raise UpdateFailed(
                translation_domain=DOMAIN, translation_key="core_not_loaded"
            ) from err
        ir.async_delete_issue(self.hass, DOMAIN, self.issue_id)
        self._follow(view.coordinator)
        return await super()._async_update_data()

    async def async_watch_until_online(self, serial: str, seconds: float) -> bool:
        """Poll on a fast schedule through core's blinkpy object while verifying a device."""
        self.cloud.live += 1
        try:
            return await super().async_watch_until_online(serial, seconds)
        finally:
            self.cloud.live -= 1
            if not self.cloud.live:
                # Back to following core: no schedule of our own.
                self.update_interval = None

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
        """Core refreshed: read what it fetched."""
        self.config_entry.async_create_background_task(
            self.hass, self.async_refresh(), "blink_health follow core refresh"
        )

    @callback
    def _async_core_entry_changed(
        self, change: ConfigEntryChange, entry: ConfigEntry[Any]
    ) -> None:
        """Follow the core entry: unavailable while it is not loaded, back once it is."""
        if entry.entry_id != self.cloud.core_entry_id:
            return
        if change is not ConfigEntryChange.REMOVED and (
            entry.state is ConfigEntryState.LOADED
        ):
            if getattr(entry, "runtime_data", None) is not self._followed:
                self._async_core_updated()
            return
        if self._followed is None and not self.last_update_success:
            return
        self._unfollow()
        self.async_set_update_error(
            UpdateFailed(translation_domain=DOMAIN, translation_key="core_not_loaded")
        )

    def _raise_internals_issue(self, detail: str) -> None:
        """Explain that core changed and offer a separate sign-in."""
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            self.issue_id,
            data={"entry_id": self.config_entry.entry_id},
            is_fixable=True,
            is_persistent=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key=ISSUE_CORE_INTERNALS,
            translation_placeholders={
                "detail": detail,
                "title": self.config_entry.title,
            },
        )


def is_internals_issue(issue_id: str) -> bool:
    """Return True for an internals-changed issue (its fix flow is SwitchToSignInFlow)."""
    return issue_id.startswith(f"{ISSUE_CORE_INTERNALS}_")


class SwitchToSignInFlow(RepairsFlow):
    """Fix flow of the internals-changed issue: switch the entry to its own sign-in."""

    def __init__(self, entry_id: str) -> None:
        """Bind the flow to the attach-mode entry."""
        self.entry_id = entry_id

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Explain, then start the entry's sign-in (reauth) flow, which converts the entry."""
        entry = self.hass.config_entries.async_get_entry(self.entry_id)
        if entry is None or entry.data.get(CONF_CORE_ENTRY_ID) is None:
            return self.async_abort(reason="entry_not_loaded")
        if user_input is None:
            return self.async_show_form(
                step_id="init", description_placeholders={"title": entry.title}
            )
        entry.async_start_reauth(self.hass)
        return self.async_create_entry(data={})
