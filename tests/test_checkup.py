"""The device checkup behind the diagnose action and the troubleshooter: one poll, every step."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from blinksim.server import SimServer
from custom_components.blink_health.const import DOMAIN
from custom_components.blink_health.figures import evidence_value
from custom_components.blink_health.governor import COALESCE_SECONDS

from .repairs_helpers import device_issue_id, start_repair_fix_flow
from .test_repairs import FRONT_YARD, _choose, _device_id

HOMESCREEN = "GET /api/v3/accounts/{account_id}/homescreen"


async def test_action_for_a_device_that_left_the_account(
    hass: HomeAssistant, sim: SimServer, init_integration: ConfigEntry
) -> None:
    """The device is gone from Blink's fresh answer: the action says it is not on the account."""
    device_id = _device_id(hass, init_integration, FRONT_YARD)
    sim.world.remove_device(FRONT_YARD)
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN,
            "diagnose",
            {"device_id": device_id, "open_troubleshooter": True},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "device_not_on_account"
    # Told before the troubleshooter is opened: no issue for a device that is not there.
    assert (
        ir.async_get(hass).async_get_issue(
            DOMAIN, device_issue_id(hass, "troubleshoot", FRONT_YARD)
        )
        is None
    )


async def test_action_and_troubleshooter_show_the_same_checkup(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    repairs: ClientSessionGenerator,
) -> None:
    """Each runs one fresh poll, and the troubleshooter's step shows the action's figures."""
    sim.world.patch_device(FRONT_YARD, {"wifi": 1})
    sim.requests.reset()
    response = await hass.services.async_call(
        DOMAIN,
        "diagnose",
        {
            "device_id": _device_id(hass, init_integration, FRONT_YARD),
            "open_troubleshooter": True,
        },
        blocking=True,
        return_response=True,
    )
    assert response is not None
    assert sim.requests[HOMESCREEN] == 1
    signal = next(step for step in response["steps"] if step["step"] == "signal")
    freezer.tick(COALESCE_SECONDS)  # past the answer just fetched (issue 17)
    client = await repairs()
    result = await start_repair_fix_flow(
        client, DOMAIN, str(response["troubleshooter_issue_id"])
    )
    assert sim.requests[HOMESCREEN] == 2
    while result["step_id"] != "signal":
        result = await _choose(client, result["flow_id"], "next")
    placeholders = result["description_placeholders"]
    # The same figures: the response's typed, the text's as they read.
    assert {
        key: evidence_value(key, placeholders[key]) for key in signal["evidence"]
    } == signal["evidence"]
    assert placeholders["result"] == "❌"
