"""A smart-plug switch entity for the harness: turning it switches a simulator plug."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchEntity

from .harness import SimThread


class SimPlug(SwitchEntity):
    """A switch whose state is a blinksim plug's (the power-cycle figure needs one)."""

    _attr_should_poll = False

    def __init__(self, sim: SimThread, plug_id: str, entity_id: str) -> None:
        """Bind the switch to a simulator plug."""
        self.sim = sim
        self.plug_id = plug_id
        self.entity_id = entity_id
        self._attr_name = entity_id

    @property
    def is_on(self) -> bool:
        """Return the simulator plug's state."""
        world = self.sim.server.world
        return bool(self.sim.call(lambda: world.plugs[self.plug_id].on))

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch the simulator plug on."""
        self._set(on=True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch the simulator plug off."""
        self._set(on=False)

    def _set(self, *, on: bool) -> None:
        """Switch the plug in the simulator's thread, then report the new state."""
        world = self.sim.server.world
        self.sim.call(lambda: world.set_plug(self.plug_id, on))
        self.async_write_ha_state()
