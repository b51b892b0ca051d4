"""The re-adds of one account: started, moved on by every good poll, stored, and waited on.

It feeds procedure.py's `advance` what each poll shows, then does what a change asks for.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from custom_components.blink_health.const import DOMAIN, LOGGER
from custom_components.blink_health.errors import translated_error
from custom_components.blink_health.events import fire_readd_ended
from custom_components.blink_health.health import AccountHealth
from custom_components.blink_health.issues import (
    READD_PREFIX,
    async_open_readd_issue,
    guide_issue_id,
)
from custom_components.blink_health.settings import plug_for

from .account import seen_in
from .claims import CoordinatorClaims
from .deadlines import Deadlines
from .procedure import (
    Phase,
    Procedure,
    Reset,
    advance,
    end,
    reset_finished,
    reset_interrupted,
    resume,
)
from .resets import PlugReset, PlugResets
from .snapshot import async_begin, async_rebind
from .store import ReaddStore
from .waiters import Waiters

if TYPE_CHECKING:
    from custom_components.blink_health.coordinator import BlinkHealthCoordinator


class ReaddWatcher:
    """The re-adds of one account: at most one per camera, stored while it runs or timed out."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry[Any],
        coordinator: BlinkHealthCoordinator,
        reset: PlugReset,
    ) -> None:
        """Prepare the account's store; nothing is read before async_load."""
        self.coordinator = coordinator
        self.hass = hass
        self.entry = entry
        self._claims = CoordinatorClaims(coordinator)
        self._deadlines = Deadlines(hass, self._deadline_passed)
        self._resets = PlugResets(hass, reset)
        self._store = ReaddStore(hass, entry)
        self._waiters = Waiters(hass.loop)
        self._unsub_poll: CALLBACK_TYPE | None = None
        self._procedures: dict[str, Procedure] = {}
        self._stopped = False

    @property
    def active(self) -> bool:
        """Return True until the account unloads (then a new ReaddWatcher takes over)."""
        return not self._stopped

    @property
    def watching(self) -> bool:
        """Return True while any re-add watches the account."""
        return any(procedure.running for procedure in self._procedures.values())

    def get(self, serial: str) -> Procedure | None:
        """Return the camera's latest re-add (running or ended), if any."""
        return self._procedures.get(serial)

    def issue_id(self, serial: str) -> str:
        """Return the id of the camera's `readd_{device}` issue (never its serial).

        By the device the re-add began with: the issue keeps its id while the camera's device
        is gone (removed as stale after a timeout), and the registry gives the id back when
        the device returns.
        """
        return guide_issue_id(
            self.hass, self.entry, serial, READD_PREFIX, self._device_id(serial)
        )

    def serial_of_issue(self, issue_id: str) -> str | None:
        """Return the serial of the re-add whose issue this is, if one is known."""
        return next(
            (
                serial
                for serial in self._procedures
                if self.issue_id(serial) == issue_id
            ),
            None,
        )

    def _device_id(self, serial: str) -> str | None:
        """Return the device id the camera's re-add began with, if it has one."""
        procedure = self._procedures.get(serial)
        return procedure.snapshot.get("device_id") if procedure is not None else None

    @callback
    def _open_issue(self, procedure: Procedure) -> None:
        """Open (or refresh) the re-add's issue."""
        async_open_readd_issue(
            self.hass,
            self.entry,
            procedure.serial,
            procedure.name,
            self._device_id(procedure.serial),
        )

    # ----- lifecycle (from __init__.py) -------------------------------------------------------

    async def async_load(self) -> None:
        """Read the stored re-adds before the first poll, so their devices are kept from it on."""
        self._unsub_poll = self.coordinator.async_add_poll_listener(self.async_on_poll)
        for stored in await self._store.async_load():
            # Interrupted with Home Assistant while its plug cycled (the power slice switches
            # the plug back on): whether it was reset is unknown, so the person is asked to.
            procedure = reset_interrupted(stored)
            self._procedures[procedure.serial] = procedure
            if procedure.running:
                self._claims.keep(procedure.serial)

    @callback
    def async_start_watching(self) -> None:
        """After the first poll: deadlines, the issues, and the poll pace of running re-adds."""
        for procedure in self._procedures.values():
            if procedure.running:
                self._deadlines.schedule(procedure.serial, procedure.deadline)
            if procedure.running or procedure.phase is Phase.TIMEOUT:
                self._open_issue(procedure)
        self._claims.pace(watching=self.watching)

    async def async_shutdown(self) -> None:
        """Stop watching (unload, stop); stored re-adds resume at the next setup."""
        self._stopped = True
        if self._unsub_poll is not None:
            self._unsub_poll()
            self._unsub_poll = None
        self._deadlines.cancel_all()
        await self._resets.async_shutdown()
        self._waiters.wake_all()
        if self._procedures:
            await self._store.async_save(self._procedures.values())

    # ----- starting, stopping, waiting (the action and the fix flows) -------------------------

    async def async_start(self, serial: str, duration: timedelta) -> Procedure:
        """Start a camera's re-add; join the one running, or resume one that timed out."""
        now = dt_util.utcnow()
        procedure = self._procedures.get(serial)
        if procedure is not None and procedure.running:
            return procedure
        if procedure is not None and procedure.phase is Phase.TIMEOUT:
            procedure = resume(procedure, now, duration)
        else:
            procedure = async_begin(
                self.hass,
                self.entry,
                self.coordinator.data,
                serial,
                now=now,
                duration=duration,
            )
            self._resets.drop(serial)
        self._procedures[serial] = procedure
        self._claims.keep(serial)
        self._deadlines.schedule(procedure.serial, procedure.deadline)
        self._open_issue(procedure)
        await self._store.async_save(self._procedures.values())
        # The next poll comes within the re-add interval, not minutes later.
        self._claims.pace(watching=self.watching)
        self._waiters.wake(serial)
        LOGGER.info("Watching the account while %s is re-added", procedure.name)
        return procedure

    async def async_cancel(self, serial: str) -> None:
        """Stop a running re-add; the camera's device is then no longer kept while it is away."""
        procedure = self._procedures.get(serial)
        if procedure is not None and procedure.running:
            self._commit(end(procedure, Phase.CANCELLED, dt_util.utcnow()))
            await self._store.async_save(self._procedures.values())

    async def async_forget(self, serial: str) -> None:
        """Drop an ended re-add (one that timed out) and its issue."""
        procedure = self._procedures.get(serial)
        if procedure is not None and not procedure.running:
            issue_id = self.issue_id(serial)  # while the re-add is still known
            del self._procedures[serial]
            ir.async_delete_issue(self.hass, DOMAIN, issue_id)
            await self._store.async_save(self._procedures.values())

    async def async_wait_change(self, serial: str, phase: Phase) -> None:
        """Return once the re-add has left `phase` (at once if it already has, or unloads)."""
        procedure = self._procedures.get(serial)
        if self._stopped or procedure is None or procedure.phase is not phase:
            return
        await self._waiters.async_wait(serial)

    async def async_wait_end(self, serial: str) -> Procedure:
        """Wait until the re-add ends and return it; raise if the account unloads first."""
        while not self._stopped:
            procedure = self._procedures[serial]
            if not procedure.running:
                return procedure
            await self.async_wait_change(serial, procedure.phase)
        raise translated_error(
            "readd_interrupted",
            HomeAssistantError,
            device=self._procedures[serial].name,
        )

    # ----- what moves a re-add on: the polls, the plug's reset, the deadline ------------------

    @callback
    def async_on_poll(self, health: AccountHealth) -> None:
        """Move each running re-add on by what this good poll shows; end those past deadline."""
        now = dt_util.utcnow()
        changed = False
        for serial, before in list(self._procedures.items()):
            if not before.running:
                continue  # no poll moves an ended re-add (advance says so too)
            seen = seen_in(
                health, serial, plug=plug_for(self.entry, serial) is not None
            )
            if (after := advance(before, seen, now)) is before:
                continue
            if after.phase is Phase.DONE:
                after = async_rebind(self.hass, self.entry, after, health)
            self._commit(after)
            changed = True
        if changed:
            self._save()

    @callback
    def _reset_done(self, serial: str, reset: Reset, error: str | None) -> None:
        """Record how the plug's reset went; the person adds the camera in the app next."""
        if (current := self._procedures.get(serial)) is None:
            return  # pragma: no cover - given up while its plug cycled
        self._commit(reset_finished(current, reset, error))
        self._save()

    @callback
    def _deadline_passed(self, serial: str, now: datetime) -> None:
        """Time is up: end the re-add with what was seen."""
        if (current := self._procedures[serial]).running:
            self._commit(end(current, Phase.TIMEOUT, now))
            self._save()

    # ----- what a change asks for -------------------------------------------------------------

    @callback
    def _commit(self, procedure: Procedure) -> None:
        """Keep a re-add's new state and do what the change asks: a reset begun, or an end."""
        serial = procedure.serial
        before = self._procedures[serial]
        self._procedures[serial] = procedure
        if procedure.phase is Phase.RESET and before.phase is not Phase.RESET:
            self._resets.start(serial, procedure.name, self._reset_done)
        if before.running and not procedure.running:
            self._claims.release(serial)
            self._deadlines.cancel(serial)
            if procedure.phase is Phase.TIMEOUT:
                LOGGER.warning(
                    "%s was not re-added in time (it stopped at: %s)",
                    procedure.name,
                    procedure.ended_in,
                )
            else:
                ir.async_delete_issue(self.hass, DOMAIN, self.issue_id(serial))
            self._claims.pace(watching=self.watching)
            # Issue 20: the outage history and the logbook hear of it.
            fire_readd_ended(self.hass, self.entry, procedure)
        self._waiters.wake(serial)

    @callback
    def _save(self) -> None:
        """Store the re-adds from a callback (the poll, the deadline, a reset's end)."""
        self._store.save(self._procedures.values())
