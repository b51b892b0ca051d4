"""blinksim: a local Blink cloud that real blinkpy talks to unchanged.

    async with SimServer(World.from_scenario("demo"), clock=ManualClock()) as sim:
        ...  # point blinkpy's session at sim.url (CloudRedirect), drive sim.set_plug(...), etc.

See blinksim/README.md for the scenario schema, the routes and the control API.
"""

from __future__ import annotations

from .clock import ManualClock
from .server import SimServer
from .world import ScenarioError, UnknownItemError, World

__all__ = ["ManualClock", "ScenarioError", "SimServer", "UnknownItemError", "World"]
