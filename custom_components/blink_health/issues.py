"""Playbook findings → Home Assistant repair issues: created while they hold, deleted once they clear.

Per-device issues (`camera_offline_{device}`, …) belong to the entry whose account has the
device. `{device}` is the Home Assistant device id, never the serial: diagnostics include the
domain's issues, and a serial must not reach a shared download (issue 19). The issue's data
holds the entry and device ids; the fix flow finds the serial through the device registry. Account-wide issues (`slow_internet`, `high_latency`, `cloud_unreachable`,
`app_update_required`) keep their fixed ids, so two Blink accounts share one issue: every entry
that holds the finding is recorded as an owner, the issue names all owners' accounts, and it is
deleted only when the last owner no longer holds it (or is unloaded).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN, EVENT_DEVICE_OFFLINE, EVENT_DEVICE_ONLINE, README_URL
from .devices import device_for, entry_and_serial
from .health import AccountHealth
from .playbook import MARKER_KINDS, Finding, FindingKind, Severity
from .user_text import escape_names

READD_PREFIX = "readd_"
TROUBLESHOOT_PREFIX = "troubleshoot_"
ACCOUNT_WIDE_KINDS = frozenset(
    {
        FindingKind.APP_UPDATE_REQUIRED,
        FindingKind.CLOUD_UNREACHABLE,
        FindingKind.HIGH_LATENCY,
        FindingKind.SLOW_INTERNET,
    }
)
# Findings that only mark a device (another device is the cause, or it may only be late)
# raise no issue.
DEVICE_KINDS = frozenset(FindingKind) - ACCOUNT_WIDE_KINDS - MARKER_KINDS
OFFLINE_KINDS = frozenset({FindingKind.CAMERA_OFFLINE, FindingKind.SYNC_MODULE_OFFLINE})
# What counts as gone offline for the offline/online events: a plug that is off is known
# at once, the others once their grace has passed.
WENT_OFFLINE_KINDS = OFFLINE_KINDS | {FindingKind.PLUG_OFF}
# Issues with a fix flow in repairs.py; the others only explain.
FIXABLE_KINDS = frozenset(
    {
        FindingKind.CAMERA_OFFLINE,
        FindingKind.HIGH_LATENCY,
        FindingKind.PLUG_OFF,
        FindingKind.SLOW_INTERNET,
        FindingKind.SYNC_MODULE_OFFLINE,
        FindingKind.WEAK_SYNC_LINK,
        FindingKind.WEAK_WIFI,
    }
)
# README sections the issues link to (headings "Repairs: …" in README.md).
LEARN_MORE: dict[FindingKind, str] = {
    FindingKind.APP_UPDATE_REQUIRED: "repairs-app-update-required",
    FindingKind.CAMERA_OFFLINE: "repairs-device-offline",
    FindingKind.CLOUD_UNREACHABLE: "repairs-blink-cloud-unreachable",
    FindingKind.HIGH_LATENCY: "repairs-slow-internet-or-high-latency",
    FindingKind.LOCAL_STORAGE_INACTIVE: "repairs-local-storage-inactive",
    FindingKind.LOW_BATTERY: "repairs-low-battery",
    FindingKind.PLUG_OFF: "repairs-device-offline",
    FindingKind.SLOW_INTERNET: "repairs-slow-internet-or-high-latency",
    FindingKind.SYNC_MODULE_OFFLINE: "repairs-device-offline",
    FindingKind.WEAK_SYNC_LINK: "repairs-weak-wi-fi-or-sync-module-link",
    FindingKind.WEAK_WIFI: "repairs-weak-wi-fi-or-sync-module-link",
}
READD_ANCHOR = "repairs-re-add-a-camera"
TROUBLESHOOT_ANCHOR = "repairs-two-way-audio-troubleshooter"
_SEVERITY = {
    Severity.PROBLEM: ir.IssueSeverity.ERROR,
    Severity.WARNING: ir.IssueSeverity.WARNING,
}


@dataclass(slots=True)
class _EntryState:
    """What one entry remembers between polls: the devices it has reported offline."""

    offline: set[str] | None = None  # None until the first poll has been seen


@dataclass(slots=True)
class _IssueState:
    """Issue bookkeeping shared by every entry of the domain."""

    # Account-wide issue id → owning entry id → the finding that entry holds.
    owners: dict[str, dict[str, Finding]] = field(default_factory=dict)
    entries: dict[str, _EntryState] = field(default_factory=dict)


DATA_ISSUES: HassKey[_IssueState] = HassKey(f"{DOMAIN}_issues")


def _state(hass: HomeAssistant) -> _IssueState:
    """Return the domain's issue bookkeeping, created on first use."""
    return hass.data.setdefault(DATA_ISSUES, _IssueState())


def learn_more_url(anchor: str) -> str:
    """Return the README section an issue links to."""
    return f"{README_URL}#{anchor}"


def managed_kind(issue_id: str) -> FindingKind | None:
    """Return the finding kind behind an issue id this module manages, else None."""
    for kind in FindingKind:
        if issue_id == kind or (
            kind in DEVICE_KINDS and issue_id.startswith(f"{kind}_")
        ):
            return kind
    return None


