"""Config flow end to end against blinksim: sign-in, 2FA, errors, reauth, reconfigure, options."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch
import uuid

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    SOURCE_USER,
    ConfigEntry,
    ConfigEntryState,
)
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from homeassistant.helpers.selector import NumberSelector
import probatio
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from blinksim.server import SimServer
from custom_components.blink_health.const import (
    CLOUD_URL_ENV,
    DEFAULT_SCAN_INTERVAL,
    DOMAIN,
)

from .conftest import async_poll, async_sign_in
from .power_helpers import async_open_plug_step
from .test_translations import EN


async def _start(hass: HomeAssistant) -> str:
    """Open the user step and return the flow id."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    return result["flow_id"]


async def _configure(hass: HomeAssistant, flow_id: str, data: dict[str, Any]) -> Any:
    """Submit a step."""
    return await hass.config_entries.flow.async_configure(flow_id, data)


async def test_sign_in_with_2fa(hass: HomeAssistant, sim: SimServer) -> None:
    """The demo account asks for a PIN; the entry stores tokens and a random hardware id."""
    account = sim.world.account
    assert account.two_factor
    flow_id = await _start(hass)
    result = await _configure(
        hass,
        flow_id,
        {CONF_USERNAME: f" {account.email} ", CONF_PASSWORD: account.password},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "2fa"
    result = await _configure(hass, flow_id, {"pin": account.pin})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Blink (d***@example.com)"
    assert account.email not in result["title"]
    entry: ConfigEntry = result["result"]
    assert entry.unique_id == str(account.account_id)
    data = entry.data
    assert data[CONF_USERNAME] == account.email
    assert data["token"]
    assert data["refresh_token"]
    assert data["region_id"] == account.tier
    hardware_id = data["hardware_id"]
    assert hardware_id == str(uuid.UUID(hardware_id)).upper()
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


@pytest.mark.parametrize("sim_scenario", ["minimal"])
async def test_sign_in_without_2fa(hass: HomeAssistant, sim: SimServer) -> None:
    """An account without 2FA goes straight from the password to the entry."""
    sim.world.update_account({"two_factor": False})
    result = await async_sign_in(hass, sim)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED


async def test_each_entry_has_its_own_hardware_id(
    hass: HomeAssistant, sim: SimServer
) -> None:
    """Two sign-ins never share a hardware id (Blink flags shared ones)."""
    account = sim.world.account
    first = await async_sign_in(hass, sim)
    await hass.async_block_till_done()
    hardware_id = first["result"].data["hardware_id"]
    await hass.config_entries.async_remove(first["result"].entry_id)
    second = await async_sign_in(hass, sim)
    assert second["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert second["result"].data["hardware_id"] != hardware_id
    assert account.email == second["result"].data[CONF_USERNAME]


async def test_wrong_password_then_right(hass: HomeAssistant, sim: SimServer) -> None:
    """A refused password shows invalid_auth; the same flow then succeeds."""
    account = sim.world.account
    flow_id = await _start(hass)
    result = await _configure(
        hass, flow_id, {CONF_USERNAME: account.email, CONF_PASSWORD: "not-the-password"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    result = await _configure(
        hass, flow_id, {CONF_USERNAME: account.email, CONF_PASSWORD: account.password}
    )
    assert result["step_id"] == "2fa"
    result = await _configure(hass, flow_id, {"pin": account.pin})
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_wrong_pin_then_right(hass: HomeAssistant, sim: SimServer) -> None:
    """A refused PIN shows invalid_pin and the PIN can be entered again."""
    account = sim.world.account
    flow_id = await _start(hass)
    await _configure(
        hass, flow_id, {CONF_USERNAME: account.email, CONF_PASSWORD: account.password}
    )
    result = await _configure(hass, flow_id, {"pin": "000000"})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "2fa"
    assert result["errors"] == {"base": "invalid_pin"}
    result = await _configure(hass, flow_id, {"pin": account.pin})
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_cannot_connect(
    hass: HomeAssistant, sim: SimServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No Blink cloud at the address: cannot_connect, and a later try succeeds."""
    account = sim.world.account
    monkeypatch.setenv(CLOUD_URL_ENV, "http://127.0.0.1:9")
    flow_id = await _start(hass)
    credentials = {CONF_USERNAME: account.email, CONF_PASSWORD: account.password}
    result = await _configure(hass, flow_id, credentials)
    assert result["errors"] == {"base": "cannot_connect"}
    monkeypatch.setenv(CLOUD_URL_ENV, sim.url)
    # A fresh flow gets a session pointed at the simulator.
    flow_id = await _start(hass)
    result = await _configure(hass, flow_id, credentials)
    assert result["step_id"] == "2fa"


async def test_cloud_error_during_sign_in(hass: HomeAssistant, sim: SimServer) -> None:
    """Blink answering 503 to the sign-in is cannot_connect, not a wrong password."""
    account = sim.world.account
    sim.add_fault("POST /oauth/v2/signin", status=503, count=1)
    flow_id = await _start(hass)
    credentials = {CONF_USERNAME: account.email, CONF_PASSWORD: account.password}
    result = await _configure(hass, flow_id, credentials)
    assert result["errors"] == {"base": "cannot_connect"}
    result = await _configure(hass, flow_id, credentials)
    assert result["step_id"] == "2fa"


async def test_rate_limited(hass: HomeAssistant, sim: SimServer) -> None:
    """Blink answering 429 to the sign-in says so, so the user waits instead of retrying."""
    account = sim.world.account
    sim.add_fault("POST /oauth/v2/signin", status=429, retry_after=60, count=1)
    flow_id = await _start(hass)
    credentials = {CONF_USERNAME: account.email, CONF_PASSWORD: account.password}
    result = await _configure(hass, flow_id, credentials)
    assert result["errors"] == {"base": "rate_limited"}
    result = await _configure(hass, flow_id, credentials)
    assert result["step_id"] == "2fa"


async def test_cloud_error_during_pin(hass: HomeAssistant, sim: SimServer) -> None:
    """Blink failing while verifying the PIN is cannot_connect; the PIN can be sent again."""
    account = sim.world.account
    flow_id = await _start(hass)
    await _configure(
        hass, flow_id, {CONF_USERNAME: account.email, CONF_PASSWORD: account.password}
    )
    sim.add_fault("POST /oauth/v2/2fa/verify", status=502, count=1)
    result = await _configure(hass, flow_id, {"pin": account.pin})
    assert result["errors"] == {"base": "cannot_connect"}
    result = await _configure(hass, flow_id, {"pin": account.pin})
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_unexpected_errors(hass: HomeAssistant, sim: SimServer) -> None:
    """An unexpected exception is shown as unknown, in both steps, and the flow survives."""
    account = sim.world.account
    flow_id = await _start(hass)
    credentials = {CONF_USERNAME: account.email, CONF_PASSWORD: account.password}
    target = "custom_components.blink_health.config_flow.BlinkCloud"
    with patch(f"{target}.async_sign_in", side_effect=RuntimeError("boom")):
        result = await _configure(hass, flow_id, credentials)
    assert result["errors"] == {"base": "unknown"}
    result = await _configure(hass, flow_id, credentials)
    with patch(f"{target}.async_verify_pin", side_effect=RuntimeError("boom")):
        result = await _configure(hass, flow_id, {"pin": account.pin})
    assert result["errors"] == {"base": "unknown"}
    result = await _configure(hass, flow_id, {"pin": account.pin})
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_already_configured(
    hass: HomeAssistant, sim: SimServer, init_integration: ConfigEntry
) -> None:
    """The same Blink account cannot be added twice."""
    result = await async_sign_in(hass, sim)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_known_email_is_refused_before_any_request(
    hass: HomeAssistant, sim: SimServer, init_integration: ConfigEntry
) -> None:
    """The email of an account already set up aborts at once: no password check, no PIN."""
    account = sim.world.account
    sim.requests.reset()
    flow_id = await _start(hass)
    result = await _configure(
        hass,
        flow_id,
        {CONF_USERNAME: f" {account.email.upper()} ", CONF_PASSWORD: "anything"},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert sum(sim.requests.values()) == 0


@pytest.mark.parametrize(
    "typed",
    ["123 456", "123-456", "１２３４５６", " 123456 ", "１２３ ４５６", "12\u20133456"],
)
async def test_pin_as_people_type_it(
    hass: HomeAssistant, sim: SimServer, typed: str
) -> None:
    """Grouped, dashed, full-width or padded codes are sent as six digits, and Blink takes them."""
    account = sim.world.account
    assert account.pin == "123456"
    flow_id = await _start(hass)
    await _configure(
        hass, flow_id, {CONF_USERNAME: account.email, CONF_PASSWORD: account.password}
    )
    sim.requests.reset()
    result = await _configure(hass, flow_id, {"pin": typed})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()


@pytest.mark.parametrize("typed", ["12345", "1234567", "12a456", "PIN 123456", ""])
async def test_impossible_pin_costs_no_request(
    hass: HomeAssistant, sim: SimServer, typed: str
) -> None:
    """Letters or a wrong length get a translated form error and Blink is not asked."""
    account = sim.world.account
    flow_id = await _start(hass)
    await _configure(
        hass, flow_id, {CONF_USERNAME: account.email, CONF_PASSWORD: account.password}
    )
    sim.requests.reset()
    result = await _configure(hass, flow_id, {"pin": typed})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "2fa"
    assert result["errors"] == {"pin": "pin_format"}
    assert EN["config"]["error"]["pin_format"]
    assert sum(sim.requests.values()) == 0
    result = await _configure(hass, flow_id, {"pin": account.pin})
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_reauth_after_refresh_token_revoked(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Blink revokes the tokens: polling stops, one reauth flow (with 2FA) brings it back."""
    entry = init_integration
    account = sim.world.account
    old_token = entry.data["token"]
    sim.world.update_account(
        {"revoke_refresh_token": True, "expire_access_token": True}
    )
    sim.requests.reset()

    await async_poll(hass, freezer)
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert len(flows) == 1
    flow = flows[0]
    assert flow["context"]["source"] == "reauth"

    sim.requests.reset()
    await async_poll(hass, freezer)
    assert sum(sim.requests.values()) == 0, (
        "no Blink requests while waiting for the user"
    )

    flow_id = flow["flow_id"]
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_USERNAME: account.email, CONF_PASSWORD: account.password}
    )
    assert result["step_id"] == "2fa"
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"pin": account.pin}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.data["token"] != old_token
    assert entry.data["hardware_id"]


async def test_reauth_with_another_account(
    hass: HomeAssistant, sim: SimServer, init_integration: ConfigEntry
) -> None:
    """Reauth with credentials of another account aborts and keeps the entry as it was."""
    entry = init_integration
    account = sim.world.account
    before = dict(entry.data)
    entry.async_start_reauth(hass)
    await hass.async_block_till_done()
    result = hass.config_entries.flow.async_progress_by_handler(DOMAIN)[0]
    assert result["step_id"] == "reauth_confirm"
    sim.world.account.account_id = 4242
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_USERNAME: account.email, CONF_PASSWORD: account.password},
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"pin": account.pin}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    assert dict(entry.data) == before


