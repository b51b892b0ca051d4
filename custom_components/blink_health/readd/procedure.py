"""Pure: one camera's re-add as data, its stored form, and the state machine that moves it.

No Home Assistant here. Every phase change is a function of this module that returns a new
`Procedure`: `advance` for what a poll shows (the only place a poll moves a phase), `end`,
`reset_finished`, `reset_interrupted` and `resume` for what happens between polls.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, TypedDict

from custom_components.blink_health.health import PowerSource

from .codec import from_json, to_json

DEFAULT_TIMEOUT = timedelta(minutes=60)


class Phase(StrEnum):
    """Where a re-add stands: four phases wait for the account, three end the procedure."""

    # Waiting for the camera to leave the account (removed in the app).
    REMOVE = "remove"
    RESET = "reset"  # gone: its smart plug is switching it off and on
    ADD = "add"  # gone (and reset): waiting for it to be added again in the app
    ONLINE = "online"  # back on the account: waiting for it to report online
    DONE = "done"
    TIMEOUT = "timeout"
    CANCELLED = "cancelled"


ENDED = frozenset({Phase.CANCELLED, Phase.DONE, Phase.TIMEOUT})


class Reset(StrEnum):
    """How the camera was reset between being removed and added again."""

    PLUG = "plug"  # power-cycled through its smart plug
    # Left to the person: no plug, a battery camera, or the plug failed.
    MANUAL = "manual"


class NextStep(StrEnum):
    """What the person has to do next (on a timeout: what did not happen)."""

    ADD_IN_APP = "add_in_app"
    CHECK_POWER_AND_WIFI = "check_power_and_wifi"
    REMOVE_IN_APP = "remove_in_app"


_NEXT_STEP = {
    Phase.ADD: NextStep.ADD_IN_APP,
    Phase.ONLINE: NextStep.CHECK_POWER_AND_WIFI,
    Phase.REMOVE: NextStep.REMOVE_IN_APP,
    Phase.RESET: NextStep.ADD_IN_APP,
}


class EntitySnapshot(TypedDict):
    """One entity of the camera as Home Assistant had it, with the user's customisations."""

    unique_id: str
    domain: str
    entity_id: str
    name: str | None
    icon: str | None
    area_id: str | None
    disabled_by: str | None
    hidden_by: str | None
    labels: list[str]


class Snapshot(TypedDict):
    """The camera's Home Assistant side when the re-add started (snapshot.py takes it)."""

    device_id: str | None
    name: str | None
    name_by_user: str | None
    area_id: str | None
    labels: list[str]
    entities: list[EntitySnapshot]
    plug: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Seen:
    """What one good poll shows of the camera, and whether a smart plug could reset it."""

    present: bool  # the serial is on the account
    camera_id: int | None = None
    sync_module: str | None = None  # the name of the Sync Module it is on
    online: bool = False
    plug: bool = False  # a plug is mapped to it in the options


@dataclass(frozen=True, slots=True, kw_only=True)
class Procedure:
    """One camera's re-add: what it was at the start and what the account has shown since."""

    serial: str
    name: str  # the camera's Blink name at the start (what the person looks for in the app)
    power: PowerSource
    started: datetime
    deadline: datetime
    snapshot: Snapshot
    camera_id: int | None  # the camera id before the re-add
    sync_module: str | None  # the name of its Sync Module before the re-add
    phase: Phase = Phase.REMOVE
    ended_in: Phase | None = None  # the phase a timeout or a cancel interrupted
    removed_at: datetime | None = None
    reset: Reset | None = None
    reset_error: str | None = None
    added_at: datetime | None = None
    new_camera_id: int | None = None
    new_sync_module: str | None = None
    online_at: datetime | None = None
    ended_at: datetime | None = None
    # When it last started watching (a resume restarts it).
    watched_since: datetime | None = None
    final: dict[str, Any] | None = None  # the final health check
    entities: list[str] = field(default_factory=list)  # entity ids kept, once done

    @property
    def running(self) -> bool:
        """Return True while the procedure still watches the account."""
        return self.phase not in ENDED

    @property
    def next_step(self) -> NextStep | None:
        """Return what the person has to do now, or what did not happen before a timeout."""
        if self.phase is Phase.TIMEOUT and self.ended_in is not None:
            return _NEXT_STEP[self.ended_in]
        return _NEXT_STEP.get(self.phase)

    def as_stored(self) -> dict[str, Any]:
        """Return the procedure as JSON data (how it is stored)."""
        return to_json(self)

    @classmethod
    def from_stored(cls, raw: dict[str, Any]) -> Procedure:
        """Rebuild a stored procedure (raises KeyError, TypeError or ValueError if unreadable)."""
        return from_json(cls, raw)


