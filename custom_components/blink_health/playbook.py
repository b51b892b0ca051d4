"""Pure troubleshooting playbook: Blink's article steps as data, and the findings behind them.

The source article ("two-way audio / live view not working") orders the remedies; findings
follow that order, and so does the guided troubleshooter (troubleshooter.py; shared/design.md,
"The troubleshooting order it encodes"). No Home Assistant imports: everything here is a plain
function of its inputs.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Literal

from .figures import (
    NO_VALUE,
    format_duration,
    format_number,
    format_value,
    usable_figure,
)
from .health import (
    MAX_BARS,
    AccountHealth,
    CameraHealth,
    DeviceKind,
    FrozenMap,
    PowerSource,
    SyncModuleHealth,
)


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
    # The smart plug that feeds the device is switched off: the plug is the cause, known at
    # once (no grace period), and switching it on is the remedy (issue 19).
    PLUG_OFF = "plug_off"
    # Offline, but not for longer than its grace period yet: marks the device's health (so
    # it does not read "ok") and raises no issue, as a sleeping camera may just report late.
    OFFLINE_WAITING = "offline_waiting"
    WEAK_WIFI = "weak_wifi"
    WEAK_SYNC_LINK = "weak_sync_link"
    SLOW_INTERNET = "slow_internet"
    HIGH_LATENCY = "high_latency"
    CLOUD_UNREACHABLE = "cloud_unreachable"
    LOW_BATTERY = "low_battery"
    APP_UPDATE_REQUIRED = "app_update_required"
    LOCAL_STORAGE_INACTIVE = "local_storage_inactive"
    # Not a problem of the camera's own: the Sync Module it reports through is offline. It
    # marks the camera's health and raises no issue (the Sync Module's names it).
    BEHIND_OFFLINE_SYNC_MODULE = "behind_offline_sync_module"


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
            FindingKind.BEHIND_OFFLINE_SYNC_MODULE,
            FindingKind.PLUG_OFF,
            FindingKind.OFFLINE_WAITING,
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
# Findings that say another device is the cause: they mark a device, raise no issue.
DEPENDENT_KINDS = frozenset({FindingKind.BEHIND_OFFLINE_SYNC_MODULE})
# Findings that mark a device's health and raise no issue of their own.
MARKER_KINDS = DEPENDENT_KINDS | {FindingKind.OFFLINE_WAITING}
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
        """Return the finding's key in one account: `{kind}_{serial}` for a device, else the kind.

        Not the repair issue's id, which names the device by its Home Assistant device id
        (issues.issue_id_for): this key never leaves the integration.
        """
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


type _Device = SyncModuleHealth | CameraHealth


def evaluate(
    health: AccountHealth | None,
    thresholds: Thresholds,
    internet: InternetFigures,
    history: History,
    *,
    excluded: Collection[str] = (),
    plugs_off: Mapping[str, str] | None = None,
) -> tuple[Finding, ...]:
    """Run every check and return the findings in the article's order.

    Sorted by step, then severity (problems first), then device name and serial. Excluded
    serials get no findings. `health` may be None when the cloud could not be reached.
    `plugs_off` maps the serial of a device whose smart plug is switched off to the plug's
    name: an offline device among them has the plug as its cause.

    Root cause first: while Blink's cloud is unreachable, only account-wide findings hold
    (the devices' data is the last poll's); a camera behind an offline Sync Module gets
    only a BEHIND_OFFLINE_SYNC_MODULE marker, and the Sync Module's finding names it. When
    the cause clears, the next evaluation judges those devices again.
    """
    # A lone string is a Collection[str] too, but `in` would then match substrings.
    skip = frozenset((excluded,) if isinstance(excluded, str) else excluded)
    now = _aware(history.now)
    findings: list[Finding] = []
    findings.extend(_internet_findings(thresholds, internet))
    findings.extend(_latency_findings(thresholds, history))
    cloud_unreachable = history.consecutive_failures >= max(
        thresholds.cloud_unreachable_polls, 1
    )
    if cloud_unreachable:
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
        if not cloud_unreachable:
            findings.extend(
                _account_device_findings(
                    health, thresholds, history, now, skip, plugs_off=plugs_off or {}
                )
            )
    return tuple(sorted(findings, key=_sort_key))


def behind_sync_module(
    health: AccountHealth, camera: CameraHealth
) -> SyncModuleHealth | None:
    """Return the Sync Module a camera reports through, if it does.

    Battery cameras (Outdoor, Indoor, XT) reach Blink over the Sync Module's radio; Minis
    and doorbells use Wi-Fi on their own.
    """
    if camera.kind is not DeviceKind.CAMERA or camera.sync_serial is None:
        return None
    return health.sync_modules.get(camera.sync_serial)


def _account_device_findings(
    health: AccountHealth,
    thresholds: Thresholds,
    history: History,
    now: datetime,
    skip: frozenset[str],
    *,
    plugs_off: Mapping[str, str],
) -> list[Finding]:
    """Check every device, each camera behind an offline Sync Module only as marked."""
    findings: list[Finding] = []
    behind: dict[str, list[str]] = {}
    for camera in health.cameras.values():
        sync = behind_sync_module(health, camera)
        if camera.serial in skip or sync is None or sync.online is not False:
            continue
        behind.setdefault(sync.serial, []).append(camera.name)
        findings.append(
            _finding(
                FindingKind.BEHIND_OFFLINE_SYNC_MODULE,
                Severity.WARNING,
                camera.serial,
                device=camera.name,
                sync_module=sync.name,
            )
        )
    for sync in health.sync_modules.values():
        if sync.serial not in skip:
            cameras = ", ".join(sorted(behind.get(sync.serial, []), key=str.casefold))
            findings.extend(
                _device_findings(
                    sync,
                    None,
                    thresholds,
                    history,
                    now,
                    plug_off=plugs_off.get(sync.serial),
                    cameras=cameras or NO_VALUE,
                )
            )
    marked = {finding.serial for finding in findings if finding.kind in DEPENDENT_KINDS}
    for camera in health.cameras.values():
        if camera.serial not in skip and camera.serial not in marked:
            sync_module = health.sync_modules.get(camera.sync_serial or "")
            findings.extend(
                _device_findings(
                    camera,
                    sync_module,
                    thresholds,
                    history,
                    now,
                    plug_off=plugs_off.get(camera.serial),
                )
            )
    return findings


type HealthState = Literal["ok", "warning", "problem", "blocked", "waiting"]
HEALTH_STATES: list[HealthState] = ["ok", "warning", "problem", "blocked", "waiting"]


def device_status(findings: Iterable[Finding], serial: str) -> HealthState:
    """Return a device's overall health from its own findings: ok, warning or problem.

    Blocked: another device is the cause (the Sync Module it reports through is offline).
    Waiting: offline, within its grace period (no issue yet; it may only report late).
    """
    own = [finding for finding in findings if finding.serial == serial]
    kinds = {finding.kind for finding in own}
    if kinds & DEPENDENT_KINDS:
        return "blocked"
    severities = {finding.severity for finding in own}
    if Severity.PROBLEM in severities:
        return "problem"
    if FindingKind.OFFLINE_WAITING in kinds:
        return "waiting"
    if Severity.WARNING in severities:
        return "warning"
    return "ok"


def device_reasons(findings: Iterable[Finding], serial: str) -> list[str]:
    """Return why a device's health is not ok: its findings' kinds, worst first (none: ok)."""
    own = sorted(
        (finding for finding in findings if finding.serial == serial),
        key=lambda finding: (_SEVERITY_ORDER[finding.severity], _sort_key(finding)),
    )
    # Stable for automations: kinds, each once, problems before warnings.
    return list(dict.fromkeys(str(finding.kind) for finding in own))


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
    download = usable_figure(internet.download_mbps)
    ping = usable_figure(internet.ping_ms)
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
            value=format_number(value),
            threshold=format_number(threshold),
            download=format_number(download),
            ping=format_number(ping),
            min_download=format_number(thresholds.min_download_mbps),
            max_ping=format_number(thresholds.max_ping_ms),
        )
    ]


def _latency_findings(thresholds: Thresholds, history: History) -> list[Finding]:
    """Check that the Blink cloud round-trip has stayed too slow for several polls in a row."""
    polls = max(thresholds.latency_polls, 1)
    recent = [
        usable_figure(latency) for latency in history.recent_latencies_ms[-polls:]
    ]
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
            value=format_number(recent[-1], digits=0),
            threshold=format_number(thresholds.max_cloud_latency_ms, digits=0),
            polls=str(polls),
        )
    ]


def _device_findings(
    device: _Device,
    sync_module: SyncModuleHealth | None,
    thresholds: Thresholds,
    history: History,
    now: datetime,
    *,
    plug_off: str | None = None,
    **extra: str,
) -> list[Finding]:
    """Check one device: its plug off, offline past its grace, weak signals, low battery."""
    findings: list[Finding] = []
    camera = device if isinstance(device, CameraHealth) else None
    if device.online is False:
        findings.append(
            _offline_finding(
                device, thresholds, history, now, plug_off=plug_off, **extra
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
    # Battery advice only for a camera known to take batteries.
    if (
        camera is not None
        and camera.power_source.battery_possible
        and camera.battery_ok is False
    ):
        findings.append(
            _finding(
                FindingKind.LOW_BATTERY,
                Severity.WARNING,
                camera.serial,
                device=camera.name,
                value=format_value(camera.battery_bars),
                max=str(MAX_BARS),
                # Blink itself judges "low"; there is no figure of ours to compare with.
                threshold=NO_VALUE,
                voltage=format_number(camera.battery_voltage, digits=2),
            )
        )
    return findings


def _offline_finding(
    device: _Device,
    thresholds: Thresholds,
    history: History,
    now: datetime,
    *,
    plug_off: str | None,
    **extra: str,
) -> Finding:
    """Judge an offline device: its plug is off, it is offline past its grace, or it may be late.

    The grace counts from the first poll that saw it offline (a sleeping camera reports
    late); the time shown counts from its own last report when Blink gives one, so a camera
    silent for 6 hours before Home Assistant noticed reads "6 h", not "32 min".
    """
    camera = device if isinstance(device, CameraHealth) else None
    # Any camera that may run on batteries (power unknown too) may sleep: the longer grace.
    may_sleep = camera is not None and camera.power_source is not PowerSource.MAINS
    noticed = _aware(history.offline_since.get(device.serial, now))
    since = noticed
    if device.last_heartbeat is not None and _aware(device.last_heartbeat) < since:
        since = _aware(device.last_heartbeat)
    offline_for = max(now - since, timedelta(0))
    grace = thresholds.battery_offline_grace if may_sleep else thresholds.offline_grace
    figures = {
        "device": device.name,
        "value": str(_minutes(offline_for)),
        "offline_for": format_duration(offline_for),
        "threshold": str(_minutes(grace)),
        "since": since.isoformat(),
    }
    if plug_off is not None:
        return _finding(
            FindingKind.PLUG_OFF,
            Severity.PROBLEM,
            device.serial,
            plug=plug_off,
            **figures,
        )
    if now - noticed < grace:
        # Without the minutes: they move every poll, and nothing a person sees does.
        return _finding(
            FindingKind.OFFLINE_WAITING,
            Severity.WARNING,
            device.serial,
            device=device.name,
            threshold=figures["threshold"],
            since=figures["since"],
        )
    kind = FindingKind.CAMERA_OFFLINE if camera else FindingKind.SYNC_MODULE_OFFLINE
    return _finding(kind, Severity.PROBLEM, device.serial, **figures, **extra)


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


# --- helpers ---------------------------------------------------------------------------------


def _aware(moment: datetime) -> datetime:
    """Return an aware datetime; a naive one is taken as UTC so comparisons never fail."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _minutes(duration: timedelta) -> int:
    """Return whole minutes of a duration."""
    return int(duration.total_seconds() // 60)
