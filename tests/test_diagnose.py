"""The diagnose action and button: every check of the article, in its order."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir

from blinksim.server import SimServer
from custom_components.blink_health.const import DOMAIN
from custom_components.blink_health.playbook import STEPS

from .power_helpers import HALL_MINI
from .repairs_helpers import device_issue_id
from .test_repairs import DRIVEWAY, FRONT_DOOR, FRONT_YARD, WORKSHOP, _device_id

SYNC_HOME = "G8T10000000001"


async def test_diagnose_returns_findings_in_article_order(
    hass: HomeAssistant, sim: SimServer, init_integration: ConfigEntry
) -> None:
    """A camera with weak Wi-Fi, a weak Sync Module link and a low battery, fetched fresh."""
    sim.world.patch_device(FRONT_YARD, {"wifi": 1, "lfr": 1, "battery": "low"})
    sim.requests.reset()
    response = await hass.services.async_call(
        DOMAIN,
        "diagnose",
        {"device_id": _device_id(hass, init_integration, FRONT_YARD)},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    assert response["fresh"] is True
    # One fresh poll: the homescreen, and this camera's details.
    assert sim.requests["GET /api/v3/accounts/{account_id}/homescreen"] == 1
    assert [step["step"] for step in response["steps"]] == [str(s.id) for s in STEPS]
    assert [finding["kind"] for finding in response["findings"]] == [
        "low_battery",
        "weak_wifi",
        "weak_sync_link",
    ]
    numbers = {step["step"]: step["number"] for step in response["steps"]}
    assert [numbers[f["step"]] for f in response["findings"]] == [3, 5, 5]
    signal = next(step for step in response["steps"] if step["step"] == "signal")
    assert signal["outcome"] == "fail"
    # Numbers and booleans as such, not as the strings texts show (issue 19).
    assert signal["evidence"]["wifi"] == 1
    restart = next(step for step in response["steps"] if step["step"] == "restart")
    assert isinstance(restart["evidence"]["online"], bool)
    assert response["troubleshooter_issue_id"] is None
    assert (
        ir.async_get(hass).async_get_issue(
            DOMAIN, device_issue_id(hass, "troubleshoot", FRONT_YARD)
        )
        is None
    )


async def test_diagnose_button_opens_troubleshooter(
    hass: HomeAssistant,
    init_integration: ConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Pressing a camera's diagnose button opens its troubleshooter issue."""
    entity_id = entity_registry.async_get_entity_id(
        "button", DOMAIN, f"{FRONT_YARD}-diagnose"
    )
    assert entity_id is not None
    await hass.services.async_call(
        "button", "press", {"entity_id": entity_id}, blocking=True
    )
    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, device_issue_id(hass, "troubleshoot", FRONT_YARD)
    )
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_placeholders == {"device": "Front Yard"}


async def test_no_troubleshooter_button_without_a_speaker(
    hass: HomeAssistant,
    init_integration: ConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Cameras without two-way audio (Blink XT, Indoor 1st gen) have no troubleshooter button."""

    def button(serial: str) -> str | None:
        """Return the entity id of a device's troubleshooter button, if it has one."""
        return entity_registry.async_get_entity_id(
            "button", DOMAIN, f"{serial}-diagnose"
        )

    assert button(DRIVEWAY) is None  # Blink XT
    assert button(WORKSHOP) is None  # Blink Indoor (1st gen)
    assert button(SYNC_HOME) is None  # a Sync Module has no speaker either
    assert all(button(serial) for serial in (FRONT_YARD, FRONT_DOOR, HALL_MINI))
    # One left by an earlier version leaves the registry at the next setup.
    entity_registry.async_get_or_create(
        "button", DOMAIN, f"{DRIVEWAY}-diagnose", config_entry=init_integration
    )
    assert button(DRIVEWAY) is not None
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert button(DRIVEWAY) is None
