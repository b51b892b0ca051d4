"""Tests of the pure troubleshooting playbook: the article's steps as data, and the findings."""

from __future__ import annotations

from collections.abc import Sequence
import dataclasses
from datetime import UTC, datetime, timedelta
import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.blink_health.figures import NO_VALUE
from custom_components.blink_health.health import AccountHealth, parse_account
from custom_components.blink_health.playbook import (
    FINDING_STEP,
    HEALTH_STATES,
    STEPS,
    STEPS_BY_ID,
    Finding,
    FindingKind,
    History,
    InternetFigures,
    Severity,
    StepId,
    StepKind,
    Thresholds,
    device_reasons,
    device_status,
    evaluate,
)

FIXTURES = Path(__file__).parent / "fixtures" / "health"
NOW = datetime(2025, 11, 21, 1, 0, tzinfo=UTC)
DEFAULTS = Thresholds()
NO_FIGURES = InternetFigures()

SYNC = "G8T10000000001"
FRONT_YARD = "G8T20000000001"
GARAGE = "G8T20000000002"
KITCHEN_MINI = "G8T30000000001"
HALL_MINI = "G8T30000000002"
FRONT_DOOR = "G8T40000000001"


def sample() -> AccountHealth:
    """Return the realistic account of blink_api.md §5.5."""
    return parse_account(json.loads((FIXTURES / "homescreen.json").read_text()))


def history(**kwargs: Any) -> History:
    """Return a History at NOW."""
    return History(now=NOW, **kwargs)


def account(
    *,
    cameras: Sequence[dict[str, Any]] = (),
    syncs: Sequence[dict[str, Any]] = (),
    owls: Sequence[dict[str, Any]] = (),
    doorbells: Sequence[dict[str, Any]] = (),
    **extra: Any,
) -> AccountHealth:
    """Build an account from homescreen entries."""
    return parse_account(
        {
            "sync_modules": list(syncs),
            "cameras": list(cameras),
            "owls": list(owls),
            "doorbells": list(doorbells),
            **extra,
        }
    )


def camera(serial: str = "C1", **fields: Any) -> dict[str, Any]:
    """Return a healthy battery camera entry on network 1 (with Sync Module S1)."""
    return {
        "serial": serial,
        "name": f"Cam {serial}",
        "type": "catalina",
        "network_id": 1,
        "status": "online",
        "battery": "ok",
        "signals": {"wifi": 5, "lfr": 5, "battery": 3},
        **fields,
    }


def sync(serial: str = "S1", **fields: Any) -> dict[str, Any]:
    """Return a healthy Sync Module entry on network 1."""
    return {
        "serial": serial,
        "name": f"Sync {serial}",
        "type": "sm2",
        "network_id": 1,
        "status": "online",
        "wifi_strength": 5,
        **fields,
    }


def ids(findings: tuple[Finding, ...]) -> list[str]:
    """Return the issue ids of findings, in order."""
    return [finding.issue_id for finding in findings]


# --- the steps as data ------------------------------------------------------------------------


def test_steps_follow_the_article() -> None:
    """Eight steps, numbered 1–8 in the article's order, with their kinds."""
    assert [step.id for step in STEPS] == list(StepId)
    assert [step.number for step in STEPS] == list(range(1, 9))
    automatic = {step.id for step in STEPS if step.kind is StepKind.AUTOMATIC}
    assert automatic == {StepId.RESTART, StepId.INTERNET, StepId.SIGNAL}
    assert [step.id for step in STEPS if step.automated_remedy] == [StepId.RESTART]
    assert STEPS_BY_ID[StepId.SIGNAL].number == 5


def test_every_finding_kind_has_a_step() -> None:
    """Each finding kind is filed under exactly one step."""
    assert set(FINDING_STEP) == set(FindingKind)
    assert FINDING_STEP[FindingKind.CAMERA_OFFLINE] is StepId.RESTART
    assert FINDING_STEP[FindingKind.WEAK_SYNC_LINK] is StepId.SIGNAL
    assert FINDING_STEP[FindingKind.HIGH_LATENCY] is StepId.INTERNET
    assert FINDING_STEP[FindingKind.APP_UPDATE_REQUIRED] is StepId.REINSTALL_APP


