"""Blink Health's config and reauth flows name the step of Blink's sign-in that failed (issue 21)."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from blinksim.server import SimServer
from custom_components.blink_health.cloud import (
    AuthFailed,
    ClientBlocked,
    ResponseRecord,
    SignInRefused,
    TokenRefused,
    sign_in_failure,
)
from custom_components.blink_health.const import DOMAIN

from .test_config_flow import _configure, _start

TOKEN = "POST /oauth/token"


async def _reauth(hass: HomeAssistant, entry: ConfigEntry) -> str:
    """Start the entry's reauth flow; return its id."""
    entry.async_start_reauth(hass)
    await hass.async_block_till_done()
    flow = hass.config_entries.flow.async_progress_by_handler(DOMAIN)[0]
    assert flow["step_id"] == "reauth_confirm"
    return flow["flow_id"]


async def test_sign_in_refused(hass: HomeAssistant, sim: SimServer) -> None:
    """Blink's sign-in page refusing the password: the first step is named."""
    account = sim.world.account
    flow_id = await _start(hass)
    result = await _configure(
        hass, flow_id, {CONF_USERNAME: account.email, CONF_PASSWORD: "wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}


async def test_verification_code_refused(hass: HomeAssistant, sim: SimServer) -> None:
    """A refused verification code: the 2FA step is named."""
    account = sim.world.account
    flow_id = await _start(hass)
    await _configure(
        hass, flow_id, {CONF_USERNAME: account.email, CONF_PASSWORD: account.password}
    )
    result = await _configure(hass, flow_id, {"pin": "000000"})
    assert result["errors"] == {"base": "invalid_pin"}


async def test_token_refused(hass: HomeAssistant, sim: SimServer) -> None:
    """Password and code accepted, the token exchange refused: token_refused, then fine."""
    account = sim.world.account
    flow_id = await _start(hass)
    await _configure(
        hass, flow_id, {CONF_USERNAME: account.email, CONF_PASSWORD: account.password}
    )
    sim.add_fault(
        TOKEN,
        status=400,
        body={"error": "invalid_grant", "error_description": "code expired"},
        count=1,
    )
    result = await _configure(hass, flow_id, {"pin": account.pin})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "token_refused"}


async def test_token_refused_without_2fa(hass: HomeAssistant, sim: SimServer) -> None:
    """Without 2FA the token step is part of the credentials step: named there too."""
    sim.world.update_account({"two_factor": False})
    account = sim.world.account
    sim.add_fault(TOKEN, status=400, body={"error": "invalid_grant"}, count=1)
    flow_id = await _start(hass)
    credentials = {CONF_USERNAME: account.email, CONF_PASSWORD: account.password}
    result = await _configure(hass, flow_id, credentials)
    assert result["errors"] == {"base": "token_refused"}
    result = await _configure(hass, flow_id, credentials)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_client_blocked_in_reauth_then_new_app_id(
    hass: HomeAssistant, sim: SimServer, init_integration: ConfigEntry
) -> None:
    """Blink bans the entry's app id: reauth says "client blocked", then signs in anew.

    Submitting again signs in as a new app install (a new private hardware id), which the
    entry keeps.
    """
    entry = init_integration
    account = sim.world.account
    banned = entry.data["hardware_id"]
    sim.oauth.blocked_hardware_ids.add(banned)
    flow_id = await _reauth(hass, entry)
    credentials = {CONF_USERNAME: account.email, CONF_PASSWORD: account.password}
    result = await _configure(hass, flow_id, credentials)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "client_blocked"}
    result = await _configure(hass, flow_id, credentials)
    assert result["step_id"] == "2fa"
    result = await _configure(hass, flow_id, {"pin": account.pin})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data["hardware_id"] != banned


async def test_reauth_names_the_refused_step(
    hass: HomeAssistant, sim: SimServer, init_integration: ConfigEntry
) -> None:
    """The reauth flow shows the same step errors as the first sign-in."""
    account = sim.world.account
    flow_id = await _reauth(hass, init_integration)
    result = await _configure(
        hass, flow_id, {CONF_USERNAME: account.email, CONF_PASSWORD: "wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await _configure(
        hass, flow_id, {CONF_USERNAME: account.email, CONF_PASSWORD: account.password}
    )
    result = await _configure(hass, flow_id, {"pin": "000000"})
    assert result["errors"] == {"base": "invalid_pin"}


def test_failure_classification() -> None:
    """Which answer names which step (a 4xx elsewhere stays a plain refusal)."""
    cases = {
        ("/oauth/v2/authorize", 406): ClientBlocked,
        ("/oauth/v2/authorize", 403): ClientBlocked,
        ("/oauth/v2/signin", 401): SignInRefused,
        ("/oauth/token", 400): TokenRefused,
        ("/oauth/token", 401): TokenRefused,
        ("/api/v1/users/tier_info", 401): AuthFailed,
        ("/oauth/v2/authorize", 400): AuthFailed,
    }
    for (path, status), kind in cases.items():
        assert type(sign_in_failure(ResponseRecord(status, None, path))) is kind