# ----- the state machine ---------------------------------------------------------------------


def advance(procedure: Procedure, seen: Seen, now: datetime) -> Procedure:
    """Apply one good poll to a re-add; past its deadline, a running one times out.

    The only place a poll changes a phase. Returns the procedure itself when nothing changed.
    """
    if not procedure.running:
        return procedure
    moved = _observe(procedure, seen, now)
    if moved.running and now >= moved.deadline:
        return end(moved, Phase.TIMEOUT, now)
    return moved


def _observe(procedure: Procedure, seen: Seen, now: datetime) -> Procedure:
    """Move a running re-add on by what the poll shows of its camera."""
    if not seen.present:
        if procedure.phase is Phase.REMOVE:
            if procedure.power is PowerSource.BATTERY or not seen.plug:
                return replace(
                    procedure, phase=Phase.ADD, removed_at=now, reset=Reset.MANUAL
                )
            return replace(procedure, phase=Phase.RESET, removed_at=now)
        if procedure.phase is Phase.ONLINE:
            # Gone again before it reported online: removed once more in the app.
            return replace(procedure, phase=Phase.ADD, removed_at=now)
        return procedure
    new_id = (
        seen.camera_id is not None
        and procedure.camera_id is not None
        and seen.camera_id != procedure.camera_id
    )
    if procedure.phase is Phase.REMOVE and not new_id:
        return procedure  # still on the account under its old id
    back = procedure
    if procedure.phase is not Phase.ONLINE:
        # Back: seen gone earlier, or (added again between two polls) under a new id.
        back = replace(back, added_at=now)
    if (back.new_camera_id, back.new_sync_module) != (seen.camera_id, seen.sync_module):
        back = replace(
            back, new_camera_id=seen.camera_id, new_sync_module=seen.sync_module
        )
    if seen.online:
        return end(replace(back, online_at=now), Phase.DONE, now)
    return back if back.phase is Phase.ONLINE else replace(back, phase=Phase.ONLINE)


def end(procedure: Procedure, phase: Phase, now: datetime) -> Procedure:
    """End a re-add in `phase` (done, timed out, cancelled), keeping where it stood."""
    return replace(
        procedure,
        phase=phase,
        ended_in=None if phase is Phase.DONE else procedure.phase,
        ended_at=now,
    )


def reset_finished(procedure: Procedure, reset: Reset, error: str | None) -> Procedure:
    """Record how the plug's reset went; a re-add still at the reset goes on to adding."""
    phase = Phase.ADD if procedure.phase is Phase.RESET else procedure.phase
    return replace(procedure, phase=phase, reset=reset, reset_error=error)


def reset_interrupted(procedure: Procedure) -> Procedure:
    """Go on to adding a camera whose plug reset was cut short: the person resets it."""
    if procedure.phase is not Phase.RESET:
        return procedure
    return replace(procedure, phase=Phase.ADD, reset=procedure.reset or Reset.MANUAL)


def resume(procedure: Procedure, now: datetime, duration: timedelta) -> Procedure:
    """Watch a timed-out re-add again from where it stopped, for `duration` from now.

    The snapshot still describes Home Assistant's side as it was before the camera left.
    """
    watched = replace(
        procedure,
        phase=procedure.ended_in or Phase.REMOVE,
        ended_in=None,
        ended_at=None,
        deadline=now + duration,
        watched_since=now,
    )
    return reset_interrupted(watched)  # its plug's cycle ended with the timeout