def test_issue_ids() -> None:
    """Device findings carry the serial in their issue id; account findings do not."""
    device = Finding(
        kind=FindingKind.WEAK_WIFI,
        step=StepId.SIGNAL,
        severity=Severity.WARNING,
        serial="ABC",
        evidence={},
    )
    assert device.issue_id == "weak_wifi_ABC"
    for kind in (FindingKind.SLOW_INTERNET, FindingKind.APP_UPDATE_REQUIRED):
        assert (
            dataclasses.replace(device, kind=kind, serial=None).issue_id == kind.value
        )


# --- evaluate on the realistic sample ---------------------------------------------------------


def test_sample_findings_in_article_order() -> None:
    """The sample's Garage (offline, low battery) and Hall Mini (offline) in article order."""
    past = {GARAGE: NOW - timedelta(hours=1), HALL_MINI: NOW - timedelta(hours=2)}
    findings = evaluate(
        sample(),
        DEFAULTS,
        InternetFigures(download_mbps=1.5, ping_ms=150),
        history(offline_since=past, recent_latencies_ms=(2500, 2600, 2700)),
    )
    assert ids(findings) == [
        f"camera_offline_{GARAGE}",
        f"camera_offline_{HALL_MINI}",
        f"low_battery_{GARAGE}",
        "slow_internet",
        "high_latency",
    ]
    garage = findings[0]
    assert garage.severity is Severity.PROBLEM
    assert garage.evidence == {
        "device": "Garage",
        "value": "60",
        "offline_for": "1 h",
        "threshold": "30",
        "since": "2025-11-21T00:00:00+00:00",
    }
    assert findings[1].evidence["threshold"] == "10"  # a Mini is mains powered
    assert findings[2].evidence == {
        "device": "Garage",
        "value": "1",
        "max": "5",
        "threshold": NO_VALUE,
        "voltage": NO_VALUE,
    }
    assert findings[4].evidence == {"value": "2700", "threshold": "2000", "polls": "3"}
    assert findings[3].evidence == {
        "metric": "download",
        "value": "1.5",
        "threshold": "2",
        "download": "1.5",
        "ping": "150",
        "min_download": "2",
        "max_ping": "100",
    }
    assert device_status(findings, GARAGE) == "problem"
    assert device_status(findings, FRONT_YARD) == "ok"


def test_sample_healthy_right_after_going_offline() -> None:
    """Devices just seen offline are within their grace: only marked as waiting, no issue.

    Health says what it sees (issue 19): waiting, not "ok"; the battery is a reason too.
    """
    findings = evaluate(sample(), DEFAULTS, NO_FIGURES, history())
    assert ids(findings) == [
        f"offline_waiting_{GARAGE}",
        f"low_battery_{GARAGE}",
        f"offline_waiting_{HALL_MINI}",
    ]
    assert device_status(findings, GARAGE) == "waiting"
    assert device_reasons(findings, GARAGE) == ["offline_waiting", "low_battery"]
    assert device_status(findings, HALL_MINI) == "waiting"


# --- offline ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "minutes", "found"),
    [
        (camera(status="offline"), 29, False),
        (camera(status="offline"), 30, True),
        (camera(status="offline", type="lotus"), 30, True),
        (camera(status="offline", type="lotus"), 29, False),
        (camera(status="offline", type="superior"), 9, False),
        (camera(status="offline", type="superior"), 10, True),
    ],
)
def test_offline_grace(entry: dict[str, Any], minutes: int, found: bool) -> None:
    """Battery (and either) cameras get 30 minutes, mains devices 10, before counting."""
    findings = evaluate(
        account(cameras=[entry]),
        DEFAULTS,
        NO_FIGURES,
        history(offline_since={"C1": NOW - timedelta(minutes=minutes)}),
    )
    assert (ids(findings) == ["camera_offline_C1"]) is found


