"""Sync Module local storage: its state from the homescreen, a sensor and an issue."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest

from blinksim import payloads
from blinksim.server import SimServer
from custom_components.blink_health.const import DOMAIN
from custom_components.blink_health.health import SyncModuleHealth, parse_account
from custom_components.blink_health.playbook import (
    FindingKind,
    History,
    InternetFigures,
    StepId,
    Thresholds,
    evaluate,
    local_storage_state,
)

from .conftest import async_poll
from .repairs_helpers import device_issue_id

GARAGE_SYNC = "G8T10000000002"
HOMESCREEN = "GET /api/v3/accounts/{account_id}/homescreen"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

pytestmark = pytest.mark.freeze_time("2026-11-25T12:00:00+00:00")


def _sync(**local: Any) -> SyncModuleHealth:
    """Return an online Sync Module 2 with these local-storage fields."""
    return SyncModuleHealth(
        serial="G8T10000000001",
        id=1,
        network_id=1,
        name="Home",
        network_name="Home",
        online=local.pop("online", True),
        status="online",
        raw_status="online",
        wifi_bars=4,
        last_heartbeat=NOW,
        firmware="4.4.8",
        model="Sync Module 2",
        **local,
    )


@pytest.mark.parametrize(
    ("fields", "state"),
    [
        # Captured: an SM2 compatible, not "enabled", yet active (homebridge-blink issue #108).
        (
            {
                "local_storage_compatible": True,
                "local_storage_enabled": False,
                "local_storage_status": "active",
            },
            "active",
        ),
        # Captured: an SM1 (src/blink-api.js of homebridge-blink-for-home).
        (
            {
                "local_storage_compatible": False,
                "local_storage_enabled": False,
                "local_storage_status": "unavailable",
            },
            "not_supported",
        ),
        (
            {
                "local_storage_compatible": True,
                "local_storage_enabled": True,
                "local_storage_status": "unavailable",
            },
            "inactive",
        ),
        (
            {
                "local_storage_compatible": True,
                "local_storage_enabled": False,
                "local_storage_status": "unavailable",
            },
            "off",
        ),
        ({"local_storage_compatible": True}, None),
        (
            {
                "online": False,
                "local_storage_compatible": True,
                "local_storage_enabled": True,
                "local_storage_status": "unavailable",
            },
            None,
        ),
    ],
)
def test_local_storage_state(fields: dict[str, Any], state: str | None) -> None:
    """Each combination the homescreen carries reads as one state."""
    assert local_storage_state(_sync(**fields)) == state


def test_the_homescreen_fields_are_parsed() -> None:
    """The three fields come from sync_modules[] as Blink sends them."""
    homescreen = {
        "sync_modules": [
            {
                "id": 1,
                "serial": "G8T10000000001",
                "network_id": 1,
                "status": "online",
                "local_storage_enabled": True,
                "local_storage_compatible": True,
                "local_storage_status": "active",
            }
        ]
    }
    sync = parse_account(homescreen, {}).sync_modules["G8T10000000001"]
    assert (
        sync.local_storage_compatible,
        sync.local_storage_enabled,
        sync.local_storage_status,
    ) == (True, True, "active")


def _findings(sync: SyncModuleHealth) -> list[FindingKind]:
    """Return the kinds of the playbook's findings for an account of this Sync Module."""
    health = parse_account({}, {})
    health = replace(health, sync_modules={sync.serial: sync})
    return [
        finding.kind
        for finding in evaluate(
            health, Thresholds(), InternetFigures(), History(now=NOW)
        )
    ]


def test_enabled_but_not_active_is_a_warning_filed_outside_the_article() -> None:
    """Enabled and not active: a finding; active, off, or offline (stale): none."""
    inactive = _sync(
        local_storage_compatible=True,
        local_storage_enabled=True,
        local_storage_status="unavailable",
    )
    assert _findings(inactive) == [FindingKind.LOCAL_STORAGE_INACTIVE]
    health = replace(parse_account({}, {}), sync_modules={inactive.serial: inactive})
    (finding,) = evaluate(health, Thresholds(), InternetFigures(), History(now=NOW))
    assert finding.issue_id == f"local_storage_inactive_{inactive.serial}"
    assert finding.evidence == {"device": "Home", "status": "unavailable"}
    # Filed under the step whose check reads no findings: the troubleshooter is unaffected.
    assert finding.step is StepId.CONTACT_SUPPORT
    assert _findings(replace(inactive, local_storage_status="active")) == []
    assert _findings(replace(inactive, local_storage_enabled=False)) == []


@pytest.fixture
def local_storage(monkeypatch: pytest.MonkeyPatch) -> dict[str, dict[str, Any]]:
    """Let a test set a simulated Sync Module's local-storage fields (blinksim has none).

    Returns serial → fields, merged into that Sync Module's homescreen entry.
    """
    fields: dict[str, dict[str, Any]] = {}
    original: Callable[..., dict[str, Any]] = payloads.sync_module_entry

    def entry(world: Any, sync: Any, now: float) -> dict[str, Any]:
        """Return the simulator's entry with the test's fields."""
        return {**original(world, sync, now), **fields.get(sync.serial, {})}

    monkeypatch.setattr(payloads, "sync_module_entry", entry)
    return fields


async def test_inactive_local_storage_raises_an_issue_and_clears(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    init_integration: ConfigEntry,
    local_storage: dict[str, dict[str, Any]],
) -> None:
    """Local storage on but not recording: the sensor says so and one issue; active: gone."""
    sensor = "sensor.garage_local_storage"
    issue_id = device_issue_id(hass, "local_storage_inactive", GARAGE_SYNC)
    assert hass.states.get(sensor).state == "off"
    sim.requests.reset()
    local_storage[GARAGE_SYNC] = {
        "local_storage_enabled": True,
        "local_storage_status": "unavailable",
    }
    await async_poll(hass, freezer)
    assert hass.states.get(sensor).state == "inactive"
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_key == "local_storage_inactive"
    assert issue.translation_placeholders["device"] == "Garage"
    assert issue.severity is ir.IssueSeverity.WARNING
    assert not issue.is_fixable

    local_storage[GARAGE_SYNC]["local_storage_status"] = "active"
    await async_poll(hass, freezer)
    assert hass.states.get(sensor).state == "active"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    # Read from the homescreen every poll fetches anyway: no request of its own.
    assert dict(sim.requests) == {HOMESCREEN: 2}
