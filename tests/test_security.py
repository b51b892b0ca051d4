"""Secrets, foreign devices and bad input: the scan itself, actions, plug mappings, option ranges.

Every simulator test already ends with the leak scan (conftest.LeakScan): every log line from
sign-in on, and the diagnostics of every loaded entry, searched for the account's email,
password, tokens and serials. The tests here prove the scan can fail, and cover what a
scan at the end of a test cannot see: diagnostics taken mid-fault and after a device left.
"""

from __future__ import annotations

from http import HTTPStatus
import json
import logging
from typing import Any
from unittest.mock import patch

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    CLIENT_ID,
    MockConfigEntry,
    MockUser,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from blinksim.server import SimServer
from blinksim.world import World
from custom_components.blink_health.const import DOMAIN

from .conftest import LeakScan, async_poll, async_sign_in, use_sim
from .power_helpers import (
    GARAGE_SYNC,
    HALL_MINI,
    HALL_PLUG,
    SimPlug,
    async_map_plugs,
    async_open_plug_step,
    async_setup_plugs,
    device_id,
)
from .repairs_helpers import device_issue_id, start_repair_fix_flow
from .test_faults import HOMESCREEN, report

FRONT_YARD = "G8T20000000001"
SECOND_FRONT_YARD = "G9T20000000001"
NOT_SWITCHES = ["light.lamp", "input_boolean.plug", "fan.ceiling", "sensor.power"]


def _record(name: str, level: int, message: str) -> logging.LogRecord:
    """Return a log record as a logger would make it."""
    return logging.LogRecord(name, level, __file__, 1, message, None, None)


async def _download_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    user: MockUser,
    entry: ConfigEntry,
) -> dict[str, Any]:
    """Download the entry's diagnostics over HTTP, signed in afresh (time moves on for hours)."""
    refresh_token = await hass.auth.async_create_refresh_token(user, CLIENT_ID)
    token = hass.auth.async_create_access_token(refresh_token)

    async def client() -> TestClient:
        """Return a client signed in with the fresh token."""
        return await hass_client(token)

    return await get_diagnostics_for_config_entry(hass, client, entry)


# ----- the scan ---------------------------------------------------------------------------


def test_log_scan_finds_secrets_and_serials() -> None:
    """Secrets anywhere, serials outside exempt debug output: each is reported."""
    world = World.from_scenario("demo")
    token = world.tokens.issue(0).access_token
    scan = LeakScan()
    scan.add(world)
    account = world.account
    leaking = [
        _record("custom_components.blink_health", logging.DEBUG, account.password),
        _record("blinkpy.auth", logging.DEBUG, f"user {account.email}"),
        _record("homeassistant.core", logging.INFO, f"Bearer {token}"),
        _record("blinkpy.auth", logging.ERROR, f"camera {FRONT_YARD} failed"),
        _record("custom_components.blink_health", logging.DEBUG, FRONT_YARD),
    ]
    exempt = [
        _record("blinkpy.sync_module", logging.DEBUG, f"checking {FRONT_YARD}"),
        _record("pytest_homeassistant_custom_component.common", 10, FRONT_YARD),
        _record("custom_components.blink_health", logging.INFO, "nothing to see"),
    ]
    assert len(scan.log_leaks(leaking)) == len(leaking)
    assert scan.log_leaks(exempt) == []
    # A device removed during the test is still looked for.
    world.remove_device(FRONT_YARD)
    assert FRONT_YARD in scan.serials()