def test_sync_module_offline() -> None:
    """A Sync Module offline past the grace is a problem; its bars are then ignored."""
    health = account(syncs=[sync(status="offline", wifi_strength=0)])
    since = {"S1": NOW - timedelta(minutes=10)}
    findings = evaluate(health, DEFAULTS, NO_FIGURES, history(offline_since=since))
    assert ids(findings) == ["sync_module_offline_S1"]
    assert findings[0].severity is Severity.PROBLEM
    assert findings[0].step is StepId.RESTART


def test_offline_without_a_recorded_start_waits() -> None:
    """A device first seen offline now waits out its grace; zero grace reports at once."""
    health = account(cameras=[camera(status="offline")])
    assert ids(evaluate(health, DEFAULTS, NO_FIGURES, history())) == [
        "offline_waiting_C1"
    ]
    no_grace = Thresholds(battery_offline_grace=timedelta(0))
    assert ids(evaluate(health, no_grace, NO_FIGURES, history())) == [
        "camera_offline_C1"
    ]


def test_naive_datetimes_are_utc() -> None:
    """Naive `now` and offline times are taken as UTC instead of failing to compare."""
    health = account(cameras=[camera(status="offline")])
    naive = History(
        now=NOW.replace(tzinfo=None),
        offline_since={"C1": (NOW - timedelta(hours=1)).replace(tzinfo=None)},
    )
    assert ids(evaluate(health, DEFAULTS, NO_FIGURES, naive)) == ["camera_offline_C1"]


def test_offline_start_in_the_future_counts_as_now() -> None:
    """A clock jump that puts the offline start after now does not go negative."""
    health = account(cameras=[camera(status="offline")])
    future = history(offline_since={"C1": NOW + timedelta(hours=1)})
    (finding,) = evaluate(health, DEFAULTS, NO_FIGURES, future)
    assert finding.kind is FindingKind.OFFLINE_WAITING
    assert finding.evidence["since"] == future.offline_since["C1"].isoformat()


# --- signal -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wifi", "lfr", "expected"),
    [
        (3, 3, []),
        (2, 3, ["weak_wifi_C1"]),
        (3, 2, ["weak_sync_link_C1"]),
        (0, 1, ["weak_wifi_C1", "weak_sync_link_C1"]),
        (None, None, []),
    ],
)
def test_weak_signal_at_or_below_threshold(
    wifi: int | None, lfr: int | None, expected: list[str]
) -> None:
    """Two bars or fewer is weak, for Wi-Fi and for the Sync Module link."""
    health = account(
        syncs=[sync()], cameras=[camera(signals={"wifi": wifi, "lfr": lfr})]
    )
    findings = evaluate(health, DEFAULTS, NO_FIGURES, history())
    assert ids(findings) == expected
    assert all(finding.severity is Severity.WARNING for finding in findings)


def test_weak_wifi_evidence_reads_as_text() -> None:
    """Evidence fills "Wi-Fi 1/5 bars; weak at 2 or below"."""
    health = account(syncs=[sync()], cameras=[camera(signals={"wifi": 1, "lfr": 5})])
    (finding,) = evaluate(health, DEFAULTS, NO_FIGURES, history())
    text = "Wi-Fi {value}/{max} bars; weak at {threshold} or below".format(
        **finding.evidence
    )
    assert text == "Wi-Fi 1/5 bars; weak at 2 or below"
    assert finding.evidence["device"] == "Cam C1"
    assert finding.evidence["link"] == "wifi"


def test_custom_signal_thresholds() -> None:
    """The user's thresholds decide."""
    health = account(syncs=[sync()], cameras=[camera(signals={"wifi": 3, "lfr": 1})])
    strict = Thresholds(weak_wifi_bars=3, weak_sync_bars=0)
    (finding,) = evaluate(health, strict, NO_FIGURES, history())
    assert finding.issue_id == "weak_wifi_C1"
    assert finding.evidence["threshold"] == "3"


