"""Root cause first: one issue for an offline Sync Module or an unreachable cloud, not one each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir
import pytest

from blinksim.server import SimServer
from custom_components.blink_health.const import DOMAIN
from custom_components.blink_health.health import parse_account
from custom_components.blink_health.playbook import (
    Finding,
    FindingKind,
    History,
    InternetFigures,
    Thresholds,
    device_status,
    evaluate,
)

from .conftest import async_poll
from .power_helpers import GARAGE_PLUG, GARAGE_SYNC, SimPlug, async_map_plugs
from .repairs_helpers import device_issue_id

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
HOME_SYNC = "G8T10000000001"
HOME_CAMERAS = ("G8T20000000001", "G8T20000000002", "G8T20000000003")
PORCH = "G8T20000000009"
DRIVEWAY = "G8T20000000004"
HALL_MINI = "G8T30000000001"
HOMESCREEN = "GET /api/v3/accounts/{account_id}/homescreen"

pytestmark = pytest.mark.freeze_time("2026-11-25T12:00:00+00:00")


# ----- plain functions ---------------------------------------------------------------------


def _entry(serial: str, name: str, **fields: Any) -> dict[str, Any]:
    """Return a homescreen entry on network 1."""
    return {
        "serial": serial,
        "name": name,
        "network_id": 1,
        "status": "online",
        **fields,
    }


def _account(sync_status: str, *, camera_status: str = "offline") -> Any:
    """Return an account: a Sync Module, four battery cameras, a Mini and a doorbell."""
    return parse_account(
        {
            "sync_modules": [_entry("S1", "Home", type="sm2", status=sync_status)],
            "cameras": [
                _entry(f"C{n}", name, type="catalina", status=camera_status)
                for n, name in enumerate(("Porch", "attic", "Garden", "Yard"), 1)
            ],
            "owls": [_entry("M1", "Hall Mini", type="owl")],
            "doorbells": [_entry("D1", "Door", type="lotus")],
        }
    )


def _evaluate(health: Any, **history: Any) -> tuple[Finding, ...]:
    """Evaluate with every device offline for an hour (past every grace period)."""
    since = {serial: NOW - timedelta(hours=1) for serial in health.serials}
    return evaluate(
        health,
        Thresholds(),
        InternetFigures(),
        History(now=NOW, offline_since=since, **history),
    )


def test_an_offline_sync_module_is_the_one_finding_for_its_cameras() -> None:
    """Four cameras behind it: one finding naming them; the cameras are marked, not found."""
    findings = _evaluate(_account("offline"))
    (sync_offline,) = [f for f in findings if f.kind is FindingKind.SYNC_MODULE_OFFLINE]
    assert sync_offline.serial == "S1"
    assert sync_offline.evidence["cameras"] == "attic, Garden, Porch, Yard"
    marked = {
        f.serial for f in findings if f.kind is FindingKind.BEHIND_OFFLINE_SYNC_MODULE
    }
    assert marked == {"C1", "C2", "C3", "C4"}
    assert not [f for f in findings if f.kind is FindingKind.CAMERA_OFFLINE]
    assert {device_status(findings, f"C{n}") for n in range(1, 5)} == {"blocked"}
    assert device_status(findings, "S1") == "problem"
    # The Mini and the doorbell use Wi-Fi of their own: not behind it.
    assert device_status(findings, "M1") == device_status(findings, "D1") == "ok"


def test_when_the_sync_module_is_back_its_cameras_are_judged_again() -> None:
    """Back online: cameras still offline get their own finding; online ones none."""
    findings = _evaluate(_account("online"))
    assert sorted(f.issue_id for f in findings) == [
        f"camera_offline_C{n}" for n in range(1, 5)
    ]
    assert _evaluate(_account("online", camera_status="online")) == ()


def test_an_online_sync_module_names_no_cameras() -> None:
    """A Sync Module offline with nothing behind it still has its finding."""
    health = parse_account({"sync_modules": [_entry("S1", "Home", status="offline")]})
    (finding,) = _evaluate(health)
    assert finding.evidence["cameras"] == "–"


def test_cloud_unreachable_holds_back_every_device_finding() -> None:
    """The cloud away: its finding (and account-wide ones) only, the devices' data is stale."""
    health = _account("offline")
    findings = _evaluate(health, consecutive_failures=3)
    assert [f.issue_id for f in findings] == ["cloud_unreachable"]
    # Two failures are not yet "unreachable": the devices are judged as before.
    assert len(_evaluate(health, consecutive_failures=2)) == 5


def test_excluded_cameras_are_not_marked() -> None:
    """An excluded camera gets nothing, not even the mark; the Sync Module names the others."""
    health = _account("offline")
    since = {serial: NOW - timedelta(hours=1) for serial in health.serials}
    findings = evaluate(
        health,
        Thresholds(),
        InternetFigures(),
        History(now=NOW, offline_since=since),
        excluded={"C1"},
    )
    assert "C1" not in {f.serial for f in findings}
    (sync_offline,) = [f for f in findings if f.serial == "S1"]
    assert sync_offline.evidence["cameras"] == "attic, Garden, Yard"


# ----- through Home Assistant --------------------------------------------------------------


