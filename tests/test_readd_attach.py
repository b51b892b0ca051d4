"""Re-adding a camera in attach mode: watched through the core Blink integration's refreshes."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir

from blinksim.server import SimServer
from custom_components.blink_health.const import DOMAIN
from custom_components.blink_health.devices import device_for
from custom_components.blink_health.readd import report

from .conftest import async_poll
from .core_blink import async_attach, core_entry, core_session, no_blinkpy_sleeps
from .repairs_helpers import device_issue_id

# Fixtures of the core Blink harness, found by pytest through this module's names.
__all__ = ["core_entry", "core_session", "no_blinkpy_sleeps"]

FRONT_YARD = "G8T20000000001"


async def test_readd_follows_core_refreshes(
    hass: HomeAssistant,
    core_entry: ConfigEntry,  # noqa: F811 - the fixture imported above
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    """No schedule and no requests of its own: core's refreshes show the camera leave and return."""
    entry = await async_attach(hass, core_entry)
    coordinator = entry.runtime_data.coordinator
    # The camera's one device is core Blink's: Blink Health's entities joined it.
    device = device_for(hass, entry, FRONT_YARD)
    assert device is not None
    assert device.config_entry_id == core_entry.entry_id
    requests_before = coordinator.cloud.request_log.total
    response = await hass.services.async_call(
        DOMAIN,
        "readd_camera",
        {"device_id": device.id},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    assert response["phase"] == "remove"
    assert coordinator.update_interval is None  # still following core
    sim.world.remove_device(FRONT_YARD)
    for _ in range(3):
        await async_poll(hass, freezer)  # core refreshes; attach mode follows
    procedure = entry.runtime_data.readd.get(FRONT_YARD)
    assert procedure is not None
    assert report(procedure)["phase"] == "add"
    sim.world.add_device(
        {
            "serial": FRONT_YARD,
            "type": "catalina",
            "name": "Front Yard",
            "network_id": 2001,
        }
    )
    await async_poll(hass, freezer)
    # A procedure is a value: each change is a new one, read again from the watcher.
    procedure = entry.runtime_data.readd.get(FRONT_YARD)
    assert procedure is not None
    assert report(procedure)["phase"] == "done"
    assert (
        ir.async_get(hass).async_get_issue(
            DOMAIN, device_issue_id(hass, "readd", FRONT_YARD)
        )
        is None
    )
    after = device_for(hass, entry, FRONT_YARD)
    assert after is not None
    assert after.id == device.id
    assert {
        item.unique_id
        for item in er.async_entries_for_device(er.async_get(hass), device.id)
        if item.config_entry_id == entry.entry_id
    } >= {f"{FRONT_YARD}-online", f"{FRONT_YARD}-health"}
    assert coordinator.update_interval is None
    assert coordinator.cloud.request_log.total == requests_before