def test_weak_sync_link_needs_a_sync_module() -> None:
    """LFR bars of devices without a Sync Module link say nothing (doorbell lfr 0)."""
    health = account(
        cameras=[camera(network_id=7, signals={"wifi": 5, "lfr": 0})],
        doorbells=[
            camera("D1", type="lotus", network_id=7, signals={"wifi": 5, "lfr": 0})
        ],
        owls=[camera("M1", type="owl", signals={"wifi": 5, "lfr": 0})],
        syncs=[sync()],
    )
    # M1 is on network 1 with S1 but is a Mini: Wi-Fi only.
    assert evaluate(health, DEFAULTS, NO_FIGURES, history()) == ()


def test_offline_time_counts_from_the_last_report() -> None:
    """Seen offline 32 minutes ago, last report 6 hours ago: "6 h 32 min", the grace from the poll."""
    last = NOW - timedelta(hours=6, minutes=32)
    health = parse_account(
        {"sync_modules": [sync()], "cameras": [camera(status="offline")]},
        {"C1": {"camera": [{"signals": {"updated_at": last.isoformat()}}]}},
    )
    (finding,) = evaluate(
        health,
        DEFAULTS,
        NO_FIGURES,
        history(offline_since={"C1": NOW - timedelta(minutes=32)}),
    )
    assert finding.kind is FindingKind.CAMERA_OFFLINE
    assert finding.evidence["offline_for"] == "6 h 32 min"
    assert finding.evidence["value"] == str(6 * 60 + 32)
    assert finding.evidence["since"] == last.isoformat()
    # Seen offline just now: the old report does not skip the grace (sleepers report late).
    (waiting,) = evaluate(health, DEFAULTS, NO_FIGURES, history())
    assert waiting.kind is FindingKind.OFFLINE_WAITING
    assert waiting.evidence["since"] == last.isoformat()


def test_a_plug_that_is_off_is_the_cause_at_once() -> None:
    """Offline with its plug off: the plug's finding, with no grace; online, nothing."""
    health = account(syncs=[sync(status="offline")], cameras=[camera()])
    findings = evaluate(
        health, DEFAULTS, NO_FIGURES, history(), plugs_off={"S1": "Garage plug"}
    )
    assert ids(findings) == ["plug_off_S1", "behind_offline_sync_module_C1"]
    plug_off = findings[0]
    assert plug_off.severity is Severity.PROBLEM
    assert plug_off.evidence["plug"] == "Garage plug"
    assert device_status(findings, "S1") == "problem"
    assert device_reasons(findings, "S1") == ["plug_off"]
    online = account(syncs=[sync()], cameras=[camera()])
    assert (
        evaluate(
            online, DEFAULTS, NO_FIGURES, history(), plugs_off={"S1": "Garage plug"}
        )
        == ()
    )


def test_weak_sync_link_ignored_while_sync_module_offline() -> None:
    """With its Sync Module offline, a camera's link bars are no separate finding.

    The camera is only marked as behind the offline Sync Module (issue 20).
    """
    health = account(
        syncs=[sync(status="offline")], cameras=[camera(signals={"wifi": 5, "lfr": 0})]
    )
    findings = evaluate(health, DEFAULTS, NO_FIGURES, history())
    assert ids(findings) == ["behind_offline_sync_module_C1", "offline_waiting_S1"]


def test_sync_module_weak_wifi() -> None:
    """A Sync Module with weak Wi-Fi gets its own finding."""
    health = account(syncs=[sync(wifi_strength=1)])
    (finding,) = evaluate(health, DEFAULTS, NO_FIGURES, history())
    assert finding.issue_id == "weak_wifi_S1"
    assert finding.evidence == {
        "device": "Sync S1",
        "link": "wifi",
        "value": "1",
        "max": "5",
        "threshold": "2",
    }


