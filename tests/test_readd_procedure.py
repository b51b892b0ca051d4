"""The re-add's pure core: every transition of `advance` and the steps between polls, the stored form.

No Home Assistant here: procedure.py and codec.py are plain functions on frozen values (the end
to end behaviour through Home Assistant is test_readd.py's).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
import json
from typing import Any

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.blink_health.health import PowerSource
from custom_components.blink_health.readd.procedure import (
    ENDED,
    NextStep,
    Phase,
    Procedure,
    Reset,
    Seen,
    Snapshot,
    advance,
    end,
    reset_finished,
    reset_interrupted,
    resume,
)

START = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
LATER = START + timedelta(minutes=1)
DEADLINE = START + timedelta(hours=1)
SNAPSHOT: Snapshot = {
    "device_id": "device-1",
    "name": "Front Yard",
    "name_by_user": None,
    "area_id": None,
    "labels": [],
    "entities": [],
    "plug": None,
}

GONE = Seen(present=False)
GONE_WITH_PLUG = Seen(present=False, plug=True)
BACK_OFFLINE = Seen(present=True, camera_id=2, sync_module="Home", online=False)
BACK_ONLINE = Seen(present=True, camera_id=2, sync_module="Home", online=True)
STILL_THERE = Seen(present=True, camera_id=1, sync_module="Home", online=True)


def _procedure(**changes: Any) -> Procedure:
    """Return a wired camera's re-add just started (camera id 1 on the Home Sync Module)."""
    fresh = Procedure(
        serial="G8T20000000001",
        name="Front Yard",
        power=PowerSource.MAINS,
        started=START,
        deadline=DEADLINE,
        watched_since=START,
        snapshot=SNAPSHOT,
        camera_id=1,
        sync_module="Home",
    )
    return replace(fresh, **changes)


# ----- advance: what a poll does ---------------------------------------------------------------


def test_still_on_the_account_under_its_old_id_changes_nothing() -> None:
    """Not removed yet: the very same procedure comes back (nothing to store or tell)."""
    procedure = _procedure()
    assert advance(procedure, STILL_THERE, LATER) is procedure
    offline = replace(STILL_THERE, online=False, camera_id=None)
    assert advance(procedure, offline, LATER) is procedure


@pytest.mark.parametrize(
    ("power", "seen"),
    [
        (PowerSource.BATTERY, GONE_WITH_PLUG),  # a battery camera is never plug-reset
        (PowerSource.MAINS, GONE),  # no plug mapped
    ],
)
def test_gone_without_a_plug_reset_waits_to_be_added(
    power: PowerSource, seen: Seen
) -> None:
    """Removed in the app, and no plug can reset it: the person resets it, then adds it."""
    moved = advance(_procedure(power=power), seen, LATER)
    assert moved.phase is Phase.ADD
    assert moved.reset is Reset.MANUAL
    assert moved.removed_at == LATER
    assert moved.next_step is NextStep.ADD_IN_APP


def test_gone_with_a_plug_is_reset_through_it() -> None:
    """Removed, a plug feeds it: the reset phase (the watcher switches the plug)."""
    moved = advance(_procedure(), GONE_WITH_PLUG, LATER)
    assert moved.phase is Phase.RESET
    assert moved.reset is None
    assert moved.removed_at == LATER
    assert moved.next_step is NextStep.ADD_IN_APP


@pytest.mark.parametrize("phase", [Phase.RESET, Phase.ADD])
def test_still_gone_changes_nothing(phase: Phase) -> None:
    """Away and not back yet: the same procedure."""
    procedure = _procedure(phase=phase, removed_at=START)
    assert advance(procedure, GONE_WITH_PLUG, LATER) is procedure


def test_back_but_offline_waits_for_online() -> None:
    """Added again, not online yet: its new id and Sync Module are kept."""
    moved = advance(_procedure(phase=Phase.ADD, removed_at=START), BACK_OFFLINE, LATER)
    assert moved.phase is Phase.ONLINE
    assert moved.added_at == LATER
    assert (moved.new_camera_id, moved.new_sync_module) == (2, "Home")
    assert moved.next_step is NextStep.CHECK_POWER_AND_WIFI
    # The next poll shows the same: nothing changed.
    assert advance(moved, BACK_OFFLINE, LATER + timedelta(minutes=1)) is moved