def device_key(hass: HomeAssistant, entry: ConfigEntry[Any], serial: str) -> str | None:
    """Return the key that stands for a device in issue ids: its Home Assistant device id.

    None while the serial has no device (devices are synced before issues, so only a device
    that is not registered at all): no issue is better than one that names the serial.
    """
    device = device_for(hass, entry, serial)
    return device.id if device is not None else None


def issue_id_for(
    hass: HomeAssistant, entry: ConfigEntry[Any], finding: Finding
) -> str | None:
    """Return the repair issue id of a finding: `{kind}_{device id}`, or the account-wide kind."""
    if finding.serial is None:
        return str(finding.kind)
    key = device_key(hass, entry, finding.serial)
    return f"{finding.kind}_{key}" if key is not None else None


def issue_serial(
    hass: HomeAssistant, data: dict[str, str | int | float | None]
) -> str | None:
    """Return the serial of the device an issue's data names (by its device id), if any."""
    device_id = data.get("device_id")
    if not device_id:
        return None
    device = dr.async_get(hass).async_get(str(device_id))
    found = entry_and_serial(hass, device) if device is not None else None
    if found is None or found[0].entry_id != data.get("entry_id"):
        return None
    return found[1]


@callback
def async_sync_issues(
    hass: HomeAssistant,
    entry: ConfigEntry[Any],
    health: AccountHealth | None,
    findings: Iterable[Finding],
) -> None:
    """Create the issues whose findings hold for this entry and delete those that cleared."""
    state = _state(hass)
    wanted = {finding.issue_id: finding for finding in findings}
    raised: set[str] = set()
    # Per-device issues: this entry's own, found in the registry (so a restart leaves no orphans,
    # nor issues whose ids still held a serial, from before issue 19).
    # A device offline because its smart plug is off has the plug's (the playbook's PLUG_OFF).
    for finding in wanted.values():
        if finding.kind in DEVICE_KINDS and (
            issue_id := issue_id_for(hass, entry, finding)
        ):
            _create(hass, entry, finding, issue_id, {})
            raised.add(issue_id)
    for issue_id in _entry_issue_ids(hass, entry):
        if managed_kind(issue_id) in DEVICE_KINDS and issue_id not in raised:
            ir.async_delete_issue(hass, DOMAIN, issue_id)
    # Account-wide issues: shared by the entries that hold them.
    for kind in sorted(ACCOUNT_WIDE_KINDS):
        owners = state.owners.setdefault(str(kind), {})
        if (held := wanted.get(str(kind))) is not None:
            owners[entry.entry_id] = held
        else:
            owners.pop(entry.entry_id, None)
        _publish_account_issue(hass, str(kind))
    _fire_transition_events(hass, entry, health, wanted, state)


def _entry_issue_ids(hass: HomeAssistant, entry: ConfigEntry[Any]) -> list[str]:
    """Return the ids of the domain's issues that belong to this entry."""
    return [
        issue_id
        for (domain, issue_id), issue in ir.async_get(hass).issues.items()
        if domain == DOMAIN
        and issue.data is not None
        and issue.data.get("entry_id") == entry.entry_id
    ]


def _create(
    hass: HomeAssistant,
    entry: ConfigEntry[Any],
    finding: Finding,
    issue_id: str,
    extra: dict[str, str],
) -> None:
    """Create (or update) the issue of one finding."""
    device_id = (
        device_key(hass, entry, finding.serial) if finding.serial is not None else None
    )
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        data={"entry_id": entry.entry_id, "device_id": device_id},
        is_fixable=finding.kind in FIXABLE_KINDS,
        learn_more_url=learn_more_url(LEARN_MORE[finding.kind]),
        severity=_SEVERITY[finding.severity],
        translation_key=str(finding.kind),
        # Names are user text: escaped, so none becomes markup in the repair's text.
        translation_placeholders=escape_names(
            {"account": entry.title, **finding.evidence, **extra}
        ),
    )


@callback
def _publish_account_issue(hass: HomeAssistant, issue_id: str) -> None:
    """Create an account-wide issue for its owners (naming every account), or delete it."""
    owners = _state(hass).owners.get(issue_id, {})
    # By title, so the text naming every account reads the same whichever entry loaded first.
    entries = sorted(
        (
            entry
            for entry_id in owners
            if (entry := hass.config_entries.async_get_entry(entry_id)) is not None
        ),
        key=lambda entry: (entry.title, entry.entry_id),
    )
    if not entries:
        ir.async_delete_issue(hass, DOMAIN, issue_id)
        return
    first = entries[0]
    _create(
        hass,
        first,
        owners[first.entry_id],
        issue_id,
        {"account": ", ".join(entry.title for entry in entries)},
    )


