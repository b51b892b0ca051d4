"""DHCP discovery: a Blink device on the network suggests setting up Blink Health (once)."""

from __future__ import annotations

import json
from pathlib import Path

from homeassistant.components.blink.const import DOMAIN as CORE_DOMAIN
from homeassistant.config_entries import SOURCE_DHCP, ConfigEntry, ConfigEntryState
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
from homeassistant.loader import async_get_integration

from blinksim.server import SimServer
from custom_components.blink_health.const import (
    CONF_CORE_ENTRY_ID,
    CONF_MODE,
    DOMAIN,
    MODE_ATTACH,
)

from .core_blink import core_entry, core_session, no_blinkpy_sleeps

__all__ = ["core_entry", "core_session", "no_blinkpy_sleeps"]  # fixtures used below

# A Sync Module as Home Assistant's DHCP watcher reports it (an address of Blink's OUI 00:03:7F).
SYNC_MODULE = DhcpServiceInfo(
    ip="192.168.1.40", hostname="blink-sync", macaddress="00037f1a2b3c"
)


async def _discover(hass: HomeAssistant) -> dict[str, object]:
    """Start a flow as Home Assistant's DHCP discovery does."""
    return dict(
        await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": SOURCE_DHCP}, data=SYNC_MODULE
        )
    )


async def test_dhcp_matchers_are_core_blinks(hass: HomeAssistant) -> None:
    """The manifest matches the same Blink devices as Home Assistant's own Blink integration."""
    ours = await async_get_integration(hass, DOMAIN)
    core = await async_get_integration(hass, CORE_DOMAIN)
    assert ours.dhcp
    assert ours.dhcp == core.dhcp
    manifest = (
        Path(__file__).parents[1] / "custom_components" / DOMAIN / "manifest.json"
    )
    assert json.loads(manifest.read_text())["dhcp"] == core.dhcp


async def test_dhcp_suggests_a_sign_in(hass: HomeAssistant, sim: SimServer) -> None:
    """Without the Blink integration, the discovery asks for the Blink sign-in; once only."""
    result = await _discover(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    # Every other Blink device on the network joins the same suggestion.
    again = await _discover(hass)
    assert again["type"] is FlowResultType.ABORT
    assert again["reason"] == "already_in_progress"

    account = sim.world.account
    result = dict(
        await hass.config_entries.flow.async_configure(
            str(result["flow_id"]),
            {CONF_USERNAME: account.email, CONF_PASSWORD: account.password},
        )
    )
    assert result["step_id"] == "2fa"
    result = dict(
        await hass.config_entries.flow.async_configure(
            str(result["flow_id"]), {"pin": account.pin}
        )
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry = result["result"]
    assert isinstance(entry, ConfigEntry)
    assert entry.unique_id == str(account.account_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


async def test_dhcp_offers_attach_when_core_blink_is_set_up(
    hass: HomeAssistant, core_entry: ConfigEntry
) -> None:
    """With the Blink integration loaded, the discovery offers to use its sign-in."""
    result = await _discover(hass)
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["attach", "sign_in"]
    result = dict(
        await hass.config_entries.flow.async_configure(
            str(result["flow_id"]), {"next_step_id": "attach"}
        )
    )
    result = dict(
        await hass.config_entries.flow.async_configure(
            str(result["flow_id"]), {CONF_CORE_ENTRY_ID: core_entry.entry_id}
        )
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry = result["result"]
    assert isinstance(entry, ConfigEntry)
    assert entry.data[CONF_MODE] == MODE_ATTACH
    await hass.async_block_till_done()


async def test_dhcp_with_an_entry_is_already_configured(
    hass: HomeAssistant, init_integration: ConfigEntry
) -> None:
    """Once Blink Health is set up, a discovered Blink device suggests nothing."""
    result = await _discover(hass)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []
