"""What one power cycle did: the power_cycle action's response and the event's data."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(slots=True, kw_only=True)
class PowerCycleOutcome:
    """What one power cycle did: the response of the power_cycle action and the event's data.

    The device by its Home Assistant name and device id, the plug by its name and entity id:
    never a serial, which would reach notifications and shared traces (issue 19).
    """

    entry_id: str
    device: str
    device_id: str | None
    plug: str
    plug_entity_id: str
    off_seconds: float
    turned_on: bool
    online_again: bool | None
    seconds_to_online: float | None
    attempts_left: int

    def as_dict(self) -> dict[str, Any]:
        """Return the outcome as JSON-serialisable action response data."""
        return asdict(self)
