"""Home Assistant's core `blink` integration against blinksim, and Blink Health attached to it.

Test modules import the fixtures they need from here (pytest finds imported fixtures).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from types import SimpleNamespace
from unittest.mock import patch

from aiohttp import CookieJar
import blinkpy.api
import blinkpy.helpers.util
import blinkpy.sync_module
from homeassistant.config_entries import SOURCE_USER, ConfigEntry, ConfigEntryState
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.aiohttp_client import async_create_clientsession
from homeassistant.setup import async_setup_component
import pytest

from blinksim.server import SimServer
from custom_components.blink_health.const import CONF_CORE_ENTRY_ID, CORE_DOMAIN, DOMAIN
from custom_components.blink_health.redirect import CloudRedirect


@pytest.fixture
def no_blinkpy_sleeps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Drop blinkpy's throttle and command-poll sleeps: Home Assistant's clock is frozen here.

    Core's blinkpy refresh waits for Sync Module commands (blink_api.md §4.3); under the frozen
    loop clock those sleeps would never end. Patched where blinkpy looks `sleep` up.
    """

    async def no_sleep(_seconds: float) -> None:
        """Return at once."""

    monkeypatch.setattr(blinkpy.helpers.util, "sleep", no_sleep)
    monkeypatch.setattr(blinkpy.api, "sleep", no_sleep)
    monkeypatch.setattr(blinkpy.sync_module, "asyncio", SimpleNamespace(sleep=no_sleep))


@pytest.fixture
async def core_session(
    hass: HomeAssistant, sim: SimServer, no_blinkpy_sleeps: None
) -> AsyncGenerator[None]:
    """Send core Blink's requests to the simulator: its shared session, redirected."""
    sim.world.update_account({"two_factor": False})
    session = async_create_clientsession(
        hass,
        middlewares=(CloudRedirect(sim.url),),
        cookie_jar=CookieJar(unsafe=True),
    )
    with (
        patch(
            "homeassistant.components.blink.async_get_clientsession",
            return_value=session,
        ),
        patch(
            "homeassistant.components.blink.config_flow.async_get_clientsession",
            return_value=session,
        ),
    ):
        yield


async def async_add_core_entry(hass: HomeAssistant, sim: SimServer) -> ConfigEntry:
    """Set up an entry of Home Assistant's core Blink integration through its own flow."""
    assert await async_setup_component(hass, CORE_DOMAIN, {})
    account = sim.world.account
    result = await hass.config_entries.flow.async_init(
        CORE_DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_USERNAME: account.email, CONF_PASSWORD: account.password},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done()
    entry: ConfigEntry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    return entry


@pytest.fixture
async def core_entry(
    hass: HomeAssistant, sim: SimServer, core_session: None
) -> ConfigEntry:
    """Set up Home Assistant's core Blink integration against the simulator, through its flow."""
    return await async_add_core_entry(hass, sim)


async def async_attach(hass: HomeAssistant, core: ConfigEntry) -> ConfigEntry:
    """Add Blink Health through the menu's "use my Blink integration's sign-in"."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["attach", "sign_in"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "attach"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "attach"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_CORE_ENTRY_ID: core.entry_id}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done()
    entry: ConfigEntry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    return entry
