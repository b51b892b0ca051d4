"""Repair issues follow the simulator: each appears while its condition holds and clears after."""

from __future__ import annotations

import time
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from blinksim.server import SimServer
from custom_components.blink_health.const import (
    DOMAIN,
    EVENT_DEVICE_OFFLINE,
    EVENT_DEVICE_ONLINE,
)
from custom_components.blink_health.issues import async_sync_issues
from custom_components.blink_health.playbook import (
    Finding,
    FindingKind,
    Severity,
    StepId,
)

from .conftest import async_poll
from .repairs_helpers import device_issue_id

HOME_SYNC = "G8T10000000001"
FRONT_YARD = "G8T20000000001"
BACK_YARD = "G8T20000000002"  # 1 Wi-Fi bar
SIDE_GATE = "G8T20000000003"  # 1 Sync Module bar
DRIVEWAY = "G8T20000000004"  # low battery
WORKSHOP = "G8T20000000005"  # offline battery camera
HOMESCREEN = "GET /api/v3/accounts/{account_id}/homescreen"


class _SlowClock:
    """The time module, with a perf_counter that moves on by `step` seconds per call."""

    def __init__(self, step: float) -> None:
        """Start the counter at zero."""
        self.step = step
        self.now = 0.0

    def perf_counter(self) -> float:
        """Return a counter that advances on every call."""
        self.now += self.step
        return self.now

    def __getattr__(self, name: str) -> Any:
        """Delegate everything else to the real time module."""
        return getattr(time, name)


def _issue(hass: HomeAssistant, issue_id: str) -> ir.IssueEntry | None:
    """Return an issue of the domain, if it exists."""
    return ir.async_get(hass).async_get_issue(DOMAIN, issue_id)


def _ids(hass: HomeAssistant) -> set[str]:
    """Return the ids of every Blink Health issue."""
    return {
        issue_id for (domain, issue_id) in ir.async_get(hass).issues if domain == DOMAIN
    }


async def async_set_options(
    hass: HomeAssistant, entry: ConfigEntry, **options: Any
) -> None:
    """Save settings through the options flow (menu → settings); the entry reloads."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "settings"}
    )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], options
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_demo_issues_at_setup(
    hass: HomeAssistant, init_integration: ConfigEntry
) -> None:
    """The demo's weak Wi-Fi, weak Sync Module link and low battery are issues at once."""
    assert _ids(hass) == {
        device_issue_id(hass, "weak_wifi", BACK_YARD),
        device_issue_id(hass, "weak_sync_link", SIDE_GATE),
        device_issue_id(hass, "low_battery", DRIVEWAY),
    }
    issue = _issue(hass, device_issue_id(hass, "weak_wifi", BACK_YARD))
    assert issue is not None
    assert issue.is_fixable
    assert issue.severity is ir.IssueSeverity.WARNING
    assert issue.translation_key == "weak_wifi"
    # The device by its Home Assistant device id, never its serial (issue 19).
    assert issue.data == {
        "entry_id": init_integration.entry_id,
        "device_id": device_issue_id(hass, "weak_wifi", BACK_YARD).removeprefix(
            "weak_wifi_"
        ),
    }
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["device"] == "Back Yard"
    assert issue.translation_placeholders["value"] == "1"
    assert issue.translation_placeholders["threshold"] == "2"
    assert issue.learn_more_url is not None
    assert issue.learn_more_url.startswith(
        "https://github.com/blink-health/blink-health#repairs"
    )
    battery = _issue(hass, device_issue_id(hass, "low_battery", DRIVEWAY))
    assert battery is not None
    assert not battery.is_fixable