async def test_diagnostics_scan_fails_without_redaction(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    leak_scan: LeakScan,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The scan sees what redaction would let through: the credentials, the serials."""
    module = "custom_components.blink_health.diagnostics"
    with (
        patch(f"{module}.TO_REDACT", set()),
        pytest.raises(AssertionError, match=sim.world.account.password),
    ):
        await leak_scan.async_check(hass, caplog)
    with (
        patch(f"{module}._redact_serials", lambda value, _: value),
        pytest.raises(AssertionError, match=FRONT_YARD),
    ):
        await leak_scan.async_check(hass, caplog)
    await leak_scan.async_check(hass, caplog)


async def test_diagnostics_mid_fault_and_after_a_device_left(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
    hass_admin_user: MockUser,
    leak_scan: LeakScan,
) -> None:
    """Downloaded while Blink fails, and after a mapped device left: no secret, no serial."""
    entry = init_integration
    await async_setup_plugs(hass, sim)
    await async_map_plugs(hass, entry, {HALL_MINI: HALL_PLUG})
    forbidden = [*leak_scan.secrets(), *leak_scan.serials(), entry.data["hardware_id"]]
    downloads = []
    sim.add_fault(HOMESCREEN, status=503, body="html", count=3)
    for seconds in (300, 600, 1200):
        await async_poll(hass, freezer, seconds=seconds)
        downloads.append(
            await _download_diagnostics(hass, hass_client, hass_admin_user, entry)
        )
    assert downloads[-1]["polling"]["consecutive_failures"] == 3
    # The Mini leaves the account: its device goes, its plug mapping stays in the options.
    sim.remove_device(HALL_MINI)
    for _ in range(3):
        await async_poll(hass, freezer, seconds=3600)
    assert not dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, HALL_MINI), entry.entry_id
    )
    assert HALL_MINI in entry.options["plugs"]
    downloads.append(
        await _download_diagnostics(hass, hass_client, hass_admin_user, entry)
    )
    leaked = [
        value
        for download in downloads
        for value in forbidden
        if value in json.dumps(download)
    ]
    report("diagnostics downloaded mid-fault and after a device left", leaks=leaked)
    assert not leaked
    assert list(downloads[-1]["entry"]["options"]["plugs"].values()) == [HALL_PLUG]


# ----- actions on devices that are not theirs ---------------------------------------------


@pytest.mark.parametrize("action", ["diagnose", "power_cycle"])
async def test_actions_refuse_devices_that_are_not_theirs(
    hass: HomeAssistant,
    sim: SimServer,
    second_sim: SimServer,
    monkeypatch: pytest.MonkeyPatch,
    action: str,
) -> None:
    """Another integration's device, one of an unloaded entry, the account, an unknown id."""
    entries = []
    for server in (sim, second_sim):
        use_sim(monkeypatch, server)
        result = await async_sign_in(hass, server)
        assert result["type"] is FlowResultType.CREATE_ENTRY
        await hass.async_block_till_done()
        entries.append(result["result"])
    first, second = entries
    registry = dr.async_get(hass)
    other = MockConfigEntry(domain="other")
    other.add_to_hass(hass)
    # Another integration's device, even one carrying a Blink Health identifier.
    kettle = registry.async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("other", "k")}, name="Kettle"
    )
    lookalike = registry.async_get_or_create(
        config_entry_id=other.entry_id, identifiers={(DOMAIN, FRONT_YARD)}, name="Fake"
    )
    account = registry.async_get_device_by_identifier(
        (DOMAIN, str(first.unique_id)), first.entry_id
    )
    assert account is not None
    second_front_yard = device_id(hass, SECOND_FRONT_YARD)
    assert await hass.config_entries.async_unload(second.entry_id)

    async def refusal(target: str) -> str | None:
        """Call the action on a device; return the refusal's translation key."""
        with pytest.raises(ServiceValidationError) as err:
            await hass.services.async_call(
                DOMAIN, action, {"device_id": target}, blocking=True
            )
        return err.value.translation_key

    sim.requests.reset()
    second_sim.requests.reset()
    refusals = {
        "another integration's device": await refusal(kettle.id),
        "a look-alike in another entry": await refusal(lookalike.id),
        "a device of an unloaded entry": await refusal(second_front_yard),
        "the account device": await refusal(account.id),
        "an unknown device id": await refusal("0123456789abcdef"),
    }
    report(
        f"{action} on devices that are not its own",
        refusals=refusals,
        requests=sim.requests.total() + second_sim.requests.total(),
    )
    assert refusals == {
        "another integration's device": "not_blink_health_device",
        "a look-alike in another entry": "not_blink_health_device",
        "a device of an unloaded entry": "entry_not_loaded",
        "the account device": "not_a_blink_device",
        "an unknown device id": "unknown_device",
    }
    assert sim.requests.total() == second_sim.requests.total() == 0