def _fire_transition_events(
    hass: HomeAssistant,
    entry: ConfigEntry[Any],
    health: AccountHealth | None,
    wanted: dict[str, Finding],
    state: _IssueState,
) -> None:
    """Fire offline/online events when a device's offline finding appears or clears."""
    if health is None:
        return  # no data yet: nothing to compare
    entry_state = state.entries.setdefault(entry.entry_id, _EntryState())
    offline = {
        finding.serial
        for finding in wanted.values()
        if finding.kind in WENT_OFFLINE_KINDS and finding.serial is not None
    }
    previous, entry_state.offline = entry_state.offline, offline
    if previous is None:
        return  # the first poll: what is offline now is no transition
    for serial, event in (
        *((serial, EVENT_DEVICE_OFFLINE) for serial in sorted(offline - previous)),
        *((serial, EVENT_DEVICE_ONLINE) for serial in sorted(previous - offline)),
    ):
        device = health.device(serial)
        if device is None or (event == EVENT_DEVICE_ONLINE and device.online is False):
            # Gone from the account or newly excluded: not back online, just unwatched.
            continue
        entry_device = device_for(hass, entry, serial)
        hass.bus.async_fire(
            event,
            {
                "device_id": entry_device.id if entry_device else None,
                "entry_id": entry.entry_id,
                # The Home Assistant name (the user's, if renamed); never the serial.
                "name": (entry_device.name_by_user or entry_device.name or device.name)
                if entry_device
                else device.name,
            },
        )


def guide_issue_id(
    hass: HomeAssistant,
    entry: ConfigEntry[Any],
    serial: str,
    prefix: str,
    device_id: str | None = None,
) -> str:
    """Return the id of a guide's issue: `{prefix}{device id}`.

    `device_id` is the one the guide began with (a re-add keeps it while the camera's device
    is gone); else the device's now. Should it have none, the entry id stands in, never the
    serial.
    """
    return f"{prefix}{device_id or device_key(hass, entry, serial) or entry.entry_id}"


@callback
def _async_open_guide(
    hass: HomeAssistant,
    entry: ConfigEntry[Any],
    serial: str,
    name: str,
    *,
    key: str,
    prefix: str,
    anchor: str,
    device_id: str | None = None,
) -> str:
    """Create a guided procedure's issue for a device (its fix flow is the guide), or reuse it."""
    issue_id = guide_issue_id(hass, entry, serial, prefix, device_id)
    device_id = device_id or device_key(hass, entry, serial)
    existing = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    # Opened again: what the guide remembers (the troubleshooter's step, issue 19) stays.
    kept = (existing.data or {}) if existing is not None else {}
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        data={**kept, "entry_id": entry.entry_id, "device_id": device_id},
        is_fixable=True,
        learn_more_url=learn_more_url(anchor),
        severity=ir.IssueSeverity.WARNING,
        translation_key=key,
        translation_placeholders=escape_names({"device": name}),
    )
    return issue_id


@callback
def async_open_troubleshooter(
    hass: HomeAssistant, entry: ConfigEntry[Any], serial: str, name: str
) -> str:
    """Create the `troubleshoot_{device}` issue: the guided two-way-audio troubleshooter."""
    return _async_open_guide(
        hass,
        entry,
        serial,
        name,
        key="troubleshoot",
        prefix=TROUBLESHOOT_PREFIX,
        anchor=TROUBLESHOOT_ANCHOR,
    )


@callback
def async_open_readd_issue(
    hass: HomeAssistant,
    entry: ConfigEntry[Any],
    serial: str,
    name: str,
    device_id: str | None = None,
) -> str:
    """Create the `readd_{device}` issue: its fix flow shows the guided re-add of a camera."""
    return _async_open_guide(
        hass,
        entry,
        serial,
        name,
        key="readd",
        prefix=READD_PREFIX,
        anchor=READD_ANCHOR,
        device_id=device_id,
    )


@callback
def async_unload_issues(hass: HomeAssistant, entry: ConfigEntry[Any]) -> None:
    """Withdraw an unloaded entry's issues: nothing stale stays on show while it is not watching.

    Issues the user ignored are kept (hidden anyway), so "ignore" survives a reload; the
    first poll after loading again deletes those that no longer hold.
    """
    _release(hass, entry)
    registry = ir.async_get(hass)
    for issue_id in _entry_issue_ids(hass, entry):
        issue = registry.async_get_issue(DOMAIN, issue_id)
        ours = managed_kind(issue_id) is not None or issue_id.startswith(
            (READD_PREFIX, TROUBLESHOOT_PREFIX)
        )
        if ours and issue is not None and issue.dismissed_version is None:
            ir.async_delete_issue(hass, DOMAIN, issue_id)


@callback
def async_remove_issues(hass: HomeAssistant, entry: ConfigEntry[Any]) -> None:
    """Delete every issue of a removed entry, ignored ones included."""
    _release(hass, entry)
    for issue_id in _entry_issue_ids(hass, entry):
        ir.async_delete_issue(hass, DOMAIN, issue_id)


def _release(hass: HomeAssistant, entry: ConfigEntry[Any]) -> None:
    """Give up the entry's share of the account-wide issues and forget its transitions."""
    state = _state(hass)
    state.entries.pop(entry.entry_id, None)
    for issue_id, owners in state.owners.items():
        if owners.pop(entry.entry_id, None) is not None:
            _publish_account_issue(hass, issue_id)