def _ids(hass: HomeAssistant) -> set[str]:
    """Return the ids of Blink Health's repair issues."""
    return {
        issue_id for (domain, issue_id) in ir.async_get(hass).issues if domain == DOMAIN
    }


def _health(hass: HomeAssistant, serial: str) -> str:
    """Return a device's Health sensor state (found by unique id)."""
    entity_id = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{serial}-health"
    )
    assert entity_id is not None
    return hass.states.get(entity_id).state


async def _settle(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Poll for 35 minutes: every grace period of the demo's offline devices has run out."""
    for _ in range(7):
        await async_poll(hass, freezer)


async def test_a_sync_module_offline_with_four_cameras_raises_one_issue(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    init_integration: ConfigEntry,
) -> None:
    """The Home Sync Module goes offline with four cameras behind it: one issue, not five.

    It names the cameras; their Health says what they are behind; when it is back, it clears
    with no camera issue left. No Blink request beyond the polls.
    """
    sim.world.add_device(
        {"serial": PORCH, "type": "catalina", "name": "Porch", "network_id": 2001}
    )
    # Past every grace period first: the demo's Workshop is offline all along.
    await _settle(hass, freezer)
    cameras = (*HOME_CAMERAS, PORCH)
    before_ids = _ids(hass)
    before_health = {serial: _health(hass, serial) for serial in (*cameras, HALL_MINI)}
    sim.requests.reset()

    sim.world.patch_device(HOME_SYNC, {"status": "offline"})
    for _ in range(4):  # past the 10-minute grace period (and the cameras' own)
        await async_poll(hass, freezer)
    new = _ids(hass) - before_ids
    assert new == {device_issue_id(hass, "sync_module_offline", HOME_SYNC)}
    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, device_issue_id(hass, "sync_module_offline", HOME_SYNC)
    )
    assert issue is not None
    assert issue.translation_placeholders["cameras"] == (
        "Back Yard, Front Yard, Porch, Side Gate"
    )
    # No camera has an issue of its own: the issues they had wait for the Sync Module.
    assert not {i for i in _ids(hass) if any(serial in i for serial in cameras)}
    assert {_health(hass, serial) for serial in cameras} == {"blocked"}
    assert _health(hass, HOME_SYNC) == "problem"
    assert _health(hass, HALL_MINI) == before_health[HALL_MINI]  # Wi-Fi of its own
    # Hours behind it: still one issue, not five.
    for _ in range(6):
        await async_poll(hass, freezer, 1800)
    assert _ids(hass) - before_ids == {
        device_issue_id(hass, "sync_module_offline", HOME_SYNC)
    }

    sim.world.patch_device(HOME_SYNC, {"status": "online"})
    await async_poll(hass, freezer)
    # Judged again: as they were before.
    assert _ids(hass) == before_ids
    assert {serial: _health(hass, serial) for serial in before_health} == before_health
    # Only the polls (and the sign-in's token renewals over the hours): nothing of its own.
    assert sim.requests.rest() == sim.requests[HOMESCREEN] == 11


async def test_cloud_unreachable_raises_one_issue(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    init_integration: ConfigEntry,
) -> None:
    """Blink unreachable: one issue, the device issues withdrawn; back, they are judged again."""
    await _settle(hass, freezer)
    before = _ids(hass)
    assert before  # the demo account has device issues (weak Wi-Fi, low battery)
    sim.add_fault(HOMESCREEN, status=503, body="html", count=4)
    await async_poll(hass, freezer)
    await async_poll(hass, freezer, seconds=600)
    await async_poll(hass, freezer, seconds=1200)
    assert _ids(hass) == {"cloud_unreachable"}
    await async_poll(hass, freezer, seconds=2400)
    assert _ids(hass) == {"cloud_unreachable"}
    await async_poll(hass, freezer, seconds=3600)
    assert _ids(hass) == before


async def test_a_plug_that_is_off_is_the_cause(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    init_integration: ConfigEntry,
    plugs: tuple[SimPlug, SimPlug],
) -> None:
    """The Garage Sync Module's plug switched off: one issue, the plug's; none for its cameras."""
    _, garage = plugs
    await async_map_plugs(hass, init_integration, {GARAGE_SYNC: GARAGE_PLUG})
    await _settle(hass, freezer)
    before = _ids(hass)
    await garage.async_turn_off()
    for _ in range(4):
        await async_poll(hass, freezer)
    assert _ids(hass) - before == {device_issue_id(hass, "plug_off", GARAGE_SYNC)}
    assert device_issue_id(hass, "sync_module_offline", GARAGE_SYNC) not in _ids(hass)
    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, device_issue_id(hass, "plug_off", GARAGE_SYNC)
    )
    assert issue is not None
    assert issue.translation_key == "plug_off"
    assert issue.translation_placeholders["device"] == "Garage"
    assert issue.translation_placeholders["plug"] == hass.states.get(GARAGE_PLUG).name
    # Its fix flow switches the plug on (tests/test_repairs_plug_off.py).
    assert issue.is_fixable
    # The cameras behind it are marked, with no issue of their own.
    assert _health(hass, DRIVEWAY) == "blocked"
    assert not {i for i in _ids(hass) if DRIVEWAY in i}

    await garage.async_turn_on()
    await async_poll(hass, freezer)
    assert _ids(hass) == before