def test_back_and_online_is_done() -> None:
    """Added again and online: done, with when it came online; nothing left to do."""
    moved = advance(_procedure(phase=Phase.ADD, removed_at=START), BACK_ONLINE, LATER)
    assert moved.phase is Phase.DONE
    assert moved.added_at == moved.online_at == moved.ended_at == LATER
    assert moved.ended_in is None
    assert moved.new_camera_id == 2
    assert not moved.running
    assert moved.next_step is None


def test_waiting_for_online_moves_to_another_sync_module() -> None:
    """Seen back, then on another Sync Module: the new place is kept, added_at is not moved."""
    waiting = _procedure(
        phase=Phase.ONLINE, added_at=START, new_camera_id=2, new_sync_module="Home"
    )
    moved = advance(waiting, replace(BACK_OFFLINE, sync_module="Garage"), LATER)
    assert moved.phase is Phase.ONLINE
    assert moved.added_at == START
    assert moved.new_sync_module == "Garage"


def test_gone_again_before_online_waits_to_be_added_again() -> None:
    """Back, then removed once more in the app before it reported online."""
    waiting = _procedure(
        phase=Phase.ONLINE, removed_at=START, added_at=START, new_camera_id=2
    )
    moved = advance(waiting, GONE_WITH_PLUG, LATER)
    assert moved.phase is Phase.ADD
    assert moved.removed_at == LATER
    assert moved.reset is None  # no second reset: it was reset before
    newer = replace(BACK_ONLINE, camera_id=3)
    done = advance(moved, newer, LATER + timedelta(minutes=1))
    assert done.phase is Phase.DONE
    assert done.new_camera_id == 3


def test_added_again_between_two_polls_under_a_new_id() -> None:
    """Removed and added within one poll: the new camera id shows it was re-added."""
    moved = advance(_procedure(), BACK_OFFLINE, LATER)
    assert moved.phase is Phase.ONLINE
    assert moved.removed_at is None  # never seen gone
    assert moved.reset is None  # nor reset
    assert moved.added_at == LATER
    done = advance(_procedure(), BACK_ONLINE, LATER)
    assert done.phase is Phase.DONE


def test_back_while_its_plug_cycles() -> None:
    """Added again while the plug still cycles: watched for online; the reset is kept after."""
    cycling = _procedure(phase=Phase.RESET, removed_at=START)
    moved = advance(cycling, BACK_OFFLINE, LATER)
    assert moved.phase is Phase.ONLINE
    reset = reset_finished(moved, Reset.PLUG, None)
    assert reset.phase is Phase.ONLINE
    assert reset.reset is Reset.PLUG


@pytest.mark.parametrize(
    ("phase", "seen", "ended_in"),
    [
        (Phase.REMOVE, STILL_THERE, Phase.REMOVE),
        (Phase.REMOVE, GONE, Phase.ADD),  # what the last poll showed counts
        (Phase.ADD, GONE, Phase.ADD),
        (Phase.ONLINE, BACK_OFFLINE, Phase.ONLINE),
    ],
)
def test_a_poll_past_the_deadline_times_out(
    phase: Phase, seen: Seen, ended_in: Phase
) -> None:
    """At or past the deadline, a re-add still running ends, saying where it stood."""
    moved = advance(_procedure(phase=phase), seen, DEADLINE)
    assert moved.phase is Phase.TIMEOUT
    assert moved.ended_in is ended_in
    assert moved.ended_at == DEADLINE
    assert moved.next_step is not None


def test_online_at_the_deadline_is_done() -> None:
    """The poll that shows it online wins over the deadline."""
    moved = advance(_procedure(phase=Phase.ADD), BACK_ONLINE, DEADLINE)
    assert moved.phase is Phase.DONE


@pytest.mark.parametrize("phase", sorted(ENDED))
def test_an_ended_re_add_never_moves(phase: Phase) -> None:
    """Done, timed out or cancelled: no poll changes it."""
    ended = _procedure(phase=phase, ended_at=START)
    for seen in (GONE, GONE_WITH_PLUG, BACK_OFFLINE, BACK_ONLINE, STILL_THERE):
        assert advance(ended, seen, DEADLINE + timedelta(hours=1)) is ended


# ----- between polls: the reset, the end, a resume ---------------------------------------------


@pytest.mark.parametrize(
    ("reset", "error"), [(Reset.PLUG, None), (Reset.MANUAL, "switch.plug is off")]
)
def test_reset_finished_goes_on_to_adding(reset: Reset, error: str | None) -> None:
    """The plug's cycle ended (or failed): the person adds the camera next."""
    moved = reset_finished(_procedure(phase=Phase.RESET), reset, error)
    assert moved.phase is Phase.ADD
    assert (moved.reset, moved.reset_error) == (reset, error)


