"""A device checkup: fresh data, then every troubleshooter step for one device.

The `blink_health.diagnose` action answers with it, and the troubleshooter's fix flow shows
it one step at a time; both run the same checkup.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from .const import DOMAIN
from .coordinator import BlinkHealthCoordinator
from .devices import device_name
from .figures import evidence_value
from .health import CameraHealth, SyncModuleHealth
from .issues import device_key, issue_id_for
from .playbook import Finding
from .runtime import BlinkHealthConfigEntry
from .troubleshooter import StepResult, check_steps
from .troubleshooter_issue import async_open


@dataclass(frozen=True, slots=True, kw_only=True)
class Checkup:
    """One device's troubleshooter steps on the freshest data there is."""

    device: SyncModuleHealth | CameraHealth
    fresh: bool  # False: Blink did not answer, so the steps read the last data
    steps: tuple[StepResult, ...]


async def async_check_device(
    coordinator: BlinkHealthCoordinator, serial: str
) -> Checkup | None:
    """Poll now (this device's details too) and check every step; None when it is not there.

    When Blink cannot be reached the last data is used and `fresh` says so (an unreachable
    cloud is itself a finding of step 4).
    """
    fresh = await coordinator.async_request_fresh_data(serial)
    health = coordinator.data
    device = health.device(serial) if health is not None else None
    if health is None or device is None:
        return None
    steps = check_steps(
        health,
        serial,
        coordinator.thresholds,
        coordinator.internet,
        coordinator.history(),
    )
    return Checkup(device=device, fresh=fresh, steps=steps)


async def async_diagnose_response(
    hass: HomeAssistant,
    entry: BlinkHealthConfigEntry,
    serial: str,
    *,
    open_troubleshooter: bool,
) -> dict[str, Any]:
    """Answer the diagnose action: the device's checkup as response data, steps in order."""
    checkup = await async_check_device(entry.runtime_data.coordinator, serial)
    if checkup is None:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="device_not_on_account",
            translation_placeholders={"device": device_name(hass, entry, serial)},
        )
    troubleshooter = None
    if open_troubleshooter:
        troubleshooter = await async_open(hass, entry, serial)
    # Devices by their Home Assistant name and device id, never their serial (issue 19).
    finding_dict = partial(_finding_dict, hass, entry)
    return {
        "device": device_name(hass, entry, serial),
        "device_id": device_key(hass, entry, serial),
        "fresh": checkup.fresh,
        "steps": [_step_dict(result, finding_dict) for result in checkup.steps],
        "findings": [
            finding_dict(finding)
            for result in checkup.steps
            for finding in result.findings
        ],
        "troubleshooter_issue_id": troubleshooter,
    }


def _finding_dict(
    hass: HomeAssistant, entry: BlinkHealthConfigEntry, finding: Finding
) -> dict[str, Any]:
    """Return a finding as JSON-serialisable response data."""
    serial = finding.serial
    return {
        "kind": str(finding.kind),
        "step": str(finding.step),
        "severity": str(finding.severity),
        "device": device_name(hass, entry, serial) if serial is not None else None,
        "device_id": device_key(hass, entry, serial) if serial is not None else None,
        "issue_id": issue_id_for(hass, entry, finding),
        "evidence": _typed(finding.evidence),
    }


def _step_dict(
    result: StepResult, finding_dict: Callable[[Finding], dict[str, Any]]
) -> dict[str, Any]:
    """Return one troubleshooter step as JSON-serialisable response data."""
    return {
        "step": str(result.step.id),
        "number": result.step.number,
        "kind": str(result.step.kind),
        "outcome": str(result.outcome),
        "evidence": _typed(result.evidence),
        "findings": [finding_dict(finding) for finding in result.findings],
    }


def _typed(evidence: Mapping[str, str]) -> dict[str, Any]:
    """Return evidence with numbers and booleans as such: automations compare them."""
    return {key: evidence_value(key, text) for key, text in evidence.items()}
