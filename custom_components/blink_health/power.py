"""Power-cycle a mains-powered Blink device through the smart plug (switch entity) feeding it.

Blink has no remote reboot, so the plug is the only way to restart a device. The order is fixed
so that a plug is never left off: the cycle is written to storage before the plug is switched
off, and whatever interrupts it (an error, an unload, Home Assistant stopping or crashing) ends
with the plug switched back on by the one who finds the record.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypedDict

from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import (
    CONF_COOLDOWN_MINUTES,
    CONF_MAX_ATTEMPTS,
    DEFAULT_COOLDOWN_MINUTES,
    DEFAULT_MAX_ATTEMPTS,
    DOMAIN,
    EVENT_POWER_CYCLE,
    FAST_POLL_INTERVAL,
    LOGGER,
    MAX_FAST_POLL,
)
from .errors import translated_error
from .health import AccountHealth, CameraHealth, SyncModuleHealth
from .settings import async_set_plug, plug_for
from .storage import account_store

if TYPE_CHECKING:
    from .coordinator import BlinkHealthCoordinator

STORE_NAME = "power_cycles"
# Blink's article: unplug, wait 10 seconds, plug back in.
DEFAULT_OFF_SECONDS = 10.0
# How long a plug gets to report the state it was switched to.
CONFIRM_SECONDS = 10.0
# Waits before each further turn-on attempt when a plug does not come back on.
TURN_ON_BACKOFF: tuple[float, ...] = (2.0, 5.0, 15.0)
# The window that caps attempts.
CAP_WINDOW = timedelta(hours=24)
# At setup the plug's own integration may still be loading: wait this long for it.
RECOVERY_WAIT_SECONDS = 300.0


class _StoredCycle(TypedDict):
    """An in-flight cycle as stored: the plug that is (or may be) off, and since when."""

    plug: str
    started: str


class _StoredData(TypedDict):
    """Everything persisted per account: in-flight cycles and when each device was cycled."""

    in_flight: dict[str, _StoredCycle]
    history: dict[str, list[str]]


@dataclass(slots=True, kw_only=True)
class PowerCycleOutcome:
    """What one power cycle did: the response of the power_cycle action and the event's data."""

    device: str
    plug: str
    off_seconds: float
    turned_on: bool
    online_again: bool | None
    seconds_to_online: float | None
    attempts_left: int

    def as_dict(self) -> dict[str, Any]:
        """Return the outcome as JSON-serialisable action response data."""
        return asdict(self)


def can_power_cycle(device: CameraHealth | SyncModuleHealth) -> bool:
    """Return whether the device can run on mains power (never battery-only or unknown cameras)."""
    if isinstance(device, SyncModuleHealth):
        return True
    return device.power_source.mains_possible


def _log_failure(task: asyncio.Task[PowerCycleOutcome]) -> None:
    """Log why a cycle nobody waits for failed (the issue and event say so too)."""
    if not task.cancelled() and (err := task.exception()) is not None:
        LOGGER.warning("Power cycle failed: %s", err)