async def test_weak_signals_appear_and_clear(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Weak Wi-Fi and a weak Sync Module link come and go with the bars."""
    sim.world.patch_device(FRONT_YARD, {"wifi": 2, "lfr": 1})
    sim.world.patch_device(BACK_YARD, {"wifi": 4})
    sim.world.patch_device(SIDE_GATE, {"lfr": 3})
    await async_poll(hass, freezer)
    ids = _ids(hass)
    assert device_issue_id(hass, "weak_wifi", FRONT_YARD) in ids
    assert device_issue_id(hass, "weak_sync_link", FRONT_YARD) in ids
    assert device_issue_id(hass, "weak_wifi", BACK_YARD) not in ids
    assert device_issue_id(hass, "weak_sync_link", SIDE_GATE) not in ids
    # 3 bars is not weak with the default threshold of 2.
    sim.world.patch_device(FRONT_YARD, {"wifi": 3, "lfr": 5})
    await async_poll(hass, freezer)
    assert not {
        device_issue_id(hass, "weak_wifi", FRONT_YARD),
        device_issue_id(hass, "weak_sync_link", FRONT_YARD),
    } & _ids(hass)


async def test_thresholds_and_exclusions_from_options(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A stricter threshold raises more issues; excluded devices get none."""
    await async_set_options(hass, init_integration, weak_wifi_bars=3)
    assert device_issue_id(hass, "weak_wifi", DRIVEWAY) in _ids(
        hass
    )  # Driveway has 3 bars
    back_yard = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, BACK_YARD), init_integration.entry_id
    )
    assert back_yard is not None
    await async_set_options(
        hass, init_integration, weak_wifi_bars=3, excluded_devices=[back_yard.id]
    )
    ids = _ids(hass)
    assert device_issue_id(hass, "weak_wifi", BACK_YARD) not in ids
    assert device_issue_id(hass, "weak_wifi", DRIVEWAY) in ids
    await async_poll(hass, freezer)
    assert device_issue_id(hass, "weak_wifi", BACK_YARD) not in _ids(hass)