def test_reset_finished_after_the_end_keeps_the_end() -> None:
    """Cancelled while the plug cycled: the reset is recorded, the re-add stays cancelled."""
    cancelled = end(_procedure(phase=Phase.RESET), Phase.CANCELLED, LATER)
    moved = reset_finished(cancelled, Reset.PLUG, None)
    assert moved.phase is Phase.CANCELLED
    assert moved.reset is Reset.PLUG


def test_reset_interrupted_asks_the_person() -> None:
    """Stopped while its plug cycled: whether it was reset is unknown, the person resets it."""
    moved = reset_interrupted(_procedure(phase=Phase.RESET))
    assert moved.phase is Phase.ADD
    assert moved.reset is Reset.MANUAL
    # A reset already recorded is kept; a re-add at another phase is left as it is.
    plugged = reset_interrupted(_procedure(phase=Phase.RESET, reset=Reset.PLUG))
    assert plugged.reset is Reset.PLUG
    adding = _procedure(phase=Phase.ADD)
    assert reset_interrupted(adding) is adding


@pytest.mark.parametrize(
    ("phase", "ended_in"),
    [
        (Phase.CANCELLED, Phase.REMOVE),
        (Phase.TIMEOUT, Phase.ONLINE),
        (Phase.DONE, None),
    ],
)
def test_end_keeps_where_it_stood(phase: Phase, ended_in: Phase | None) -> None:
    """A cancel or a timeout keeps the phase it interrupted; done keeps none."""
    start = Phase.ONLINE if phase is Phase.TIMEOUT else Phase.REMOVE
    ended = end(_procedure(phase=start), phase, LATER)
    assert ended.phase is phase
    assert ended.ended_in is ended_in
    assert ended.ended_at == LATER
    assert not ended.running


@pytest.mark.parametrize(
    ("ended_in", "phase", "reset"),
    [
        (Phase.REMOVE, Phase.REMOVE, None),
        (Phase.ADD, Phase.ADD, None),
        (Phase.ONLINE, Phase.ONLINE, None),
        (
            Phase.RESET,
            Phase.ADD,
            Reset.MANUAL,
        ),  # its plug's cycle ended with the timeout
        (None, Phase.REMOVE, None),
    ],
)
def test_resume_watches_again_from_where_it_stopped(
    ended_in: Phase | None, phase: Phase, reset: Reset | None
) -> None:
    """A timed-out re-add watched again: same start and snapshot, a new deadline."""
    timed_out = _procedure(phase=Phase.TIMEOUT, ended_in=ended_in, ended_at=DEADLINE)
    now = DEADLINE + timedelta(minutes=5)
    moved = resume(timed_out, now, timedelta(minutes=30))
    assert moved.phase is phase
    assert moved.reset is reset
    assert moved.ended_in is None
    assert moved.ended_at is None
    assert moved.deadline == now + timedelta(minutes=30)
    assert moved.watched_since == now
    assert (moved.started, moved.snapshot) == (START, SNAPSHOT)


@pytest.mark.parametrize(
    ("phase", "ended_in", "next_step"),
    [
        (Phase.REMOVE, None, NextStep.REMOVE_IN_APP),
        (Phase.RESET, None, NextStep.ADD_IN_APP),
        (Phase.ADD, None, NextStep.ADD_IN_APP),
        (Phase.ONLINE, None, NextStep.CHECK_POWER_AND_WIFI),
        (Phase.TIMEOUT, Phase.REMOVE, NextStep.REMOVE_IN_APP),
        (Phase.TIMEOUT, Phase.ONLINE, NextStep.CHECK_POWER_AND_WIFI),
        (Phase.TIMEOUT, None, None),
        (Phase.CANCELLED, Phase.ADD, None),
        (Phase.DONE, None, None),
    ],
)
def test_next_step(
    phase: Phase, ended_in: Phase | None, next_step: NextStep | None
) -> None:
    """What the person does next; after a timeout, what did not happen."""
    assert _procedure(phase=phase, ended_in=ended_in).next_step is next_step


# ----- the stored form -------------------------------------------------------------------------


