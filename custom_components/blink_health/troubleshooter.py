"""Pure guided troubleshooter: every step of Blink's two-way-audio article checked for one device.

Where playbook.py's findings wait out grace periods and streaks before raising an issue, the
troubleshooter reports the state right now, step by step, with the figures behind each
outcome (shared/design.md, "The troubleshooting order it encodes"). No Home Assistant imports.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from enum import StrEnum

from .figures import NO_VALUE, format_number, format_value, format_yes_no, usable_figure
from .health import (
    MAX_BARS,
    AccountHealth,
    CameraHealth,
    FrozenMap,
    PowerSource,
    SyncModuleHealth,
)
from .playbook import (
    STEPS,
    Finding,
    History,
    InternetFigures,
    Step,
    StepId,
    Thresholds,
    evaluate,
)


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


def check_steps(
    health: AccountHealth,
    serial: str,
    thresholds: Thresholds,
    internet: InternetFigures,
    history: History,
) -> tuple[StepResult, ...]:
    """Check every step of the two-way-audio troubleshooter for one device, in the article's order.

    It reports the state right now: an offline device fails the restart step without waiting
    out the grace period, and the latest cloud latency counts without waiting for a streak.
    Raises KeyError for a serial the account does not have.
    """
    device = health.device(serial)
    if device is None:
        raise KeyError(serial)
    # The poll just made (the checkup's fresh one) is the last in the history: its latency.
    fresh = history.recent_latencies_ms[-1] if history.recent_latencies_ms else None
    now_thresholds = replace(
        thresholds,
        offline_grace=timedelta(0),
        battery_offline_grace=timedelta(0),
        latency_polls=1 if fresh is not None else thresholds.latency_polls,
    )
    if fresh is not None:
        history = replace(history, recent_latencies_ms=(fresh,))
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
                latency_ms=_latest_latency(history),
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


# --- the checks behind each step ----------------------------------------------------------


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
        "online": format_yes_no(device.online),
        "sync_module_online": format_yes_no(
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
        "download": format_number(usable_figure(internet.download_mbps)),
        "ping": format_number(usable_figure(internet.ping_ms)),
        "latency": format_number(context.latency_ms, digits=0),
        "min_download": format_number(thresholds.min_download_mbps),
        "max_ping": format_number(thresholds.max_ping_ms),
        "max_latency": format_number(thresholds.max_cloud_latency_ms, digits=0),
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
        "wifi": format_value(device.wifi_bars),
        "sync": format_value(
            camera.sync_bars if camera and camera.has_sync_link else None
        ),
        "sync_module_wifi": format_value(
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
    return Outcome.ASK, {"app_update_required": format_yes_no(bool(context.findings))}


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


def _latest_latency(history: History) -> float | None:
    """Return the latest known Blink cloud round-trip."""
    return next(
        (
            value
            for value in map(usable_figure, reversed(history.recent_latencies_ms))
            if value is not None
        ),
        None,
    )