def test_offline_device_gets_no_signal_findings() -> None:
    """An offline device's bars are stale (the camera behind it is only marked, issue 20)."""
    health = account(
        syncs=[sync(status="offline", wifi_strength=0)],
        cameras=[camera(status="offline", signals={"wifi": 0, "lfr": 0})],
    )
    findings = evaluate(health, DEFAULTS, NO_FIGURES, history())
    assert ids(findings) == ["behind_offline_sync_module_C1", "offline_waiting_S1"]


def test_unknown_status_still_checks_signal() -> None:
    """A device of unknown status keeps its signal checks."""
    health = account(cameras=[camera(status="weird", signals={"wifi": 1})])
    assert ids(evaluate(health, DEFAULTS, NO_FIGURES, history())) == ["weak_wifi_C1"]


# --- internet, latency, cloud -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("figures", "metric"),
    [
        (InternetFigures(download_mbps=1.9), "download"),
        (InternetFigures(ping_ms=100.5), "ping"),
        (InternetFigures(download_mbps=0.5, ping_ms=300), "download"),
        (InternetFigures(download_mbps=2.0, ping_ms=100.0), None),
        (InternetFigures(download_mbps=50, ping_ms=10), None),
        (InternetFigures(download_mbps=float("nan"), ping_ms=float("inf")), None),
        (InternetFigures(download_mbps=-1, ping_ms=-5), None),
        (InternetFigures(download_mbps=10**400), None),
        (NO_FIGURES, None),
    ],
)
def test_slow_internet(figures: InternetFigures, metric: str | None) -> None:
    """Download below 2 Mbit/s or ping above 100 ms; missing or absurd figures say nothing."""
    findings = evaluate(None, DEFAULTS, figures, history())
    if metric is None:
        assert findings == ()
    else:
        (finding,) = findings
        assert finding.issue_id == "slow_internet"
        assert finding.step is StepId.INTERNET
        assert finding.evidence["metric"] == metric


def test_slow_ping_evidence() -> None:
    """A slow ping names itself as the value, and the unknown download as a dash."""
    (finding,) = evaluate(None, DEFAULTS, InternetFigures(ping_ms=123.456), history())
    assert finding.evidence["value"] == "123.5"
    assert finding.evidence["threshold"] == "100"
    assert finding.evidence["download"] == NO_VALUE


@pytest.mark.parametrize(
    ("latencies", "found"),
    [
        ((2001, 2500, 3000), True),
        ((100, 2001, 2500, 3000), True),
        ((2001, 2500, 100), False),
        ((2001, None, 3000), False),
        ((2500, 3000), False),
        ((2000, 2000, 2000), False),
        ((), False),
    ],
)
def test_high_latency_sustained(
    latencies: tuple[float | None, ...], found: bool
) -> None:
    """High latency only when the last three polls were all above 2 s."""
    findings = evaluate(
        None, DEFAULTS, NO_FIGURES, history(recent_latencies_ms=latencies)
    )
    assert (ids(findings) == ["high_latency"]) is found


def test_latency_polls_at_least_one() -> None:
    """A zero streak length still needs one slow poll."""
    thresholds = Thresholds(latency_polls=0)
    assert evaluate(None, thresholds, NO_FIGURES, history()) == ()
    findings = evaluate(
        None, thresholds, NO_FIGURES, history(recent_latencies_ms=(5000,))
    )
    assert ids(findings) == ["high_latency"]


@pytest.mark.parametrize(
    ("failures", "found"), [(0, False), (2, False), (3, True), (9, True)]
)
def test_cloud_unreachable(failures: int, found: bool) -> None:
    """Three failed polls in a row: the cloud is unreachable (with no health at all)."""
    findings = evaluate(
        None, DEFAULTS, NO_FIGURES, history(consecutive_failures=failures)
    )
    assert (ids(findings) == ["cloud_unreachable"]) is found
    if found:
        assert findings[0].severity is Severity.PROBLEM
        assert findings[0].evidence == {"value": str(failures), "threshold": "3"}