async def test_reconfigure(
    hass: HomeAssistant, sim: SimServer, init_integration: ConfigEntry
) -> None:
    """Reconfigure signs in again with new credentials and keeps the hardware id."""
    entry = init_integration
    account = sim.world.account
    hardware_id = entry.data["hardware_id"]
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_RECONFIGURE, "entry_id": entry.entry_id}
    )
    assert result["step_id"] == "reconfigure"
    sim.world.account.password = "a-new-password"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: account.email, CONF_PASSWORD: "wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_USERNAME: account.email, CONF_PASSWORD: "a-new-password"},
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"pin": account.pin}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.data[CONF_PASSWORD] == "a-new-password"
    assert entry.data["hardware_id"] == hardware_id
    assert entry.state is ConfigEntryState.LOADED


async def _open_settings(hass: HomeAssistant, entry_id: str) -> Any:
    """Open the options menu and pick the settings page."""
    result = await hass.config_entries.options.async_init(entry_id)
    return await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "settings"}
    )


async def test_options(
    hass: HomeAssistant, sim: SimServer, init_integration: ConfigEntry
) -> None:
    """Options are validated, stored and applied (the entry reloads); polling stays 5 minutes."""
    entry = init_integration
    hass.states.async_set(
        "sensor.speedtest_download", "150", {"unit_of_measurement": "Mbit/s"}
    )
    hass.states.async_set("sensor.speedtest_ping", "12", {"unit_of_measurement": "ms"})
    hass.states.async_set(
        "sensor.outside_temperature", "12", {"unit_of_measurement": "°C"}
    )
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["settings", "plugs"]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "settings"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "settings"
    # Home Assistant's rule: the polling interval is no user option.
    assert "scan_interval" not in result["data_schema"].schema
    values = {
        "weak_wifi_bars": 1,
        "weak_sync_bars": 1,
        "min_download_mbps": 5.0,
        "max_ping_ms": 80.0,
        "max_cloud_latency_ms": 1500.0,
        "offline_grace_minutes": 5.0,
        "download_sensor": "sensor.outside_temperature",
        "ping_sensor": "sensor.outside_temperature",
    }
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], values
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {
        "download_sensor": "invalid_download_sensor",
        "ping_sensor": "invalid_ping_sensor",
    }
    values |= {
        "download_sensor": "sensor.speedtest_download",
        "ping_sensor": "sensor.speedtest_ping",
    }
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], values
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options["weak_wifi_bars"] == 1
    assert entry.options["download_sensor"] == "sensor.speedtest_download"
    assert entry.runtime_data.coordinator.update_interval == DEFAULT_SCAN_INTERVAL

    # Clearing an optional sensor removes it.
    result = await _open_settings(hass, entry.entry_id)
    values.pop("download_sensor")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], values
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert "download_sensor" not in entry.options


