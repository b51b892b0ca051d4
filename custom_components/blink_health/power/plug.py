"""The switch driver: a smart plug followed by its entity-registry id, switched and confirmed.

Real plugs report late (MQTT, Zigbee and cloud plugs switch the relay at once and report the
new state 1–3 s later), bounce (on, then off again a second later), go unavailable and get
renamed. So a state counts only when the plug reported it after our last command, "on" counts
only when it still holds after a settle time, and the plug is followed by its registry id.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Self

from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import (
    CALLBACK_TYPE,
    Event,
    EventStateChangedData,
    EventStateReportedData,
    HomeAssistant,
    callback,
)
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.event import (
    async_track_entity_registry_updated_event,
    async_track_state_change_event,
    async_track_state_report_event,
)
from homeassistant.util import dt as dt_util

# How long a plug gets to report the state it was switched to.
CONFIRM_SECONDS = 10.0
# How long "on" must hold before it counts: a bouncing relay or a plug's own schedule is not on.
SETTLE_SECONDS = 3.0

type StateCheck = Callable[[str | None], bool]


def is_on(state: str | None) -> bool:
    """Return whether a reported state is on."""
    return state == STATE_ON


def is_off(state: str | None) -> bool:
    """Return whether a reported state is off."""
    return state == STATE_OFF


def is_available(state: str | None) -> bool:
    """Return whether a reported state is one the plug can be switched from."""
    return state not in (None, STATE_UNAVAILABLE)


class Plug:
    """One smart plug (a switch entity), by its registry id when it has one, else its entity id."""

    def __init__(
        self, hass: HomeAssistant, entity_id: str, registry_id: str | None = None
    ) -> None:
        """Bind to a plug; without a registry id, one is looked up for the entity id."""
        self.hass = hass
        self._entity_id = entity_id
        if (
            registry_id is None
            and (entry := er.async_get(hass).async_get(entity_id)) is not None
        ):
            registry_id = entry.id
        self.registry_id = registry_id

    @property
    def key(self) -> str:
        """Return what identifies the plug across renames (the registry id, else the entity id)."""
        return self.registry_id or self._entity_id

    @property
    def entity_id(self) -> str:
        """Return the plug's entity id now (a rename in the entity registry is followed)."""
        if (
            self.registry_id is not None
            and (entry := er.async_get(self.hass).async_get(self.registry_id))
            is not None
        ):
            self._entity_id = entry.entity_id
        return self._entity_id

    @property
    def state(self) -> str | None:
        """Return the state the plug last reported (None while it has no entity)."""
        state = self.hass.states.get(self.entity_id)
        return state.state if state is not None else None

    async def async_turn(self, on: bool) -> None:
        """Call switch.turn_on / turn_off and wait for the call; whatever it raises propagates."""
        await self.hass.services.async_call(
            SWITCH_DOMAIN,
            SERVICE_TURN_ON if on else SERVICE_TURN_OFF,
            {ATTR_ENTITY_ID: self.entity_id},
            blocking=True,
        )

    def reports(self) -> Reports:
        """Return a collector of the plug's reports from now on (use it as a context manager)."""
        return Reports(self)


class Reports:
    """What a plug reports from now on: every state write (changed or not), rename-proof."""

    def __init__(self, plug: Plug) -> None:
        """Start listening to the plug."""
        self.plug = plug
        self.states: list[str | None] = []
        self._last = plug.state
        self._waiters: list[asyncio.Future[None]] = []
        # Reports worth another try at once: "on", or available again after unavailable.
        self.wakes = 0
        # When the plug was last seen reporting on (the device's boot starts then).
        self.on_at: datetime | None = None
        self._unsubscribe: list[CALLBACK_TYPE] = []
        self._subscribe()

    def __enter__(self) -> Self:
        """Return the collector (it listens from its creation)."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop listening."""
        self.close()

    @callback
    def close(self) -> None:
        """Stop listening to the plug."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()

    @callback
    def _subscribe(self) -> None:
        """Listen to the plug's current entity id: its state writes and its registry entry."""
        self.close()
        entity_id = self.plug.entity_id
        self._unsubscribe = [
            async_track_state_change_event(self.plug.hass, entity_id, self._changed),
            async_track_state_report_event(self.plug.hass, entity_id, self._reported),
            async_track_entity_registry_updated_event(
                self.plug.hass, entity_id, self._registry_updated
            ),
        ]

    @callback
    def _changed(self, event: Event[EventStateChangedData]) -> None:
        """Record a state the plug changed to (None: its entity went away)."""
        new = event.data["new_state"]
        self._add(new.state if new is not None else None)

    @callback
    def _reported(self, event: Event[EventStateReportedData]) -> None:
        """Record the same state reported again (a late confirmation of a command)."""
        self._add(event.data["new_state"].state)

    @callback
    def _registry_updated(
        self, event: Event[er.EventEntityRegistryUpdatedData]
    ) -> None:
        """Follow a rename (new entity id); a removed entity reports nothing any more."""
        if event.data["action"] == "update" and "old_entity_id" in event.data:
            self._subscribe()
            self._add(self.plug.state)
        elif event.data["action"] == "remove":
            self._add(None)

    @callback
    def _add(self, state: str | None) -> None:
        """Append a report and wake whoever waits for one."""
        if is_on(state) or (not is_available(self._last) and is_available(state)):
            self.wakes += 1
        self._last = state
        self.states.append(state)
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    @property
    def mark(self) -> int:
        """Return the position of the next report (to wait for reports after this moment)."""
        return len(self.states)

    def seen(self, check: StateCheck, since: int) -> bool:
        """Return whether a report from position `since` on passed `check`."""
        return any(check(state) for state in self.states[since:])

    async def async_next(self) -> None:
        """Wait for the next report."""
        waiter: asyncio.Future[None] = self.plug.hass.loop.create_future()
        self._waiters.append(waiter)
        await waiter

    async def async_wait(self, check: StateCheck, seconds: float, since: int) -> bool:
        """Wait at most `seconds` for a report from position `since` on that passes `check`."""
        try:
            async with asyncio.timeout(seconds):
                while not self.seen(check, since):
                    since = max(since, self.mark)
                    await self.async_next()
        except TimeoutError:
            return False
        return True

    async def async_wait_wake(self, seconds: float) -> bool:
        """Wait at most `seconds` for a report worth another try; return whether one came."""
        wakes = self.wakes
        try:
            async with asyncio.timeout(seconds):
                while self.wakes == wakes:
                    await self.async_next()
        except TimeoutError:
            return False
        return True

    async def async_confirm_on(
        self,
        since: int,
        confirm: float = CONFIRM_SECONDS,
        settle: float = SETTLE_SECONDS,
    ) -> bool:
        """Return whether the plug reported on after `since` and still is on after `settle`."""
        if not await self.async_wait(is_on, confirm, since):
            return False
        self.on_at = dt_util.utcnow()
        if not is_on(self.plug.state):
            return False
        # Any report but "on" within the settle time is a bounce: not on.
        return not await self.async_wait(
            lambda state: not is_on(state), settle, self.mark
        ) and is_on(self.plug.state)