async def test_diagnose_answers_from_the_entry_that_owns_the_device(
    hass: HomeAssistant,
    sim: SimServer,
    second_sim: SimServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two accounts: each device is diagnosed by its own entry, against its own cloud."""
    for server in (sim, second_sim):
        use_sim(monkeypatch, server)
        result = await async_sign_in(hass, server)
        assert result["type"] is FlowResultType.CREATE_ENTRY
        await hass.async_block_till_done()
    for server, serial in ((sim, FRONT_YARD), (second_sim, SECOND_FRONT_YARD)):
        sim.requests.reset()
        second_sim.requests.reset()
        response = await hass.services.async_call(
            DOMAIN,
            "diagnose",
            {"device_id": device_id(hass, serial)},
            blocking=True,
            return_response=True,
        )
        assert response is not None
        assert response["device_id"] == device_id(hass, serial)
        other = second_sim if server is sim else sim
        assert server.requests[HOMESCREEN] >= 1
        assert other.requests.total() == 0


# ----- plug mappings ----------------------------------------------------------------------


@pytest.mark.parametrize("entity_id", NOT_SWITCHES)
async def test_plug_mappings_accept_switches_only(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
    entity_id: str,
) -> None:
    """A light, a helper, a fan or a sensor is refused in the options and in a repair flow."""
    entry = init_integration
    hass.states.async_set(entity_id, "on")
    result = await async_open_plug_step(hass, entry, GARAGE_SYNC)
    with pytest.raises(InvalidData, match="plug"):
        await hass.config_entries.options.async_configure(
            result["flow_id"],
            {"plug": entity_id, "cooldown_minutes": 15, "max_attempts": 3},
        )
    assert "plugs" not in entry.options

    # The repair flow of an offline Mini without a plug asks which plug feeds it.
    assert await async_setup_component(hass, "repairs", {})
    sim.world.patch_device(HALL_MINI, {"status": "offline"})
    for _ in range(3):
        await async_poll(hass, freezer)
    client = await hass_client()
    result = await start_repair_fix_flow(
        client, DOMAIN, device_issue_id(hass, "camera_offline", HALL_MINI)
    )
    url = f"/api/repairs/issues/fix/{result['flow_id']}"
    resp = await client.post(url, json={"next_step_id": "pick_plug"})
    assert resp.status == HTTPStatus.OK
    resp = await client.post(url, json={"plug": entity_id})
    assert resp.status == HTTPStatus.BAD_REQUEST
    assert "plugs" not in entry.options


# ----- option and action ranges -----------------------------------------------------------

SETTINGS = {
    "weak_wifi_bars": (0, 5),
    "weak_sync_bars": (0, 5),
    "min_download_mbps": (0.1, 1000),
    "max_ping_ms": (1, 5000),
    "max_cloud_latency_ms": (100, 30000),
    "offline_grace_minutes": (0, 240),
}
PLUG_SETTINGS = {"cooldown_minutes": (1, 1440), "max_attempts": (1, 10)}


async def _settings_step(hass: HomeAssistant, entry: ConfigEntry, page: str) -> Any:
    """Open the options menu and go to a page (the plugs page through a device)."""
    if page == "plugs":
        return await async_open_plug_step(hass, entry, GARAGE_SYNC)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    return await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": page}
    )


def _out_of_range(low: float, high: float) -> list[float]:
    """Return values just outside a range, on both sides."""
    step = 0.1 if isinstance(low, float) else 1
    return [round(low - step, 1), round(high + step, 1)]


@pytest.mark.parametrize(
    ("page", "field", "bounds"),
    [("settings", key, value) for key, value in SETTINGS.items()]
    + [("plugs", key, value) for key, value in PLUG_SETTINGS.items()],
)
async def test_options_validate_ranges(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    page: str,
    field: str,
    bounds: tuple[float, float],
) -> None:
    """Every number in the options is refused just outside its range, accepted at its ends."""
    entry = init_integration
    fields = SETTINGS if page == "settings" else PLUG_SETTINGS
    defaults = {key: low for key, (low, _) in fields.items()}
    for value in _out_of_range(*bounds):
        result = await _settings_step(hass, entry, page)
        with pytest.raises(InvalidData, match=field):
            await hass.config_entries.options.async_configure(
                result["flow_id"], {**defaults, field: value}
            )
    assert field not in entry.options
    for value in bounds:
        result = await _settings_step(hass, entry, page)
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {**defaults, field: value}
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY
        await hass.async_block_till_done()
        assert entry.options[field] == value


@pytest.mark.parametrize(
    ("field", "value"),
    [("off_seconds", 4), ("off_seconds", 121), ("timeout", 29), ("timeout", 601)],
)
async def test_power_cycle_action_validates_ranges(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    field: str,
    value: float,
) -> None:
    """off_seconds (5-120) and timeout (30-600) out of range: refused, nothing switched."""
    hall, _ = await async_setup_plugs(hass, sim)
    await async_map_plugs(hass, init_integration, {HALL_MINI: HALL_PLUG})
    with pytest.raises(ServiceValidationError, match=f"You entered {value}"):
        await hass.services.async_call(
            DOMAIN,
            "power_cycle",
            {"device_id": device_id(hass, HALL_MINI), field: value},
            blocking=True,
        )
    assert isinstance(hall, SimPlug)
    assert hall.calls == []
