"""The per-device detail bodies (camera, Mini and doorbell configs) and when each was fetched."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .health import CameraHealth


@dataclass(slots=True)
class DetailsCache:
    """Per-device detail bodies, when each was fetched (monotonic seconds) and for which id."""

    bodies: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    fetched_at: dict[str, float] = field(default_factory=dict)
    # The (camera id, network id) each serial's details were fetched for.
    fetched_for: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)

    def stale(self, serials: list[str], now: float, max_age: float) -> list[str]:
        """Return the serials whose details are missing or older than max_age, oldest first."""
        due = [
            s for s in serials if now - self.fetched_at.get(s, -float("inf")) >= max_age
        ]
        return sorted(due, key=lambda s: self.fetched_at.get(s, -float("inf")))

    def forget_missing(self, serials: frozenset[str]) -> None:
        """Drop details of devices no longer on the account."""
        for serial in set(self.bodies) - serials:
            del self.bodies[serial]
        for serial in set(self.fetched_at) - serials:
            del self.fetched_at[serial]
        for serial in set(self.fetched_for) - serials:
            del self.fetched_for[serial]

    def forget_changed(self, cameras: Mapping[str, CameraHealth]) -> None:
        """Drop details fetched under another camera id or network (a camera re-added).

        Its serial stays, but Blink gave it a new id: the old body describes a camera that no
        longer exists, so the details are due again, now under the new id.
        """
        for serial, camera in cameras.items():
            fetched_for = self.fetched_for.get(serial)
            if fetched_for is not None and fetched_for != (
                camera.id,
                camera.network_id,
            ):
                self.bodies.pop(serial, None)
                self.fetched_at.pop(serial, None)
                del self.fetched_for[serial]
