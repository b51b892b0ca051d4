"""Setup, tokens, polling failures and device removal, end to end against blinksim."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from blinksim.server import SimServer
from custom_components.blink_health.const import DOMAIN

from .conftest import async_poll

HOMESCREEN = "GET /api/v3/accounts/{account_id}/homescreen"
CAMERA_CONFIG = "GET /network/{network_id}/camera/{camera_id}/config"
FRONT_YARD = "G8T20000000001"


def _online(hass: HomeAssistant, serial: str) -> str:
    """Return the state of a device's `online` sensor."""
    entity_id = er.async_get(hass).async_get_entity_id(
        "binary_sensor", DOMAIN, f"{serial}-online"
    )
    assert entity_id
    state = hass.states.get(entity_id)
    assert state
    return state.state


async def test_setup_signs_in_when_no_tokens_are_stored(
    hass: HomeAssistant, sim: SimServer
) -> None:
    """An entry holding only credentials signs in at setup and stores the tokens."""
    sim.world.update_account({"two_factor": False})
    account = sim.world.account
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=str(account.account_id),
        data={
            CONF_USERNAME: account.email,
            CONF_PASSWORD: account.password,
            "hardware_id": "4C1E8B3A-2D1F-4E5A-9B7C-1A2B3C4D5E6F",
        },
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.data["token"]
    assert entry.data["hardware_id"] == "4C1E8B3A-2D1F-4E5A-9B7C-1A2B3C4D5E6F"


@pytest.mark.parametrize(
    ("changes", "state"),
    [
        ({"two_factor": True}, ConfigEntryState.SETUP_ERROR),
        ({"password": "changed"}, ConfigEntryState.SETUP_ERROR),
    ],
)
async def test_setup_sign_in_refused_starts_reauth(
    hass: HomeAssistant,
    sim: SimServer,
    changes: dict[str, Any],
    state: ConfigEntryState,
) -> None:
    """A sign-in that needs the user (a PIN, a new password) stops setup and asks for reauth."""
    account = sim.world.account
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=str(account.account_id),
        data={CONF_USERNAME: account.email, CONF_PASSWORD: account.password},
    )
    sim.world.update_account(changes)
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is state
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


async def test_setup_retries_while_blink_is_down(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
) -> None:
    """Blink failing at setup makes Home Assistant retry later, with a translated reason."""
    entry = init_integration
    sim.add_fault(HOMESCREEN, status=502, body="html", count=1)
    assert not await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert "Could not reach the Blink cloud" in str(entry.reason)


async def test_setup_sign_in_cloud_down_retries(
    hass: HomeAssistant, sim: SimServer
) -> None:
    """A sign-in at setup that cannot reach Blink is retried, not sent to reauth."""
    account = sim.world.account
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=str(account.account_id),
        data={CONF_USERNAME: account.email, CONF_PASSWORD: account.password},
    )
    sim.add_fault("GET /oauth/v2/authorize", status=503, count=1)
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)


async def test_rate_limit_honours_retry_after(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A 429 with Retry-After: no request until it has passed, then polling resumes."""
    sim.add_fault(HOMESCREEN, status=429, retry_after=1800, count=1)
    sim.requests.reset()
    await async_poll(hass, freezer)
    assert sim.requests[HOMESCREEN] == 1
    # One failed poll is transient: the last values stay (issue 17).
    assert _online(hass, FRONT_YARD) == STATE_ON
    for _ in range(5):  # 25 minutes: still inside Blink's 30
        await async_poll(hass, freezer)
    assert sim.requests[HOMESCREEN] == 1
    await async_poll(hass, freezer, seconds=600)
    assert sim.requests[HOMESCREEN] == 2
    assert _online(hass, FRONT_YARD) == STATE_ON


async def test_invalid_homescreen_is_a_failed_poll(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A homescreen that is not JSON (or not an object) fails the poll; nothing raises."""
    coordinator = init_integration.runtime_data.coordinator
    sim.add_fault(HOMESCREEN, status=200, body="invalid_json", count=1)
    await async_poll(hass, freezer)
    assert not coordinator.last_update_success
    await async_poll(hass, freezer, seconds=600)
    assert coordinator.last_update_success


async def test_details_failures_do_not_fail_the_poll(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Per-device details that fail are skipped; a 429 on them pauses polling like any 429."""
    coordinator = init_integration.runtime_data.coordinator
    # Six hours on, every device's details are due again, a few per poll.
    freezer.tick(6 * 3600)
    sim.add_fault(CAMERA_CONFIG, status=503, body="html", count=1)
    await async_poll(hass, freezer)
    assert coordinator.last_update_success
    sim.add_fault(CAMERA_CONFIG, status=429, retry_after=60, count=1)
    await async_poll(hass, freezer)
    assert not coordinator.last_update_success


async def test_remove_device(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    device_registry: dr.DeviceRegistry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """Only devices no longer on the Blink account can be deleted by the user."""
    entry = init_integration
    assert await async_setup_component(hass, "config", {})
    client = await hass_ws_client(hass)

    async def remove(device_id: str) -> bool:
        await client.send_json_auto_id(
            {
                "type": "config/device_registry/remove_config_entry",
                "config_entry_id": entry.entry_id,
                "device_id": device_id,
            }
        )
        response = await client.receive_json()
        return bool(response["success"])

    account = device_registry.async_get_device_by_identifier(
        (DOMAIN, "1001"), entry.entry_id
    )
    camera = device_registry.async_get_device_by_identifier(
        (DOMAIN, FRONT_YARD), entry.entry_id
    )
    assert account and camera
    assert not await remove(account.id)
    assert not await remove(camera.id)
    leftover = device_registry.async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, "G8T2GONE0000001")}
    )
    assert await remove(leftover.id)
