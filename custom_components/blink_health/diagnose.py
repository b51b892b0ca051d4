"""The diagnose action: fresh data for one device, every check of the article, in its order."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from .const import DOMAIN
from .issues import async_open_troubleshooter
from .playbook import Finding, StepResult, diagnose
from .runtime import BlinkHealthConfigEntry


def _finding_dict(finding: Finding) -> dict[str, Any]:
    """Return a finding as JSON-serialisable response data."""
    return {
        "kind": str(finding.kind),
        "step": str(finding.step),
        "severity": str(finding.severity),
        "serial": finding.serial,
        "issue_id": finding.issue_id,
        "evidence": dict(finding.evidence),
    }


def _step_dict(result: StepResult) -> dict[str, Any]:
    """Return one troubleshooter step as JSON-serialisable response data."""
    return {
        "step": str(result.step.id),
        "number": result.step.number,
        "kind": str(result.step.kind),
        "outcome": str(result.outcome),
        "evidence": dict(result.evidence),
        "findings": [_finding_dict(finding) for finding in result.findings],
    }


async def async_diagnose(
    hass: HomeAssistant,
    entry: BlinkHealthConfigEntry,
    serial: str,
    *,
    open_troubleshooter: bool,
) -> dict[str, Any]:
    """Poll now, run every check for the device and return the steps in the article's order.

    When Blink cannot be reached the last data is used and `fresh` says so (an unreachable
    cloud is itself a finding of step 4).
    """
    coordinator = entry.runtime_data.coordinator
    fresh = await coordinator.async_request_fresh_data(serial)
    health = coordinator.data
    device = health.device(serial) if health is not None else None
    if health is None or device is None:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="device_not_on_account",
            translation_placeholders={"serial": serial},
        )
    results = diagnose(
        health,
        serial,
        coordinator.thresholds,
        coordinator.internet,
        coordinator.history(),
    )
    troubleshooter = None
    if open_troubleshooter:
        troubleshooter = async_open_troubleshooter(hass, entry, serial, device.name)
    return {
        "device": device.name,
        "serial": serial,
        "fresh": fresh,
        "steps": [_step_dict(result) for result in results],
        "findings": [
            _finding_dict(finding) for result in results for finding in result.findings
        ],
        "troubleshooter_issue_id": troubleshooter,
    }