async def test_option_units_are_known_or_translated(
    hass: HomeAssistant, sim: SimServer, init_integration: ConfigEntry
) -> None:
    """Every number's unit is one Home Assistant knows, or has a translation in en.json."""
    known = {"min", "ms", "Mbit/s"}
    selector_texts = EN["selector"]
    result = await _open_settings(hass, init_integration.entry_id)
    plug = await async_open_plug_step(hass, init_integration, "G8T30000000001")
    numbers = [
        selector.config
        for form in (result, plug)
        for value in form["data_schema"].schema.values()
        if isinstance(selector := _number_of(value), NumberSelector)
    ]
    assert len(numbers) == 8
    for config in numbers:
        unit = config["unit_of_measurement"]
        if unit in known:
            assert "translation_key" not in config, config
        else:
            key = config["translation_key"]
            assert selector_texts[key]["unit_of_measurement"][unit], config


async def test_stored_polling_interval_is_migrated_away(
    hass: HomeAssistant, sim: SimServer, init_integration: ConfigEntry
) -> None:
    """An entry of 1.1 with a polling interval loses it at setup and polls every 5 minutes."""
    data = dict(init_integration.data)
    unique_id = init_integration.unique_id
    await hass.config_entries.async_remove(init_integration.entry_id)
    old = MockConfigEntry(
        domain=DOMAIN,
        data=data,
        options={"scan_interval": 60, "weak_wifi_bars": 1},
        unique_id=unique_id,
        version=1,
        minor_version=1,
    )
    old.add_to_hass(hass)
    assert await hass.config_entries.async_setup(old.entry_id)
    await hass.async_block_till_done()
    assert old.state is ConfigEntryState.LOADED
    assert (old.version, old.minor_version) == (1, 2)
    assert dict(old.options) == {"weak_wifi_bars": 1}
    assert old.runtime_data.coordinator.update_interval == DEFAULT_SCAN_INTERVAL