# --- battery, app update, exclusions, order ---------------------------------------------------


def test_low_battery_only_for_battery_devices() -> None:
    """Low battery counts for battery and either-powered devices, never for mains ones."""
    health = account(
        cameras=[camera(battery="low")],
        doorbells=[camera("D1", type="lotus", battery="low", network_id=2)],
    )
    assert ids(evaluate(health, DEFAULTS, NO_FIGURES, history())) == [
        "low_battery_C1",
        "low_battery_D1",
    ]
    # A Mini reporting a low battery (core#76996 saw that): mains powered, so no finding.
    mains = account(owls=[camera("M1", type="owl", battery="low")])
    assert mains.cameras["M1"].battery_ok is False
    assert evaluate(mains, DEFAULTS, NO_FIGURES, history()) == ()


def test_low_battery_evidence_voltage() -> None:
    """The battery finding carries the voltage when the details gave it."""
    health = parse_account(
        {"cameras": [camera(battery="low")]},
        {"C1": {"camera": [{"battery_voltage": 119}]}},
    )
    (finding,) = evaluate(health, DEFAULTS, NO_FIGURES, history())
    assert finding.evidence["voltage"] == "1.19"


def test_app_update_required() -> None:
    """Blink refusing the client until it updates is a problem filed under the reinstall step.

    parse_account never sets it from a homescreen (its app_updates flag is no refusal, see
    test_health.test_app_updates), so the state is built directly.
    """
    health = dataclasses.replace(
        account(), app_update_required=True, app_update_message="Update the app"
    )
    (finding,) = evaluate(health, DEFAULTS, NO_FIGURES, history())
    assert finding.issue_id == "app_update_required"
    assert finding.step is StepId.REINSTALL_APP
    assert finding.severity is Severity.PROBLEM
    assert finding.evidence == {"message": "Update the app"}


def test_excluded_devices_get_no_findings() -> None:
    """Excluded serials are skipped; a lone string is one serial, not a set of letters."""
    health = account(
        syncs=[sync(wifi_strength=1)],
        cameras=[camera(signals={"wifi": 1}), camera("C", signals={"wifi": 1})],
    )
    assert ids(
        evaluate(health, DEFAULTS, NO_FIGURES, history(), excluded={"S1", "C1"})
    ) == ["weak_wifi_C"]
    assert ids(evaluate(health, DEFAULTS, NO_FIGURES, history(), excluded="C1")) == [
        "weak_wifi_C",
        "weak_wifi_S1",
    ]


def test_order_step_then_severity_then_name() -> None:
    """Sorted by step, problems before warnings, then device name (case-insensitive)."""
    health = account(
        syncs=[sync(wifi_strength=1)],
        cameras=[
            camera("C2", name="beta", status="offline", battery="low"),
            camera("C3", name="Alpha", battery="low", signals={"wifi": 1, "lfr": 1}),
        ],
    )
    health = dataclasses.replace(health, app_update_required=True)
    findings = evaluate(
        health,
        DEFAULTS,
        InternetFigures(download_mbps=1),
        history(offline_since={"C2": NOW - timedelta(days=1)}),
    )
    # (Cloud unreachable would hold back every device finding: test_root_cause.py.)
    assert ids(findings) == [
        "camera_offline_C2",
        "low_battery_C3",
        "low_battery_C2",
        "slow_internet",
        "weak_wifi_C3",
        "weak_sync_link_C3",
        "weak_wifi_S1",
        "app_update_required",
    ]
    assert [STEPS_BY_ID[finding.step].number for finding in findings] == sorted(
        STEPS_BY_ID[finding.step].number for finding in findings
    )


def test_device_status_ignores_other_devices() -> None:
    """A device's status only counts its own findings."""
    findings = evaluate(None, DEFAULTS, NO_FIGURES, history(consecutive_failures=3))
    assert device_status(findings, "C1") == "ok"


