"""What a re-add saw, as the readd_camera action's response (plain JSON data)."""

from __future__ import annotations

from typing import Any

from .procedure import Procedure

# The stored fields the response shows as they are stored, before and after `next_step`.
_STATE = ("phase", "ended_in")
_MOMENTS = (
    "started",
    "deadline",
    "removed_at",
    "reset",
    "reset_error",
    "added_at",
    "online_at",
    "ended_at",
)


def report(
    procedure: Procedure, *, device_id: str | None = None, issue_id: str | None = None
) -> dict[str, Any]:
    """Return the phase, what to do next, the moments seen, the ids before and after, the health.

    The camera by its name and Home Assistant device id, never its serial (issue 19).
    """
    stored = procedure.as_stored()
    next_step = procedure.next_step
    return {
        "device": procedure.name,
        "device_id": device_id,
        "issue_id": issue_id,
        **{key: stored[key] for key in _STATE},
        "next_step": str(next_step) if next_step is not None else None,
        **{key: stored[key] for key in _MOMENTS},
        "camera_id": {"before": procedure.camera_id, "after": procedure.new_camera_id},
        "sync_module": {
            "before": procedure.sync_module,
            "after": procedure.new_sync_module,
        },
        "health": procedure.final,
        "entities": list(procedure.entities),
    }
