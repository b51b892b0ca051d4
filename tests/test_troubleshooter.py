"""Tests of the pure guided troubleshooter: every step checked for one device, in order.

Fuzzed in test_fuzz.py (every device gets every step, its findings among them).
"""

from __future__ import annotations

import dataclasses

import pytest

from custom_components.blink_health.figures import NO_VALUE
from custom_components.blink_health.playbook import (
    STEPS,
    STEPS_BY_ID,
    InternetFigures,
    StepId,
)
from custom_components.blink_health.troubleshooter import (
    Outcome,
    StepResult,
    check_steps,
)

from .test_playbook import (
    DEFAULTS,
    FRONT_YARD,
    GARAGE,
    NO_FIGURES,
    SYNC,
    account,
    camera,
    history,
    ids,
    sample,
    sync,
)


def result(results: tuple[StepResult, ...], step: StepId) -> StepResult:
    """Return one step's result."""
    return next(item for item in results if item.step.id is step)


# --- check_steps -----------------------------------------------------------------------------


def test_check_steps_unknown_serial() -> None:
    """A serial the account does not have raises KeyError."""
    with pytest.raises(KeyError):
        check_steps(sample(), "nope", DEFAULTS, NO_FIGURES, history())


def test_check_steps_healthy_camera() -> None:
    """A healthy camera: manual steps ask, automatic ones pass, every step in order."""
    # The checkup's fresh poll is the history's last: 180.4 ms.
    results = check_steps(
        sample(),
        FRONT_YARD,
        DEFAULTS,
        InternetFigures(download_mbps=50, ping_ms=12),
        history(recent_latencies_ms=(3000.0, 180.4)),
    )
    assert [item.step for item in results] == list(STEPS)
    assert [item.outcome for item in results] == [
        Outcome.ASK,
        Outcome.ASK,
        Outcome.PASS,
        Outcome.PASS,
        Outcome.PASS,
        Outcome.ASK,
        Outcome.ASK,
        Outcome.ASK,
    ]
    assert all(item.findings == () for item in results)
    assert all(item.evidence["device"] == "Front Yard" for item in results)
    assert result(results, StepId.INTERNET).evidence == {
        "device": "Front Yard",
        "download": "50",
        "ping": "12",
        "latency": "180",
        "min_download": "2",
        "max_ping": "100",
        "max_latency": "2000",
    }
    assert result(results, StepId.SIGNAL).evidence == {
        "device": "Front Yard",
        "wifi": "4",
        "sync": "5",
        "sync_module_wifi": "4",
        "max": "5",
        "weak_wifi": "2",
        "weak_sync": "2",
    }
    assert result(results, StepId.CONTACT_SUPPORT).evidence["failed_steps"] == NO_VALUE


def test_check_steps_camera_with_several_problems() -> None:
    """An offline camera without talk: steps 1–2 not applicable, findings in article order."""
    results = check_steps(
        sample(),
        GARAGE,
        DEFAULTS,
        InternetFigures(download_mbps=1),
        history(recent_latencies_ms=(2500.0,)),
    )
    outcomes = {item.step.id: item.outcome for item in results}
    assert outcomes == {
        StepId.HOLD_TALK: Outcome.NOT_APPLICABLE,
        StepId.MIC_PERMISSION: Outcome.NOT_APPLICABLE,
        # Offline right now fails the restart step, without waiting for the grace period.
        StepId.RESTART: Outcome.FAIL,
        # One slow round-trip is enough for the troubleshooter's fresh check.
        StepId.INTERNET: Outcome.FAIL,
        # Offline: its bars are stale, so the user has to look.
        StepId.SIGNAL: Outcome.ASK,
        StepId.READD: Outcome.ASK,
        StepId.REINSTALL_APP: Outcome.ASK,
        StepId.CONTACT_SUPPORT: Outcome.ASK,
    }
    assert result(results, StepId.HOLD_TALK).evidence["reason"] == "no_two_way_talk"
    assert ids(result(results, StepId.RESTART).findings) == [
        f"camera_offline_{GARAGE}",
        f"low_battery_{GARAGE}",
    ]
    assert result(results, StepId.RESTART).evidence["online"] == "false"
    assert ids(result(results, StepId.INTERNET).findings) == [
        "slow_internet",
        "high_latency",
    ]
    assert result(results, StepId.CONTACT_SUPPORT).evidence["failed_steps"] == "3, 4"
    flat = [finding for item in results for finding in item.findings]
    assert [STEPS_BY_ID[finding.step].number for finding in flat] == [3, 3, 4, 4]


def test_check_steps_weak_links_name_both_ends() -> None:
    """The signal step includes the camera's Sync Module and names the weak links."""
    health = account(
        syncs=[sync(wifi_strength=2)], cameras=[camera(signals={"wifi": 4, "lfr": 1})]
    )
    signal = result(
        check_steps(health, "C1", DEFAULTS, NO_FIGURES, history()), StepId.SIGNAL
    )
    assert signal.outcome is Outcome.FAIL
    assert ids(signal.findings) == ["weak_sync_link_C1", "weak_wifi_S1"]
    assert signal.evidence["links"] == "sync,wifi"


def test_check_steps_unknown_model_and_status() -> None:
    """Unknown talk support still asks; unknown status asks; nothing measured asks."""
    health = account(cameras=[{"serial": "X", "type": "orca", "status": "weird"}])
    results = check_steps(health, "X", DEFAULTS, NO_FIGURES, history())
    assert [item.outcome for item in results[:5]] == [Outcome.ASK] * 5
    assert result(results, StepId.HOLD_TALK).evidence["model"] == "Blink camera (orca)"
    assert result(results, StepId.RESTART).evidence["status"] == "–"


def test_check_steps_sync_module() -> None:
    """A Sync Module has no talk and is not re-added like a camera."""
    results = check_steps(sample(), SYNC, DEFAULTS, NO_FIGURES, history())
    outcomes = [item.outcome for item in results]
    assert outcomes == [
        Outcome.NOT_APPLICABLE,
        Outcome.NOT_APPLICABLE,
        Outcome.PASS,
        Outcome.ASK,  # no figures and no latency at all
        Outcome.PASS,
        Outcome.NOT_APPLICABLE,
        Outcome.ASK,
        Outcome.ASK,
    ]
    assert result(results, StepId.RESTART).evidence["power"] == "mains"


def test_check_steps_uses_history_latency_without_a_fresh_one() -> None:
    """Without a fresh latency, the recent ones and their streak rule count."""
    results = check_steps(
        sample(),
        FRONT_YARD,
        DEFAULTS,
        NO_FIGURES,
        history(recent_latencies_ms=(2500, None, 150.0)),
    )
    internet = result(results, StepId.INTERNET)
    assert (internet.outcome, internet.evidence["latency"]) == (Outcome.PASS, "150")


def test_check_steps_app_update_on_reinstall_step() -> None:
    """The reinstall step still asks, and carries the app-update finding."""
    health = dataclasses.replace(
        account(cameras=[camera()], syncs=[sync()]), app_update_required=True
    )
    reinstall = result(
        check_steps(health, "C1", DEFAULTS, NO_FIGURES, history()), StepId.REINSTALL_APP
    )
    assert reinstall.outcome is Outcome.ASK
    assert ids(reinstall.findings) == ["app_update_required"]
    assert reinstall.evidence["app_update_required"] == "true"
