"""Pure troubleshooting playbook: Blink's article steps as data, and the checks behind them.

The source article ("two-way audio / live view not working") orders the remedies; findings
and the guided troubleshooter follow that order (shared/design.md, "The troubleshooting order
it encodes"). No Home Assistant imports: everything here is a plain function of its inputs.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
import math
from typing import Literal

from .health import (
    MAX_BARS,
    AccountHealth,
    CameraHealth,
    FrozenMap,
    PowerSource,
    SyncModuleHealth,
)

# Placeholder for a figure the integration does not have; language-neutral on purpose,
# because evidence strings go straight into translated texts.
NO_VALUE = "–"


class StepId(StrEnum):
    """The article's steps."""

    HOLD_TALK = "hold_talk"
    MIC_PERMISSION = "mic_permission"
    RESTART = "restart"
    INTERNET = "internet"
    SIGNAL = "signal"
    READD = "readd"
    REINSTALL_APP = "reinstall_app"
    CONTACT_SUPPORT = "contact_support"


class StepKind(StrEnum):
    """Whether the integration can check a step itself or has to ask the user."""

    AUTOMATIC = "automatic"
    MANUAL = "manual"


class Severity(StrEnum):
    """How bad a finding is."""

    WARNING = "warning"
    PROBLEM = "problem"


class FindingKind(StrEnum):
    """What a check found; each kind becomes a repair issue."""

    CAMERA_OFFLINE = "camera_offline"
    SYNC_MODULE_OFFLINE = "sync_module_offline"
    WEAK_WIFI = "weak_wifi"
    WEAK_SYNC_LINK = "weak_sync_link"
    SLOW_INTERNET = "slow_internet"
    HIGH_LATENCY = "high_latency"
    CLOUD_UNREACHABLE = "cloud_unreachable"
    LOW_BATTERY = "low_battery"
    APP_UPDATE_REQUIRED = "app_update_required"
    LOCAL_STORAGE_INACTIVE = "local_storage_inactive"


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    """One step of the article."""

    id: StepId
    number: int  # 1-based position in the article
    kind: StepKind
    # The integration can carry the remedy out (restart via a plug).
    automated_remedy: bool
    checks: tuple[FindingKind, ...] = ()  # the findings that point at this step