class PowerCycles:
    """The power cycles of one account: one at a time per device, persisted while in flight."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry[Any],
        coordinator: BlinkHealthCoordinator,
    ) -> None:
        """Prepare the account's store; nothing is read before async_setup."""
        self.coordinator = coordinator
        self.hass = hass
        self.entry = entry
        self._store: Store[_StoredData] = account_store(hass, entry, STORE_NAME)
        self._data: _StoredData = {"in_flight": {}, "history": {}}
        self._running: dict[str, asyncio.Task[PowerCycleOutcome]] = {}
        self._watches: set[asyncio.Task[bool]] = set()

    # ----- lifecycle ------------------------------------------------------------------------

    async def async_setup(self) -> None:
        """Load the store and switch back on any plug a previous run left off."""
        stored = await self._store.async_load()
        if stored is not None:
            self._data = stored
        if self._data["in_flight"]:
            self.entry.async_create_background_task(
                self.hass, self._async_recover(), f"{DOMAIN} power-cycle recovery"
            )

    async def _async_recover(self) -> None:
        """Turn on each plug of an interrupted cycle once it is available; report failures."""
        for serial, cycle in list(self._data["in_flight"].items()):
            plug = cycle["plug"]
            # The plug, not the device: serials stay out of logs (a user shares them in reports).
            LOGGER.warning("A power cycle was interrupted; switching %s back on", plug)
            await self._async_wait_available(plug, RECOVERY_WAIT_SECONDS)
            await self._async_restore(serial, plug)

    async def async_shutdown(self) -> None:
        """Stop running cycles and switch their plugs back on (unload, Home Assistant stop)."""
        tasks: list[asyncio.Task[Any]] = [*self._running.values(), *self._watches]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for serial, cycle in list(self._data["in_flight"].items()):
            # Home Assistant may be stopping: one attempt, nothing that holds the shutdown up.
            # Unconfirmed, the record stays, and the next setup switches the plug on.
            await self._async_restore(serial, cycle["plug"], backoff=(), confirm=0)

    async def _async_restore(
        self,
        serial: str,
        plug: str,
        *,
        backoff: tuple[float, ...] = TURN_ON_BACKOFF,
        confirm: float = CONFIRM_SECONDS,
    ) -> bool:
        """Switch a plug back on (with retries); clear its record, or raise the issue."""
        if await self._async_turn_on_with_retries(plug, backoff, confirm):
            await self._async_finish(serial)
            return True
        self._report_stuck(serial, plug)
        return False

    # ----- the cycle ------------------------------------------------------------------------

    async def async_power_cycle(
        self,
        serial: str,
        *,
        off_seconds: float = DEFAULT_OFF_SECONDS,
        wait_online: bool = True,
        verify_seconds: float = MAX_FAST_POLL.total_seconds(),
        plug: str | None = None,
        watch_online: bool = True,
    ) -> PowerCycleOutcome:
        """Check the request, then run the cycle, or join the one already running.

        `watch_online=False` skips the fast polls after the cycle: a camera being re-added is
        off the account, so no poll can see it come back online.
        """
        task = self._start(
            serial,
            off_seconds=off_seconds,
            wait_online=wait_online,
            verify_seconds=verify_seconds,
            plug=plug,
            watch_online=watch_online,
        )
        # Shielded: a caller that gives up (an automation stopped) never stops a cycle halfway.
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            if (current := asyncio.current_task()) is not None and current.cancelling():
                raise
            # The cycle was stopped under the caller (unload, stop) and its plug switched on:
            # tell the caller so, instead of cancelling a task nobody asked to cancel.
            raise translated_error(
                "power_cycle_interrupted",
                HomeAssistantError,
                device=self._device_name(serial),
            ) from None

    async def async_reset(self, serial: str) -> PowerCycleOutcome:
        """Cycle a camera that is away from the account (a re-add's reset): no watching after.

        A camera being re-added is off the account, so no poll can see it come back online.
        """
        return await self.async_power_cycle(
            serial,
            off_seconds=DEFAULT_OFF_SECONDS,
            wait_online=False,
            verify_seconds=0,
            plug=None,
            watch_online=False,
        )

    @callback
    def async_start(self, serial: str) -> None:
        """Start a cycle and return once it is under way (a button press).

        Refusals are raised here; a failure later is reported by the issue, the event and the log.
        """
        task = self._start(
            serial,
            off_seconds=DEFAULT_OFF_SECONDS,
            wait_online=False,
            verify_seconds=MAX_FAST_POLL.total_seconds(),
            plug=None,
        )
        task.add_done_callback(_log_failure)

    @callback
    def async_check(self, serial: str) -> None:
        """Raise the refusal a new cycle of the device would meet now (none while one runs).

        A fix flow asks first, so a refusal is explained at once instead of behind a progress
        step that ends before the frontend is listening.
        """
        if serial not in self._running:
            self._check(serial, None)

    def _start(
        self,
        serial: str,
        *,
        off_seconds: float,
        wait_online: bool,
        verify_seconds: float,
        plug: str | None,
        watch_online: bool = True,
    ) -> asyncio.Task[PowerCycleOutcome]:
        """Return the running cycle of the device, or check the request and start one."""
        if (running := self._running.get(serial)) is not None:
            return running
        name = self._check(serial, plug)
        entity_id = plug or plug_for(self.entry, serial)
        assert entity_id is not None  # _check refused a device without a plug
        if plug is not None and plug != plug_for(self.entry, serial):
            # Chosen outside the options flow (a repair flow): remembered for the device.
            async_set_plug(self.hass, self.entry, serial, plug)
        # Owned here, not by Home Assistant's task tracking: a cycle sleeps for its off time and
        # waits for polls, and async_shutdown cancels it (then switches the plug on).
        task = self.hass.loop.create_task(
            self._async_cycle(
                serial,
                name=name,
                plug=entity_id,
                off_seconds=off_seconds,
                wait_online=wait_online,
                verify_seconds=verify_seconds,
                watch_online=watch_online,
            ),
            name=f"{DOMAIN} power cycle {serial}",
        )
        self._running[serial] = task
        task.add_done_callback(lambda _: self._running.pop(serial, None))
        return task

    def _check(self, serial: str, plug: str | None) -> str:
        """Refuse a cycle that must not run; return the device's name for messages."""
        health = self.coordinator.data
        device = health.device(serial) if health is not None else None
        name = self._device_name(serial)
        if device is not None and not can_power_cycle(device):
            raise translated_error("battery_device", device=name)
        entity_id = plug or plug_for(self.entry, serial)
        if entity_id is None:
            raise translated_error("no_plug", device=name)
        state = self.hass.states.get(entity_id)
        if state is None or state.state == STATE_UNAVAILABLE:
            raise translated_error("plug_unavailable", device=name, plug=entity_id)
        now = dt_util.utcnow()
        recent = self._recent(serial, now)
        if recent:
            next_allowed = recent[-1] + timedelta(minutes=self.cooldown_minutes)
            if next_allowed > now:
                minutes = max(1, round((next_allowed - now).total_seconds() / 60))
                raise translated_error("cooldown", device=name, minutes=minutes)
        if len(recent) >= self.max_attempts:
            raise translated_error(
                "attempt_cap",
                device=name,
                attempts=len(recent),
                next=dt_util.as_local(recent[0] + CAP_WINDOW).strftime("%H:%M"),
            )
        return name

    async def _async_cycle(
        self,
        serial: str,
        *,
        name: str,
        plug: str,
        off_seconds: float,
        wait_online: bool,
        verify_seconds: float,
        watch_online: bool,
    ) -> PowerCycleOutcome:
        """Off, confirm, wait, on (retrying), confirm; then watch the device come back."""
        now = dt_util.utcnow()
        self._data["history"].setdefault(serial, []).append(now.isoformat())
        self._data["in_flight"][serial] = {"plug": plug, "started": now.isoformat()}
        # Written before the plug goes off: whoever finds the record switches it back on.
        await self._store.async_save(self._data)
        outcome = PowerCycleOutcome(
            device=serial,
            plug=plug,
            off_seconds=off_seconds,
            turned_on=False,
            online_again=None,
            seconds_to_online=None,
            attempts_left=max(0, self.max_attempts - len(self._recent(serial, now))),
        )
        try:
            await self._async_switch(plug, SERVICE_TURN_OFF)
            if not await self._async_wait_state(plug, STATE_OFF, CONFIRM_SECONDS):
                raise translated_error(
                    "plug_did_not_turn_off", HomeAssistantError, device=name, plug=plug
                )
            await asyncio.sleep(off_seconds)
        except HomeAssistantError:
            await self._async_restore(serial, plug)
            raise
        if not await self._async_turn_on_with_retries(
            plug, TURN_ON_BACKOFF, CONFIRM_SECONDS
        ):
            self._report_stuck(serial, plug)
            self._fire(outcome)
            raise translated_error(
                "plug_stuck_off", HomeAssistantError, device=name, plug=plug
            )
        await self._async_finish(serial)
        outcome.turned_on = True
        if not wait_online:
            if watch_online:
                # Still poll faster, so the device's state and issues catch up quickly.
                watching = self.hass.loop.create_task(
                    self._async_watch_until_online(serial, verify_seconds),
                    name=f"{DOMAIN} watch {serial}",
                )
                self._watches.add(watching)
                watching.add_done_callback(self._watches.discard)
            self._fire(outcome)
            return outcome
        on_at = dt_util.utcnow()
        outcome.online_again = await self._async_watch_until_online(
            serial, verify_seconds
        )
        if outcome.online_again:
            outcome.seconds_to_online = round(
                (dt_util.utcnow() - on_at).total_seconds(), 1
            )
        self._fire(outcome)
        return outcome

    async def _async_watch_until_online(self, serial: str, seconds: float) -> bool:
        """Poll every 15 s until a poll reports the device online; return whether one did.

        Bounded by `seconds` and at most 10 minutes. Each poll is still one homescreen
        request; the usual interval returns when no device is being watched.
        """
        online: asyncio.Future[None] = self.hass.loop.create_future()

        @callback
        def _polled(health: AccountHealth) -> None:
            """Resolve once a poll shows the device online."""
            device = health.device(serial)
            if device is not None and device.online and not online.done():
                online.set_result(None)

        remove_listener = self.coordinator.async_add_poll_listener(_polled)
        release_pace = self.coordinator.async_poll_faster(FAST_POLL_INTERVAL, live=True)
        try:
            async with asyncio.timeout(min(seconds, MAX_FAST_POLL.total_seconds())):
                await online
        except TimeoutError:
            return False
        finally:
            remove_listener()
            release_pace()
        return True

    async def _async_turn_on_with_retries(
        self, plug: str, backoff: tuple[float, ...], confirm: float
    ) -> bool:
        """Switch a plug on and confirm; retry with growing waits; return whether it is on."""
        for wait in (0.0, *backoff):
            if wait:
                await asyncio.sleep(wait)
            state = self.hass.states.get(plug)
            if state is not None and state.state == STATE_ON:
                return True
            try:
                await self._async_switch(plug, SERVICE_TURN_ON)
            except HomeAssistantError as err:
                LOGGER.warning("Switching %s on failed: %s", plug, err)
                continue
            if await self._async_wait_state(plug, STATE_ON, confirm):
                return True
        return False

    async def _async_switch(self, plug: str, service: str) -> None:
        """Call switch.turn_on / switch.turn_off on the plug and wait for the call to finish."""
        await self.hass.services.async_call(
            SWITCH_DOMAIN, service, {ATTR_ENTITY_ID: plug}, blocking=True
        )

    async def _async_wait_state(self, plug: str, target: str, seconds: float) -> bool:
        """Wait until the plug reports `target` (plugs may confirm a moment after the call)."""
        return await self._async_wait_for(plug, lambda state: state == target, seconds)

    async def _async_wait_available(self, plug: str, seconds: float) -> bool:
        """Wait until the plug exists and is available."""
        return await self._async_wait_for(
            plug, lambda state: state not in (None, STATE_UNAVAILABLE), seconds
        )

    async def _async_wait_for(
        self, plug: str, check: Callable[[str | None], bool], seconds: float
    ) -> bool:
        """Wait until the plug's state passes `check`, at most `seconds`."""
        state = self.hass.states.get(plug)
        if check(state.state if state else None):
            return True
        reached: asyncio.Future[None] = self.hass.loop.create_future()

        @callback
        def _changed(event: Event[EventStateChangedData]) -> None:
            """Resolve once the new state passes the check."""
            new = event.data["new_state"]
            if not reached.done() and check(new.state if new else None):
                reached.set_result(None)

        remove = async_track_state_change_event(self.hass, plug, _changed)
        try:
            async with asyncio.timeout(seconds):
                await reached
        except TimeoutError:
            return False
        finally:
            remove()
        return True

    async def _async_finish(self, serial: str) -> None:
        """Forget the in-flight record (the plug is on) and clear an earlier failure."""
        self._data["in_flight"].pop(serial, None)
        await self._store.async_save(self._data)
        ir.async_delete_issue(self.hass, DOMAIN, f"power_cycle_failed_{serial}")

    @callback
    def _report_stuck(self, serial: str, plug: str) -> None:
        """Raise the critical issue: a plug that feeds a Blink device stays off."""
        LOGGER.error("%s did not switch back on after a power cycle", plug)

        @callback
        def _switched_on(event: Event[EventStateChangedData]) -> None:
            """Drop the record and the issue once the plug is on after all (switched by hand)."""
            new = event.data["new_state"]
            if (
                new is not None
                and new.state == STATE_ON
                and serial in self._data["in_flight"]
            ):
                self.entry.async_create_background_task(
                    self.hass, self._async_finish(serial), f"{DOMAIN} plug back on"
                )

        # Unsubscribed at unload; a listener per failure is cheap, and failures are rare.
        self.entry.async_on_unload(
            async_track_state_change_event(self.hass, plug, _switched_on)
        )
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            f"power_cycle_failed_{serial}",
            is_fixable=False,
            is_persistent=True,
            data={"entry_id": self.entry.entry_id, "serial": serial},
            severity=ir.IssueSeverity.CRITICAL,
            translation_key="power_cycle_failed",
            translation_placeholders={
                "device": self._device_name(serial),
                "plug": plug,
            },
        )

    def _device_name(self, serial: str) -> str:
        """Return the device's name for messages and logs, never its serial when avoidable.

        From the latest poll; while the device is away from the account (a camera being
        re-added), its Home Assistant device's name.
        """
        health = self.coordinator.data
        if health is not None and (device := health.device(serial)) is not None:
            return device.name
        entry = dr.async_get(self.hass).async_get_device_by_identifier(
            (DOMAIN, serial), self.entry.entry_id
        )
        if entry is not None and (name := entry.name_by_user or entry.name):
            return name
        return serial

    @callback
    def _fire(self, outcome: PowerCycleOutcome) -> None:
        """Tell automations what the cycle did."""
        self.hass.bus.async_fire(EVENT_POWER_CYCLE, outcome.as_dict())

    # ----- settings and bookkeeping ---------------------------------------------------------

    @property
    def cooldown_minutes(self) -> float:
        """Return the minimum time between two cycles of one device."""
        return float(
            self.entry.options.get(CONF_COOLDOWN_MINUTES, DEFAULT_COOLDOWN_MINUTES)
        )

    @property
    def max_attempts(self) -> int:
        """Return how many cycles one device may get in 24 hours."""
        return int(self.entry.options.get(CONF_MAX_ATTEMPTS, DEFAULT_MAX_ATTEMPTS))

    def _recent(self, serial: str, now: datetime) -> list[datetime]:
        """Return when the device was cycled in the last 24 hours, oldest first."""
        times = [
            parsed
            for value in self._data["history"].get(serial, [])
            if (parsed := dt_util.parse_datetime(value)) is not None
            and now - parsed < CAP_WINDOW
        ]
        self._data["history"][serial] = [t.isoformat() for t in times]
        return times