def test_stored_form_is_json_and_reads_back() -> None:
    """Datetimes as ISO 8601, enums as their values; read back equal, through real JSON."""
    procedure = _procedure(
        phase=Phase.TIMEOUT,
        ended_in=Phase.ADD,
        removed_at=LATER,
        reset=Reset.MANUAL,
        reset_error="switch.plug is off",
        ended_at=DEADLINE,
    )
    stored = procedure.as_stored()
    assert stored["phase"] == "timeout"
    assert stored["ended_in"] == "add"
    assert stored["power"] == "mains"
    assert stored["removed_at"] == LATER.isoformat()
    assert stored["added_at"] is None
    assert stored["snapshot"] == SNAPSHOT
    raw = json.loads(json.dumps(stored))
    assert Procedure.from_stored(raw) == procedure


def test_stored_before_newer_fields_reads_with_their_defaults() -> None:
    """A record without the fields added later (watched_since, final, entities) still reads."""
    raw = _procedure().as_stored()
    for key in ("watched_since", "final", "entities"):
        del raw[key]
    procedure = Procedure.from_stored(raw)
    assert procedure.watched_since is None
    assert procedure.final is None
    assert procedure.entities == []


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"started": "not a time"}, ValueError),
        ({"phase": "sideways"}, ValueError),
        ({"deadline": None}, TypeError),
        ({"serial": None}, TypeError),
        ({"removed_at": "yesterday"}, ValueError),
    ],
)
def test_unreadable_stored_records_raise(
    change: dict[str, Any], error: type[Exception]
) -> None:
    """What the watcher skips (with a warning): an unreadable value, a missing one."""
    raw = {**_procedure().as_stored(), **change}
    with pytest.raises(error):
        Procedure.from_stored(raw)


def test_a_stored_record_without_a_required_field_raises() -> None:
    """A record with only a serial (a field without a default is missing): KeyError."""
    with pytest.raises(KeyError):
        Procedure.from_stored({"serial": "G8T29999999998"})


# ----- properties over any sequence of polls ----------------------------------------------------

_SEEN = st.builds(
    Seen,
    present=st.booleans(),
    camera_id=st.sampled_from([None, 1, 2, 3]),
    sync_module=st.sampled_from([None, "Home", "Garage"]),
    online=st.booleans(),
    plug=st.booleans(),
)
_POLLS = st.lists(
    st.tuples(_SEEN, st.integers(min_value=0, max_value=1200)), max_size=25
)
# Where a poll may move each phase (the phase itself: nothing changed).
_ALLOWED = {
    Phase.REMOVE: {Phase.REMOVE, Phase.RESET, Phase.ADD, Phase.ONLINE, Phase.DONE},
    Phase.RESET: {Phase.RESET, Phase.ONLINE, Phase.DONE},
    Phase.ADD: {Phase.ADD, Phase.ONLINE, Phase.DONE},
    Phase.ONLINE: {Phase.ONLINE, Phase.ADD, Phase.DONE},
}


@settings(max_examples=300, deadline=None)
@given(
    polls=_POLLS, power=st.sampled_from(list(PowerSource)), reset_at=st.integers(0, 25)
)
def test_no_sequence_of_polls_runs_an_ended_re_add_again(
    polls: list[tuple[Seen, int]], power: PowerSource, reset_at: int
) -> None:
    """Any polls, the plug's reset ending anywhere: only allowed moves, and nothing after an end.

    Once done or timed out, no poll changes a re-add again; a battery camera is never plug-reset.
    """
    procedure = _procedure(power=power)
    now = START
    for index, (seen, seconds) in enumerate(polls):
        if index == reset_at and procedure.phase is Phase.RESET:
            procedure = reset_finished(procedure, Reset.PLUG, None)
        now += timedelta(seconds=seconds)
        moved = advance(procedure, seen, now)
        if not procedure.running:
            assert moved is procedure
        elif now >= procedure.deadline and moved.phase is not Phase.DONE:
            assert moved.phase is Phase.TIMEOUT
        else:
            assert moved.phase in _ALLOWED[procedure.phase]
        if moved.phase is Phase.RESET:
            assert power is not PowerSource.BATTERY
        if moved.phase in (Phase.ONLINE, Phase.DONE):
            assert moved.added_at is not None
        if moved.phase is Phase.DONE and procedure.running:
            assert moved.online_at == moved.ended_at == now
            assert moved.ended_in is None
        procedure = moved
    assert Procedure.from_stored(json.loads(json.dumps(procedure.as_stored()))) == (
        procedure
    )