# The eight steps in the article's order (shared/design.md table).
STEPS: tuple[Step, ...] = (
    Step(id=StepId.HOLD_TALK, number=1, kind=StepKind.MANUAL, automated_remedy=False),
    Step(
        id=StepId.MIC_PERMISSION, number=2, kind=StepKind.MANUAL, automated_remedy=False
    ),
    Step(
        id=StepId.RESTART,
        number=3,
        kind=StepKind.AUTOMATIC,
        automated_remedy=True,
        # Unplugging is the remedy for an offline device; a flat battery is its power
        # problem too (a dead battery is the usual reason a battery camera drops off).
        checks=(
            FindingKind.CAMERA_OFFLINE,
            FindingKind.SYNC_MODULE_OFFLINE,
            FindingKind.LOW_BATTERY,
        ),
    ),
    Step(
        id=StepId.INTERNET,
        number=4,
        kind=StepKind.AUTOMATIC,
        automated_remedy=False,
        checks=(
            FindingKind.SLOW_INTERNET,
            FindingKind.HIGH_LATENCY,
            FindingKind.CLOUD_UNREACHABLE,
        ),
    ),
    Step(
        id=StepId.SIGNAL,
        number=5,
        kind=StepKind.AUTOMATIC,
        automated_remedy=False,
        checks=(FindingKind.WEAK_WIFI, FindingKind.WEAK_SYNC_LINK),
    ),
    # Guided and watched from the account, but a person resets and re-adds the camera.
    Step(id=StepId.READD, number=6, kind=StepKind.MANUAL, automated_remedy=False),
    Step(
        id=StepId.REINSTALL_APP,
        number=7,
        kind=StepKind.MANUAL,
        automated_remedy=False,
        # "App update required" is fixed by updating (or reinstalling) the Blink app.
        checks=(FindingKind.APP_UPDATE_REQUIRED,),
    ),
    Step(
        id=StepId.CONTACT_SUPPORT,
        number=8,
        kind=StepKind.MANUAL,
        automated_remedy=False,
        # Not in the article: a Sync Module's USB drive is the app's (or support's) business,
        # and this step's check reads no findings, so the troubleshooter is not misled.
        checks=(FindingKind.LOCAL_STORAGE_INACTIVE,),
    ),
)
STEPS_BY_ID: Mapping[StepId, Step] = FrozenMap({step.id: step for step in STEPS})
FINDING_STEP: Mapping[FindingKind, StepId] = FrozenMap(
    {kind: step.id for step in STEPS for kind in step.checks}
)
# Findings of one device and step are listed in the order the kinds are declared.
_KIND_ORDER: Mapping[FindingKind, int] = FrozenMap(
    {kind: index for index, kind in enumerate(FindingKind)}
)
_SEVERITY_ORDER: Mapping[Severity, int] = FrozenMap(
    {Severity.PROBLEM: 0, Severity.WARNING: 1}
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """Something a check found, with the figures a text needs to explain it."""

    kind: FindingKind
    step: StepId
    severity: Severity
    serial: str | None  # None for account-wide findings
    evidence: Mapping[str, str]  # translation placeholders: device, value, threshold, …

    @property
    def issue_id(self) -> str:
        """Return the repair issue id: `{kind}_{serial}` for a device, else the kind."""
        return str(self.kind) if self.serial is None else f"{self.kind}_{self.serial}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Thresholds:
    """Where a measurement becomes a finding; defaults are the article's figures."""

    weak_wifi_bars: int = 2  # weak at this many bars or fewer
    weak_sync_bars: int = 2
    min_download_mbps: float = 2.0
    max_ping_ms: float = 100.0
    max_cloud_latency_ms: float = 2000.0
    latency_polls: int = 3  # polls in a row above max_cloud_latency_ms
    offline_grace: timedelta = timedelta(minutes=10)
    # Battery cameras sleep and report late, so they get longer before counting as offline.
    battery_offline_grace: timedelta = timedelta(minutes=30)
    cloud_unreachable_polls: int = 3


@dataclass(frozen=True, slots=True, kw_only=True)
class InternetFigures:
    """The user's own internet measurements (speed test and ping sensors), if any."""

    download_mbps: float | None = None
    ping_ms: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class History:
    """What the caller remembers between polls."""

    now: datetime
    # Since when each device has been seen offline (its first offline poll).
    offline_since: Mapping[str, datetime] = field(default_factory=FrozenMap)
    # Blink cloud round-trips of the recent polls, oldest first, None for a failed poll.
    recent_latencies_ms: Sequence[float | None] = ()
    consecutive_failures: int = 0


class Outcome(StrEnum):
    """The result of one troubleshooter step."""

    PASS = "pass"
    FAIL = "fail"
    ASK = "ask"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True, slots=True, kw_only=True)
class StepResult:
    """One step of the guided troubleshooter for a device."""

    step: Step
    outcome: Outcome
    findings: tuple[Finding, ...]
    evidence: Mapping[str, str]


type _Device = SyncModuleHealth | CameraHealth


def evaluate(
    health: AccountHealth | None,
    thresholds: Thresholds,
    internet: InternetFigures,
    history: History,
    *,
    excluded: Collection[str] = (),
) -> tuple[Finding, ...]:
    """Run every check and return the findings in the article's order.

    Sorted by step, then severity (problems first), then device name and serial. Excluded
    serials get no findings. `health` may be None when the cloud could not be reached.
    """
    # A lone string is a Collection[str] too, but `in` would then match substrings.
    skip = frozenset((excluded,) if isinstance(excluded, str) else excluded)
    now = _aware(history.now)
    findings: list[Finding] = []
    findings.extend(_internet_findings(thresholds, internet))
    findings.extend(_latency_findings(thresholds, history))
    if history.consecutive_failures >= max(thresholds.cloud_unreachable_polls, 1):
        findings.append(
            _finding(
                FindingKind.CLOUD_UNREACHABLE,
                Severity.PROBLEM,
                None,
                value=str(history.consecutive_failures),
                threshold=str(max(thresholds.cloud_unreachable_polls, 1)),
            )
        )
    if health is not None:
        if health.app_update_required:
            findings.append(
                _finding(
                    FindingKind.APP_UPDATE_REQUIRED,
                    Severity.PROBLEM,
                    None,
                    message=health.app_update_message or "",
                )
            )
        for sync in health.sync_modules.values():
            if sync.serial not in skip:
                findings.extend(_device_findings(sync, None, thresholds, history, now))
        for camera in health.cameras.values():
            if camera.serial not in skip:
                sync_module = health.sync_modules.get(camera.sync_serial or "")
                findings.extend(
                    _device_findings(camera, sync_module, thresholds, history, now)
                )
    return tuple(sorted(findings, key=_sort_key))


