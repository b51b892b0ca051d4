"""Smart plugs that behave like real ones at their worst, as Home Assistant switch entities.

The relay is the simulator's plug (a device on it goes offline when it is off). What Home
Assistant sees is the plug's report, which may come late (MQTT, Zigbee, cloud plugs), may be
followed by a fall back off (a bouncing relay, a plug's own schedule), may never come (the
plug unavailable), and a command may raise anything (not only HomeAssistantError).
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchEntity
from homeassistant.core import callback
from homeassistant.helpers.event import async_call_later

from blinksim.server import SimServer


class RealisticPlug(SwitchEntity):
    """A switch whose relay is a simulator plug and whose state is its last report."""

    _attr_should_poll = False

    def __init__(
        self, sim: SimServer, plug_id: str, entity_id: str, *, delay: float = 0.0
    ) -> None:
        """Bind to a simulator plug; `delay`: seconds between a command and its report."""
        self.sim = sim
        self.plug_id = plug_id
        self.entity_id = entity_id
        self._attr_name = entity_id.split(".")[1]
        # In the entity registry (a rename must be followed by the registry id).
        self._attr_unique_id = f"realistic-{plug_id}"
        self.delay = delay
        # Raised by the next commands, one per command, per direction (True: turn_on).
        self.errors: dict[bool, list[BaseException]] = {True: [], False: []}
        # Whether the relay switches although the command raises (a timeout after the fact).
        self.switch_despite_error = False
        self.refuse_on = False  # turn_on is accepted, the relay stays off
        self.refuse_off = False  # turn_off is accepted, the relay stays on
        self.bounces = (
            0  # the next turn-ons that fall back off a second after reporting on
        )
        self.calls: list[bool] = []
        self._reported = self.relay

    @property
    def relay(self) -> bool:
        """Return whether the relay is closed (power flows)."""
        return bool(self.sim.world.plugs[self.plug_id].on)

    @property
    def is_on(self) -> bool:
        """Return what the plug last reported."""
        return self._reported

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Close the relay (unless broken); report later; maybe fall back off."""
        await self._command(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Open the relay; report later."""
        await self._command(False)

    async def _command(self, on: bool) -> None:
        """Switch the relay as a real plug would, then report (at once or late), or raise."""
        self.calls.append(on)
        error = self.errors[on].pop(0) if self.errors[on] else None
        if error is None or self.switch_despite_error:
            if not ((on and self.refuse_on) or (not on and self.refuse_off)):
                self.sim.world.set_plug(self.plug_id, on)
            self._schedule(self.delay, self.report)
            if on and self.bounces and not self.refuse_on:
                self.bounces -= 1
                self._schedule(self.delay + 1.0, self._fall_off)
        if error is not None:
            raise error

    def _schedule(self, delay: float, action: Any) -> None:
        """Run `action` now, or `delay` seconds from now."""
        if delay:
            async_call_later(self.hass, delay, action)
        else:
            action()

    @callback
    def report(self, *_: Any) -> None:
        """Report the relay's state to Home Assistant."""
        self._reported = self.relay
        self.async_write_ha_state()

    @callback
    def _fall_off(self, *_: Any) -> None:
        """Open the relay again by itself, and report it."""
        self.sim.world.set_plug(self.plug_id, False)
        self.report()

    @callback
    def set_available(self, available: bool) -> None:
        """Drop off the network, or come back (reporting the relay as it is)."""
        self._attr_available = available
        self.report()