# --- fuzzing ----------------------------------------------------------------------------------

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-10, max_value=10)
    | st.floats(allow_nan=True)
    | st.sampled_from(
        ["ok", "low", "online", "offline", "done", "catalina", "owl", "lotus"]
    )
)
ENTRY = st.fixed_dictionaries(
    {"serial": st.sampled_from(["A", "B", "C", "D"])},
    optional={
        "name": st.sampled_from(["x", "Y", ""]),
        "network_id": st.sampled_from([1, 2, None]),
        "type": st.sampled_from(
            ["catalina", "xt", "owl", "lotus", "sm2", "mystery", None]
        ),
        "status": SCALARS,
        "battery": SCALARS,
        "wifi_strength": SCALARS,
        "signals": st.dictionaries(
            st.sampled_from(["wifi", "lfr", "battery", "temp"]), SCALARS
        ),
    },
)
HOMESCREENS = st.fixed_dictionaries(
    {},
    optional={
        key: st.lists(ENTRY, max_size=3)
        for key in ("sync_modules", "cameras", "owls", "doorbells")
    }
    | {"app_updates": st.fixed_dictionaries({"update_required": st.booleans()})},
)
MOMENTS = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.just(UTC),
) | st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1))
FIGURES = (
    st.none() | st.floats(allow_nan=True, allow_infinity=True) | st.integers(-5, 10**6)
)
THRESHOLDS = st.builds(
    Thresholds,
    weak_wifi_bars=st.integers(-1, 6),
    weak_sync_bars=st.integers(-1, 6),
    min_download_mbps=st.floats(0, 1000),
    max_ping_ms=st.floats(0, 10000),
    max_cloud_latency_ms=st.floats(0, 10000),
    latency_polls=st.integers(-2, 6),
    offline_grace=st.timedeltas(timedelta(0), timedelta(days=2)),
    battery_offline_grace=st.timedeltas(timedelta(0), timedelta(days=2)),
    cloud_unreachable_polls=st.integers(-2, 6),
)


@settings(max_examples=200, deadline=None)
@given(
    homescreen=st.none() | HOMESCREENS,
    thresholds=THRESHOLDS,
    download=FIGURES,
    ping=FIGURES,
    now=MOMENTS,
    offline_since=st.dictionaries(st.sampled_from(["A", "B", "C", "D"]), MOMENTS),
    latencies=st.lists(st.none() | FIGURES, max_size=6),
    failures=st.integers(0, 10),
    excluded=st.frozensets(st.sampled_from(["A", "B", "C"])),
)
def test_evaluate_never_raises_and_is_deterministic(
    *,
    homescreen: dict[str, Any] | None,
    thresholds: Thresholds,
    download: Any,
    ping: Any,
    now: datetime,
    offline_since: dict[str, datetime],
    latencies: list[Any],
    failures: int,
    excluded: frozenset[str],
) -> None:
    """Any health, thresholds and history: evaluate answers, the same way twice, in order."""
    health = None if homescreen is None else parse_account(homescreen)
    internet = InternetFigures(download_mbps=download, ping_ms=ping)
    past = History(
        now=now,
        offline_since=offline_since,
        recent_latencies_ms=latencies,
        consecutive_failures=failures,
    )
    findings = evaluate(health, thresholds, internet, past, excluded=excluded)
    assert findings == evaluate(health, thresholds, internet, past, excluded=excluded)
    numbers = [STEPS_BY_ID[finding.step].number for finding in findings]
    assert numbers == sorted(numbers)
    assert len(set(ids(findings))) == len(findings)
    for finding in findings:
        assert finding.serial not in excluded
        assert all(isinstance(value, str) for value in finding.evidence.values())
    if health is not None:
        for serial in health.serials:
            status = device_status(findings, serial)
            assert status in HEALTH_STATES
            # Every health but ok says why.
            assert (status == "ok") == (device_reasons(findings, serial) == [])