def device_status(
    findings: Iterable[Finding], serial: str
) -> Literal["ok", "warning", "problem"]:
    """Return a device's overall health from its own findings: ok, warning or problem."""
    severities = {finding.severity for finding in findings if finding.serial == serial}
    if Severity.PROBLEM in severities:
        return "problem"
    if Severity.WARNING in severities:
        return "warning"
    return "ok"


LOCAL_STORAGE_ACTIVE = "active"
LOCAL_STORAGE_INACTIVE = "inactive"
LOCAL_STORAGE_OFF = "off"
LOCAL_STORAGE_NOT_SUPPORTED = "not_supported"
LOCAL_STORAGE_STATES = [
    LOCAL_STORAGE_ACTIVE,
    LOCAL_STORAGE_INACTIVE,
    LOCAL_STORAGE_OFF,
    LOCAL_STORAGE_NOT_SUPPORTED,
]


def local_storage_state(sync: SyncModuleHealth) -> str | None:
    """Return a Sync Module's local storage: active, inactive, off or not_supported.

    Blink says "active" when the USB drive records (blinkpy reads only that word), even with
    `local_storage_enabled` false (a captured SM2 does); enabled and any other status is
    inactive. None: unknown, or an offline Sync Module's stale last report.
    """
    if sync.local_storage_compatible is False:
        return LOCAL_STORAGE_NOT_SUPPORTED
    if sync.online is False or sync.local_storage_status is None:
        return None
    if sync.local_storage_status == LOCAL_STORAGE_ACTIVE:
        return LOCAL_STORAGE_ACTIVE
    return LOCAL_STORAGE_INACTIVE if sync.local_storage_enabled else LOCAL_STORAGE_OFF


def diagnose(
    health: AccountHealth,
    serial: str,
    thresholds: Thresholds,
    internet: InternetFigures,
    history: History,
) -> tuple[StepResult, ...]:
    """Run the guided two-way-audio troubleshooter for one device: every step, in order.

    It reports the state right now: an offline device fails the restart step without waiting
    out the grace period, and the latest cloud latency counts without waiting for a streak.
    Raises KeyError for a serial the account does not have.
    """
    device = health.device(serial)
    if device is None:
        raise KeyError(serial)
    now_thresholds = replace(
        thresholds,
        offline_grace=timedelta(0),
        battery_offline_grace=timedelta(0),
        latency_polls=1 if health.latency_ms is not None else thresholds.latency_polls,
    )
    if health.latency_ms is not None:
        history = replace(history, recent_latencies_ms=(health.latency_ms,))
    sync_module = _sync_module_of(health, device)
    # The camera's own findings, its Sync Module's (a weak or offline Sync Module breaks the
    # camera's link) and the account-wide ones.
    related = {serial} | ({sync_module.serial} if sync_module is not None else set())
    findings = tuple(
        finding
        for finding in evaluate(health, now_thresholds, internet, history)
        if finding.serial is None or finding.serial in related
    )

    results: list[StepResult] = []
    for step in STEPS:
        step_findings = tuple(
            finding for finding in findings if finding.step is step.id
        )
        outcome, evidence = _STEP_CHECKS[step.id](
            _Context(
                device=device,
                sync_module=sync_module,
                thresholds=thresholds,
                internet=internet,
                latency_ms=_latest_latency(health, history),
                findings=step_findings,
                previous=tuple(results),
            )
        )
        evidence = {"device": device.name, **evidence}
        results.append(
            StepResult(
                step=step,
                outcome=outcome,
                findings=step_findings,
                evidence=FrozenMap(evidence),
            )
        )
    return tuple(results)


# --- checks behind evaluate() ---------------------------------------------------------------


