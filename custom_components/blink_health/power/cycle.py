"""PowerCycles: one account's power cycles — checked, run through the plug keeper, then watched.

A device's concurrent calls join one cycle; devices sharing a plug share the physical cycle
(the keeper's). Plugs are the keeper's business: this side refuses, counts, watches the device
come back online and tells automations.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util

from custom_components.blink_health.const import (
    DOMAIN,
    EVENT_POWER_CYCLE,
    LOGGER,
    MAX_FAST_POLL,
)
from custom_components.blink_health.devices import device_for
from custom_components.blink_health.errors import translated_error
from custom_components.blink_health.health import AccountHealth
from custom_components.blink_health.settings import async_set_plug, plug_for

from .journal import Journal, Record
from .keeper import plug_keeper
from .outcome import PowerCycleOutcome
from .plug import Plug, is_off
from .policy import check_device, check_pace, check_plug, max_attempts
from .watch import async_watch_until_online

if TYPE_CHECKING:
    from custom_components.blink_health.coordinator import BlinkHealthCoordinator

# Blink's article: unplug, wait 10 seconds, plug back in.
DEFAULT_OFF_SECONDS = 10.0


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
        """Bind to the account; its journal is opened in async_setup."""
        self.coordinator = coordinator
        self.hass = hass
        self.entry = entry
        self._keeper = plug_keeper(hass)
        self._journal = Journal.for_entry(hass, entry)
        self._running: dict[str, asyncio.Task[PowerCycleOutcome]] = {}
        self._watches: set[asyncio.Task[bool]] = set()

    async def async_setup(self) -> None:
        """Open the journal: a plug a previous run left off is switched on (by the keeper)."""
        self._journal = await self._keeper.async_open(self.entry)

    async def async_shutdown(self) -> None:
        """Stop running cycles and switch their plugs back on (unload, Home Assistant stop)."""
        tasks: list[asyncio.Task[Any]] = [*self._running.values(), *self._watches]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._keeper.async_release(
            self.entry.entry_id, stopping=self.hass.is_stopping
        )

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
        """Cycle a camera that is away from the account (a re-add's reset): no watching after."""
        return await self.async_power_cycle(
            serial, wait_online=False, verify_seconds=0, watch_online=False
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
    def plugs_off(self, health: AccountHealth) -> dict[str, str]:
        """Return serial → plug name of the account's devices whose smart plug reports off.

        Not while a cycle (or the switching on after one) has the plug: that off is ours.
        """
        off: dict[str, str] = {}
        for serial in health.serials:
            if (entity_id := plug_for(self.entry, serial)) is None:
                continue
            plug = Plug(self.hass, entity_id)
            state = self.hass.states.get(plug.entity_id)
            if state is not None and is_off(state.state):
                if not self._keeper.is_busy(plug.key):
                    off[serial] = state.name
        return off

    async def async_switch_on(
        self, serial: str, verify_seconds: float = MAX_FAST_POLL.total_seconds()
    ) -> bool:
        """Switch on the plug of a device that is off because of it; return whether it is back.

        Not a power cycle: nothing is switched off, so neither cooldown nor cap applies.
        """
        name = self._device_name(serial)
        entity_id = plug_for(self.entry, serial)
        plug = check_plug(
            Plug(self.hass, entity_id) if entity_id is not None else None,
            name,
            left_off=False,
        )
        label = state.name if (state := self.hass.states.get(plug.entity_id)) else ""
        if not await self._keeper.async_switch_on(plug):
            raise translated_error(
                "plug_not_on", HomeAssistantError, device=name, plug=label
            )
        return await async_watch_until_online(self.coordinator, serial, verify_seconds)

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
        name, target = self._check(serial, plug)
        if plug is not None and plug != plug_for(self.entry, serial):
            # Chosen outside the options flow (a repair flow): remembered for the device.
            async_set_plug(self.hass, self.entry, serial, plug)
        # Owned here, not by Home Assistant's task tracking: a cycle sleeps for its off time and
        # waits for polls, and async_shutdown cancels it (then switches the plug on).
        task = self.hass.loop.create_task(
            self._async_cycle(
                serial,
                name=name,
                plug=target,
                off_seconds=off_seconds,
                wait_online=wait_online,
                verify_seconds=verify_seconds,
                watch_online=watch_online,
            ),
            name=f"{DOMAIN} power cycle of a device",
        )
        self._running[serial] = task
        task.add_done_callback(lambda _: self._running.pop(serial, None))
        return task

    def _check(self, serial: str, plug: str | None) -> tuple[str, Plug]:
        """Refuse a cycle that must not run; return the device's name and its plug."""
        health = self.coordinator.data
        name = self._device_name(serial)
        check_device(health.device(serial) if health is not None else None, name)
        entity_id = plug or plug_for(self.entry, serial)
        target = Plug(self.hass, entity_id) if entity_id is not None else None
        left_off = target is not None and self._keeper.is_left_off(target.key)
        target = check_plug(target, name, left_off=left_off)
        check_pace(self.entry, self._journal.recent(serial, dt_util.utcnow()), name)
        return name, target

    async def _async_cycle(
        self,
        serial: str,
        *,
        name: str,
        plug: Plug,
        off_seconds: float,
        wait_online: bool,
        verify_seconds: float,
        watch_online: bool,
    ) -> PowerCycleOutcome:
        """Cycle the plug (the keeper's), then watch the device come back."""
        now = dt_util.utcnow()
        self._journal.count_cycle(serial, now)
        device = device_for(self.hass, self.entry, serial)
        record: Record = {
            "plug": plug.entity_id,
            "plug_id": plug.registry_id,
            "started": now.isoformat(),
            "device_id": device.id if device is not None else None,
            "device": name,
            "entry_id": self.entry.entry_id,
            # Saved (with the history) before the plug is switched off.
            "command": "off",
            "sent": now.isoformat(),
        }
        plug_state = self.hass.states.get(plug.entity_id)
        outcome = PowerCycleOutcome(
            entry_id=self.entry.entry_id,
            device=name,
            device_id=device.id if device is not None else None,
            plug=plug_state.name if plug_state is not None else plug.entity_id,
            plug_entity_id=plug.entity_id,
            off_seconds=off_seconds,
            turned_on=False,
            online_again=None,
            seconds_to_online=None,
            attempts_left=max(
                0, max_attempts(self.entry) - len(self._journal.recent(serial, now))
            ),
        )
        try:
            on_at = await self._keeper.async_cycle(
                self._journal, serial, record, off_seconds, name
            )
        except HomeAssistantError as err:
            if err.translation_key == "plug_stuck_off":
                self._fire(outcome)
            raise
        outcome.turned_on = True
        if not wait_online:
            if watch_online:
                # Still poll faster, so the device's state and issues catch up quickly.
                watching = self.hass.loop.create_task(
                    async_watch_until_online(self.coordinator, serial, verify_seconds),
                    name=f"{DOMAIN} watch a device",
                )
                self._watches.add(watching)
                watching.add_done_callback(self._watches.discard)
            self._fire(outcome)
            return outcome
        outcome.online_again = await async_watch_until_online(
            self.coordinator, serial, verify_seconds
        )
        if outcome.online_again:
            outcome.seconds_to_online = round(
                (dt_util.utcnow() - on_at).total_seconds(), 1
            )
        self._fire(outcome)
        return outcome

    def _device_name(self, serial: str) -> str:
        """Return the device's name for messages, events and logs, never its serial.

        Its Home Assistant device's name (what the user sees and may have renamed); before
        the device is registered, the name from the latest poll.
        """
        entry = device_for(self.hass, self.entry, serial)
        if entry is not None and (name := entry.name_by_user or entry.name):
            return name
        health = self.coordinator.data
        if health is not None and (device := health.device(serial)) is not None:
            return device.name
        return "A Blink device"

    @callback
    def _fire(self, outcome: PowerCycleOutcome) -> None:
        """Tell automations what the cycle did."""
        self.hass.bus.async_fire(EVENT_POWER_CYCLE, outcome.as_dict())