async def test_offline_after_grace_with_events(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A Sync Module is reported after 10 minutes, a battery camera after 30; events follow."""
    offline = async_capture_events(hass, EVENT_DEVICE_OFFLINE)
    online = async_capture_events(hass, EVENT_DEVICE_ONLINE)
    sim.world.patch_device(HOME_SYNC, {"status": "offline"})
    await async_poll(hass, freezer)  # seen offline
    await async_poll(hass, freezer)  # offline for 5 minutes
    assert device_issue_id(hass, "sync_module_offline", HOME_SYNC) not in _ids(hass)
    await async_poll(hass, freezer)  # offline for 10 minutes
    issue = _issue(hass, device_issue_id(hass, "sync_module_offline", HOME_SYNC))
    assert issue is not None
    assert issue.severity is ir.IssueSeverity.ERROR
    assert issue.is_fixable
    assert [event.data["name"] for event in offline] == ["Home"]
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, HOME_SYNC), init_integration.entry_id
    )
    assert device is not None
    assert offline[0].data == {
        "device_id": device.id,
        "entry_id": init_integration.entry_id,
        "name": "Home",
    }
    # The Workshop camera has been offline since setup: 30 minutes of grace (battery).
    assert device_issue_id(hass, "camera_offline", WORKSHOP) not in _ids(hass)
    for _ in range(4):
        await async_poll(hass, freezer)
    assert device_issue_id(hass, "camera_offline", WORKSHOP) in _ids(hass)
    assert "Workshop" in [event.data["name"] for event in offline]
    assert online == []
    sim.world.patch_device(HOME_SYNC, {"status": "online"})
    sim.world.patch_device(WORKSHOP, {"status": "online"})
    await async_poll(hass, freezer)
    ids = _ids(hass)
    assert device_issue_id(hass, "sync_module_offline", HOME_SYNC) not in ids
    assert device_issue_id(hass, "camera_offline", WORKSHOP) not in ids
    # The Home Sync Module's cameras went offline with it: each comes back with an event.
    online_names = sorted(event.data["name"] for event in online)
    assert online_names == sorted(event.data["name"] for event in offline)
    assert {"Home", "Workshop"} <= set(online_names)


async def test_no_offline_event_on_the_first_poll(
    hass: HomeAssistant,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    """With no grace, an offline device is an issue at setup but no event: no transition."""
    from .conftest import async_sign_in  # noqa: PLC0415

    offline = async_capture_events(hass, EVENT_DEVICE_OFFLINE)
    result = await async_sign_in(hass, sim)
    entry = result["result"]
    await hass.async_block_till_done()
    await async_set_options(hass, entry, offline_grace_minutes=0)
    assert device_issue_id(hass, "sync_module_offline", HOME_SYNC) not in _ids(hass)
    assert offline == []


async def test_internet_and_latency(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Slow download from the chosen sensor, and a slow Blink cloud over three polls."""
    hass.states.async_set(
        "sensor.speedtest_download", "1.5", {"unit_of_measurement": "Mbit/s"}
    )
    await async_set_options(
        hass,
        init_integration,
        download_sensor="sensor.speedtest_download",
        max_cloud_latency_ms=100,
    )
    issue = _issue(hass, "slow_internet")
    assert issue is not None
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["download"] == "1.5"
    assert issue.translation_placeholders["min_download"] == "2"
    assert issue.data == {"entry_id": init_integration.entry_id, "device_id": None}
    hass.states.async_set(
        "sensor.speedtest_download", "50", {"unit_of_measurement": "Mbit/s"}
    )
    # The simulator's own delay sleeps on the loop clock, which is frozen: the round-trip
    # clock the integration reads is slowed down instead (150 ms per request).
    with patch("custom_components.blink_health.cloud.time", _SlowClock(step=0.15)):
        await async_poll(hass, freezer)
        assert "slow_internet" not in _ids(hass)
        assert "high_latency" not in _ids(hass)
        await async_poll(hass, freezer)
        await async_poll(hass, freezer)
    issue = _issue(hass, "high_latency")
    assert issue is not None
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["threshold"] == "100"
    assert issue.translation_placeholders["value"] == "150"
    await async_poll(hass, freezer)
    assert "high_latency" not in _ids(hass)


async def test_cloud_unreachable_and_app_update(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Three failed polls in a row raise cloud_unreachable; the homescreen's app-build flag none.

    Published homescreens of clients that kept working carry the flag (docs/fidelity.md).
    """
    sim.add_fault(HOMESCREEN, status=503, body="html", count=3)
    await async_poll(hass, freezer)
    await async_poll(hass, freezer, seconds=600)
    assert "cloud_unreachable" not in _ids(hass)
    # Device issues stay while the cloud is away: nothing says they cleared.
    assert device_issue_id(hass, "weak_wifi", BACK_YARD) in _ids(hass)
    await async_poll(hass, freezer, seconds=1200)
    issue = _issue(hass, "cloud_unreachable")
    assert issue is not None
    assert not issue.is_fixable
    assert issue.severity is ir.IssueSeverity.ERROR
    await async_poll(hass, freezer, seconds=2400)
    assert "cloud_unreachable" not in _ids(hass)
    sim.world.update_account({"app_update_required": True})
    await async_poll(hass, freezer)
    assert "app_update_required" not in _ids(hass)
    assert "cloud_unreachable" not in _ids(hass)
    sim.world.update_account({"app_update_required": False})
    await async_poll(hass, freezer)
    assert "app_update_required" not in _ids(hass)


async def test_unload_and_remove(
    hass: HomeAssistant, init_integration: ConfigEntry
) -> None:
    """Unloading withdraws the issues but keeps ignored ones; removing deletes them all."""
    entry = init_integration
    ir.async_ignore_issue(
        hass, DOMAIN, device_issue_id(hass, "weak_wifi", BACK_YARD), True
    )
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert _ids(hass) == {device_issue_id(hass, "weak_wifi", BACK_YARD)}
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    issue = _issue(hass, device_issue_id(hass, "weak_wifi", BACK_YARD))
    assert issue is not None
    assert issue.dismissed_version is not None  # still ignored after the reload
    assert len(_ids(hass)) == 3
    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert _ids(hass) == set()


def _finding(kind: FindingKind) -> Finding:
    """Return an account-wide finding."""
    return Finding(
        kind=kind,
        step=StepId.INTERNET,
        severity=Severity.WARNING,
        serial=None,
        evidence={"value": "3000", "threshold": "2000", "polls": "3"},
    )


async def test_two_accounts_share_account_wide_issues(hass: HomeAssistant) -> None:
    """One high_latency issue names both accounts and stays until neither holds it."""
    first = MockConfigEntry(domain=DOMAIN, title="Blink (a***@x)", unique_id="1")
    second = MockConfigEntry(domain=DOMAIN, title="Blink (b***@y)", unique_id="2")
    first.add_to_hass(hass)
    second.add_to_hass(hass)
    latency = [_finding(FindingKind.HIGH_LATENCY)]
    async_sync_issues(hass, first, None, latency)  # type: ignore[arg-type]
    async_sync_issues(hass, second, None, latency)  # type: ignore[arg-type]
    issue = _issue(hass, "high_latency")
    assert issue is not None
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["account"] == "Blink (a***@x), Blink (b***@y)"
    async_sync_issues(hass, first, None, [])  # type: ignore[arg-type]
    issue = _issue(hass, "high_latency")
    assert issue is not None
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["account"] == "Blink (b***@y)"
    assert issue.data is not None
    assert issue.data["entry_id"] == second.entry_id
    async_sync_issues(hass, second, None, [])  # type: ignore[arg-type]
    assert _issue(hass, "high_latency") is None