def _finding(
    kind: FindingKind, severity: Severity, serial: str | None, **evidence: str
) -> Finding:
    """Build a finding filed under the step that owns its kind."""
    return Finding(
        kind=kind,
        step=FINDING_STEP[kind],
        severity=severity,
        serial=serial,
        evidence=FrozenMap(evidence),
    )


def _internet_findings(
    thresholds: Thresholds, internet: InternetFigures
) -> list[Finding]:
    """Check the user's speed and ping figures against the article's minimums."""
    download = _figure(internet.download_mbps)
    ping = _figure(internet.ping_ms)
    slow_download = download is not None and download < thresholds.min_download_mbps
    slow_ping = ping is not None and ping > thresholds.max_ping_ms
    if not (slow_download or slow_ping):
        return []
    # value/threshold name the failing figure; with both failing, download speaks first.
    if slow_download:
        metric, value, threshold = "download", download, thresholds.min_download_mbps
    else:
        metric, value, threshold = "ping", ping, thresholds.max_ping_ms
    return [
        _finding(
            FindingKind.SLOW_INTERNET,
            Severity.WARNING,
            None,
            metric=metric,
            value=_number(value),
            threshold=_number(threshold),
            download=_number(download),
            ping=_number(ping),
            min_download=_number(thresholds.min_download_mbps),
            max_ping=_number(thresholds.max_ping_ms),
        )
    ]


def _latency_findings(thresholds: Thresholds, history: History) -> list[Finding]:
    """Check that the Blink cloud round-trip has stayed too slow for several polls in a row."""
    polls = max(thresholds.latency_polls, 1)
    recent = [_figure(latency) for latency in history.recent_latencies_ms[-polls:]]
    if len(recent) < polls or not all(
        latency is not None and latency > thresholds.max_cloud_latency_ms
        for latency in recent
    ):
        return []
    return [
        _finding(
            FindingKind.HIGH_LATENCY,
            Severity.WARNING,
            None,
            value=_number(recent[-1], digits=0),
            threshold=_number(thresholds.max_cloud_latency_ms, digits=0),
            polls=str(polls),
        )
    ]


def _device_findings(
    device: _Device,
    sync_module: SyncModuleHealth | None,
    thresholds: Thresholds,
    history: History,
    now: datetime,
) -> list[Finding]:
    """Check one device: offline past its grace, weak signals, low battery."""
    findings: list[Finding] = []
    camera = device if isinstance(device, CameraHealth) else None
    battery_powered = (
        camera is not None and camera.power_source is not PowerSource.MAINS
    )
    if device.online is False:
        since = _aware(history.offline_since.get(device.serial, now))
        offline_for = max(now - since, timedelta(0))
        grace = (
            thresholds.battery_offline_grace
            if battery_powered
            else thresholds.offline_grace
        )
        if offline_for >= grace:
            findings.append(
                _finding(
                    FindingKind.CAMERA_OFFLINE
                    if camera
                    else FindingKind.SYNC_MODULE_OFFLINE,
                    Severity.PROBLEM,
                    device.serial,
                    device=device.name,
                    value=str(_minutes(offline_for)),
                    threshold=str(_minutes(grace)),
                    since=since.isoformat(),
                )
            )
    else:
        # An offline device's bars are its last report before it went quiet: stale.
        findings.extend(_signal_findings(device, sync_module, thresholds))
    if (
        isinstance(device, SyncModuleHealth)
        and local_storage_state(device) == LOCAL_STORAGE_INACTIVE
    ):
        findings.append(
            _finding(
                FindingKind.LOCAL_STORAGE_INACTIVE,
                Severity.WARNING,
                device.serial,
                device=device.name,
                status=device.local_storage_status or NO_VALUE,
            )
        )
    if camera is not None and battery_powered and camera.battery_ok is False:
        findings.append(
            _finding(
                FindingKind.LOW_BATTERY,
                Severity.WARNING,
                camera.serial,
                device=camera.name,
                value=_bars_or_none(camera.battery_bars),
                max=str(MAX_BARS),
                # Blink itself judges "low"; there is no figure of ours to compare with.
                threshold=NO_VALUE,
                voltage=_number(camera.battery_voltage, digits=2),
            )
        )
    return findings