async def test_entry_of_a_newer_version_is_refused(
    hass: HomeAssistant, sim: SimServer
) -> None:
    """An entry written by a newer major version is not guessed at (Home Assistant refuses it)."""
    newer = MockConfigEntry(domain=DOMAIN, data={}, version=2, minor_version=1)
    newer.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(newer.entry_id)
    assert newer.state is ConfigEntryState.MIGRATION_ERROR


async def test_options_smart_plugs(
    hass: HomeAssistant, sim: SimServer, init_integration: ConfigEntry
) -> None:
    """Only mains-capable devices are offered; a plug must be an existing switch."""
    entry = init_integration
    hass.states.async_set("switch.hall_mini_plug", "on")
    hass.states.async_set("light.lamp", "on")
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "plugs"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "plugs"
    # Fixed, translated keys: the device is a choice, never a field named after it.
    assert [str(key) for key in result["data_schema"].schema] == ["device"]
    # Sync Modules, the Mini and the doorbell; never the battery cameras. Each by its name
    # and kind, never its serial (issue 19).
    assert _device_choices(result) == [
        ("G8T10000000001", "Home (Sync Module 2)"),
        ("G8T10000000002", "Garage (Sync Module)"),
        ("G8T30000000001", "Hall Mini (Blink Mini)"),
        ("G8T40000000001", "Front Door (Blink Video Doorbell)"),
    ]
    with pytest.raises(InvalidData, match="device"):
        await hass.config_entries.options.async_configure(
            result["flow_id"],
            {"device": "G8T20000000001"},  # a battery camera
        )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"device": "G8T30000000001"}
    )
    assert result["step_id"] == "plug"
    assert result["description_placeholders"] == {"device": "Hall Mini"}
    assert [str(key) for key in result["data_schema"].schema] == [
        "plug",
        "cooldown_minutes",
        "max_attempts",
    ]
    with pytest.raises(InvalidData, match="plug"):
        await hass.config_entries.options.async_configure(
            result["flow_id"], {"plug": "light.lamp"}
        )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {"plug": "switch.missing", "cooldown_minutes": 20, "max_attempts": 2},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"plug": "plug_not_found"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {"plug": "switch.hall_mini_plug", "cooldown_minutes": 20, "max_attempts": 2},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options["plugs"] == {"G8T30000000001": "switch.hall_mini_plug"}
    assert entry.options["cooldown_minutes"] == 20
    assert entry.options["max_attempts"] == 2

    # The device list tells which plug each device has; its form suggests it.
    plug = await async_open_plug_step(hass, entry, "G8T30000000001")
    suggested = {
        str(key): key.description["suggested_value"]
        for key in plug["data_schema"].schema
        if key.description
    }
    assert suggested == {
        "plug": "switch.hall_mini_plug",
        "cooldown_minutes": 20,
        "max_attempts": 2,
    }
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "plugs"}
    )
    # The plug by its name (no friendly name set: Home Assistant's from the entity id).
    assert (
        "G8T30000000001",
        "Hall Mini (Blink Mini) → hall mini plug",
    ) in _device_choices(result)

    # The settings page keeps the plugs.
    result = await _open_settings(hass, entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "weak_wifi_bars": 2,
            "weak_sync_bars": 2,
            "min_download_mbps": 2.0,
            "max_ping_ms": 100.0,
            "max_cloud_latency_ms": 2000.0,
            "offline_grace_minutes": 10.0,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options["plugs"] == {"G8T30000000001": "switch.hall_mini_plug"}


def _number_of(value: Any) -> Any:
    """Return the selector of a form field, also when it is wrapped in probatio.All."""
    return value.validators[0] if isinstance(value, probatio.All) else value


def _device_choices(result: Any) -> list[tuple[str, str]]:
    """Return (value, label) of the plugs step's device choices."""
    select = result["data_schema"].schema[next(iter(result["data_schema"].schema))]
    return [(o["value"], o["label"]) for o in select.config["options"]]


async def test_options_smart_plugs_keep_a_device_away(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A device away from the account is not offered, and saving the page keeps its plug."""
    entry = init_integration
    hass.states.async_set("switch.hall_mini_plug", "on")
    hass.states.async_set("switch.garage_plug", "on")
    hass.config_entries.async_update_entry(
        entry,
        options={
            **entry.options,
            "plugs": {
                "G8T30000000001": "switch.hall_mini_plug",
                "G8T10000000002": "switch.garage_plug",
            },
        },
    )
    sim.world.remove_device(
        "G8T30000000001"
    )  # the Mini, removed in the Blink app for now
    await async_poll(hass, freezer)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "plugs"}
    )
    assert "G8T30000000001" not in [value for value, _ in _device_choices(result)]
    with pytest.raises(InvalidData, match="device"):
        await hass.config_entries.options.async_configure(
            result["flow_id"], {"device": "G8T30000000001"}
        )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"device": "G8T10000000002"}
    )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"cooldown_minutes": 15, "max_attempts": 3}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    # The Garage plug was cleared on the page; the Mini's, not shown, is kept.
    assert entry.options["plugs"] == {"G8T30000000001": "switch.hall_mini_plug"}


async def test_options_menu_without_devices(
    hass: HomeAssistant, sim: SimServer, init_integration: ConfigEntry
) -> None:
    """An entry that is not loaded has no devices to give plugs: only the settings page."""
    await hass.config_entries.async_unload(init_integration.entry_id)
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["settings"]