def _signal_findings(
    device: _Device, sync_module: SyncModuleHealth | None, thresholds: Thresholds
) -> list[Finding]:
    """Check Wi-Fi bars, and a camera's Sync Module link (LFR) bars."""
    findings: list[Finding] = []
    if device.wifi_bars is not None and device.wifi_bars <= thresholds.weak_wifi_bars:
        findings.append(
            _weak(FindingKind.WEAK_WIFI, device, device.wifi_bars, thresholds)
        )
    if (
        isinstance(device, CameraHealth)
        and device.has_sync_link
        # With its Sync Module offline, a camera's link bars say nothing new.
        and (sync_module is None or sync_module.online is not False)
        and device.sync_bars is not None
        and device.sync_bars <= thresholds.weak_sync_bars
    ):
        findings.append(
            _weak(FindingKind.WEAK_SYNC_LINK, device, device.sync_bars, thresholds)
        )
    return findings


def _weak(
    kind: FindingKind, device: _Device, bars: int, thresholds: Thresholds
) -> Finding:
    """Build a weak-signal finding: "Wi-Fi 1/5 bars; weak at 2 or below"."""
    wifi = kind is FindingKind.WEAK_WIFI
    return _finding(
        kind,
        Severity.WARNING,
        device.serial,
        device=device.name,
        link="wifi" if wifi else "sync",
        value=str(bars),
        max=str(MAX_BARS),
        threshold=str(thresholds.weak_wifi_bars if wifi else thresholds.weak_sync_bars),
    )


def _sort_key(finding: Finding) -> tuple[int, int, str, str, int]:
    """Order findings by step, severity, device name, serial, then kind."""
    return (
        STEPS_BY_ID[finding.step].number,
        _SEVERITY_ORDER[finding.severity],
        finding.evidence.get("device", "").casefold(),
        finding.serial or "",
        _KIND_ORDER[finding.kind],
    )


# --- the troubleshooter's steps -------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class _Context:
    """What one troubleshooter step looks at."""

    device: _Device
    sync_module: SyncModuleHealth | None
    thresholds: Thresholds
    internet: InternetFigures
    latency_ms: float | None
    findings: tuple[Finding, ...]  # this step's findings for the device
    previous: tuple[StepResult, ...]  # the steps before this one


type _Check = tuple[Outcome, dict[str, str]]


def _check_talk(context: _Context) -> _Check:
    """Ask about steps 1–2 (hold TALK, microphone permission), unless the model has no talk."""
    device = context.device
    if not isinstance(device, CameraHealth):
        return Outcome.NOT_APPLICABLE, {"reason": "not_a_camera"}
    if device.supports_talk is False:
        return Outcome.NOT_APPLICABLE, {
            "reason": "no_two_way_talk",
            "model": device.product.model,
        }
    # Unknown models get the question: better one question too many than a skipped fix.
    return Outcome.ASK, {"model": device.product.model}


def _check_restart(context: _Context) -> _Check:
    """Check step 3 (unplug, wait 10 s, plug in): is the device online now."""
    device = context.device
    evidence = {
        "online": _yes_no(device.online),
        "sync_module_online": _yes_no(
            context.sync_module.online if context.sync_module is not None else None
        ),
        "status": device.status or NO_VALUE,
        "power": str(
            device.power_source
            if isinstance(device, CameraHealth)
            else PowerSource.MAINS
        ),
    }
    if context.findings:
        return Outcome.FAIL, evidence
    if device.online is None:
        return Outcome.ASK, evidence
    return Outcome.PASS, evidence


def _check_internet(context: _Context) -> _Check:
    """Check step 4 (2 Mbit/s, ping under 100 ms): the user's figures and the cloud round-trip."""
    thresholds, internet = context.thresholds, context.internet
    evidence = {
        "download": _number(_figure(internet.download_mbps)),
        "ping": _number(_figure(internet.ping_ms)),
        "latency": _number(context.latency_ms, digits=0),
        "min_download": _number(thresholds.min_download_mbps),
        "max_ping": _number(thresholds.max_ping_ms),
        "max_latency": _number(thresholds.max_cloud_latency_ms, digits=0),
    }
    if context.findings:
        return Outcome.FAIL, evidence
    if all(evidence[key] == NO_VALUE for key in ("download", "ping", "latency")):
        return Outcome.ASK, evidence
    return Outcome.PASS, evidence


def _check_signal(context: _Context) -> _Check:
    """Check step 5 (obstacles, distance): Wi-Fi and Sync Module link bars of both ends."""
    device, sync_module, thresholds = (
        context.device,
        context.sync_module,
        context.thresholds,
    )
    camera = device if isinstance(device, CameraHealth) else None
    evidence = {
        "wifi": _bars_or_none(device.wifi_bars),
        "sync": _bars_or_none(
            camera.sync_bars if camera and camera.has_sync_link else None
        ),
        "sync_module_wifi": _bars_or_none(
            sync_module.wifi_bars if sync_module else None
        ),
        "max": str(MAX_BARS),
        "weak_wifi": str(thresholds.weak_wifi_bars),
        "weak_sync": str(thresholds.weak_sync_bars),
    }
    if context.findings:
        evidence["links"] = ",".join(
            sorted({finding.evidence.get("link", "") for finding in context.findings})
        )
        return Outcome.FAIL, evidence
    measured = any(
        evidence[key] != NO_VALUE for key in ("wifi", "sync", "sync_module_wifi")
    )
    # Offline, or nothing measured: the user has to look at the placement themselves.
    if device.online is False or not measured:
        return Outcome.ASK, evidence
    return Outcome.PASS, evidence


def _check_readd(context: _Context) -> _Check:
    """Ask about step 6 (remove and re-add the camera): a guided step for cameras only."""
    if not isinstance(context.device, CameraHealth):
        return Outcome.NOT_APPLICABLE, {"reason": "not_a_camera"}
    return Outcome.ASK, {}


def _check_reinstall(context: _Context) -> _Check:
    """Ask about step 7 (reinstall the app), saying so when Blink requires an app update."""
    return Outcome.ASK, {"app_update_required": _yes_no(bool(context.findings))}


def _check_support(context: _Context) -> _Check:
    """Ask about step 8 (contact support), naming the steps that failed for the support case."""
    failed = [
        str(result.step.number)
        for result in context.previous
        if result.outcome is Outcome.FAIL
    ]
    return Outcome.ASK, {"failed_steps": ", ".join(failed) or NO_VALUE}


_STEP_CHECKS = FrozenMap(
    {
        StepId.HOLD_TALK: _check_talk,
        StepId.MIC_PERMISSION: _check_talk,
        StepId.RESTART: _check_restart,
        StepId.INTERNET: _check_internet,
        StepId.SIGNAL: _check_signal,
        StepId.READD: _check_readd,
        StepId.REINSTALL_APP: _check_reinstall,
        StepId.CONTACT_SUPPORT: _check_support,
    }
)


# --- helpers ---------------------------------------------------------------------------------


def _sync_module_of(health: AccountHealth, device: _Device) -> SyncModuleHealth | None:
    """Return the Sync Module a camera talks through, if it has one."""
    if isinstance(device, CameraHealth) and device.sync_serial is not None:
        return health.sync_modules.get(device.sync_serial)
    return None


def _latest_latency(health: AccountHealth, history: History) -> float | None:
    """Return the latest known Blink cloud round-trip."""
    if health.latency_ms is not None:
        return _figure(health.latency_ms)
    return next(
        (
            value
            for value in map(_figure, reversed(history.recent_latencies_ms))
            if value is not None
        ),
        None,
    )


def _aware(moment: datetime) -> datetime:
    """Return an aware datetime; a naive one is taken as UTC so comparisons never fail."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _figure(value: float | None) -> float | None:
    """Return a usable measurement: finite and not negative, else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) and number >= 0 else None


def _minutes(duration: timedelta) -> int:
    """Return whole minutes of a duration."""
    return int(duration.total_seconds() // 60)


def _number(value: float | None, *, digits: int = 1) -> str:
    """Format a figure for a text: 2 → "2", 1.25 → "1.2", unknown → NO_VALUE."""
    if value is None or not math.isfinite(value):
        return NO_VALUE
    rounded = round(value, digits)
    return str(int(rounded)) if float(rounded).is_integer() else f"{rounded:.{digits}f}"


def _bars_or_none(bars: int | None) -> str:
    """Format bars, or NO_VALUE when unknown."""
    return NO_VALUE if bars is None else str(bars)


def _yes_no(value: bool | None) -> str:
    """Format a yes/no fact as a stable token for texts: "true", "false" or "unknown"."""
    return "unknown" if value is None else str(value).lower()
