"""What users see and share names no serial, account or user id, and no name as markup (issue 19).

Through Home Assistant's interfaces only: action responses, the bus, the issue registry, fix
flows over HTTP, states, the device registry and the diagnostics download.
"""

from __future__ import annotations

import json
import re
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import MATCH_ALL
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from blinksim.server import SimServer
from custom_components.blink_health.const import (
    DOMAIN,
    EVENT_DEVICE_OFFLINE,
    EVENT_DEVICE_ONLINE,
    EVENT_POWER_CYCLE,
)

from .conftest import LeakScan, async_poll
from .power_helpers import (
    FRONT_YARD,
    GARAGE_PLUG,
    GARAGE_SYNC,
    HALL_MINI,
    HALL_PLUG,
    SimPlug,
    async_advance,
    async_map_plugs,
    device_id,
    start_power_cycle,
)
from .repairs_helpers import device_issue_id, start_repair_fix_flow

HOME_SYNC = "G8T10000000001"
BACK_YARD = "G8T20000000002"  # 1 Wi-Fi bar in the demo
MARKUP_NAME = "<img src=x onerror=alert(1)>[win](http://evil.example)"


def _issues(hass: HomeAssistant) -> list[dict[str, Any]]:
    """Return every Blink Health issue as the registry holds it: id, data and placeholders."""
    return [
        {
            "issue_id": issue.issue_id,
            "data": issue.data,
            "translation_placeholders": issue.translation_placeholders,
        }
        for (domain, _), issue in ir.async_get(hass).issues.items()
        if domain == DOMAIN
    ]


def _states(hass: HomeAssistant, entry: ConfigEntry) -> dict[str, Any]:
    """Return the state and attributes of every Blink Health entity."""
    return {
        item.entity_id: [state.state, dict(state.attributes)]
        for item in er.async_entries_for_config_entry(
            er.async_get(hass), entry.entry_id
        )
        if (state := hass.states.get(item.entity_id)) is not None
    }


def _named_ids(text: str, ids: list[str]) -> list[str]:
    """Return the ids that appear in the text as a whole number (not inside a hex id)."""
    return [
        value
        for value in ids
        if re.search(rf"(?<![0-9a-fA-F]){value}(?![0-9a-fA-F])", text)
    ]


async def test_scan_of_everything_a_user_sees_or_shares(
    hass: HomeAssistant,
    sim: SimServer,
    plugs: tuple[SimPlug, SimPlug],
    init_integration: ConfigEntry,
    repairs: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
    leak_scan: LeakScan,
) -> None:
    """Actions, events, issues, fix flows, states and diagnostics of the demo account."""
    entry = init_integration
    await async_map_plugs(hass, entry, {HALL_MINI: HALL_PLUG, GARAGE_SYNC: GARAGE_PLUG})
    events: list[Event] = []

    @callback
    def _record(event: Event) -> None:
        """Keep every event Blink Health fires."""
        if event.event_type.startswith(f"{DOMAIN}_"):
            events.append(event)

    hass.bus.async_listen(MATCH_ALL, _record)
    shown: list[Any] = []

    # The diagnose action, which also opens the troubleshooter's issue.
    shown.append(
        await hass.services.async_call(
            DOMAIN,
            "diagnose",
            {"device_id": device_id(hass, FRONT_YARD), "open_troubleshooter": True},
            blocking=True,
            return_response=True,
        )
    )
    # A power cycle that brings the Mini back: its response and its event.
    cycle = start_power_cycle(hass, HALL_MINI)
    await async_advance(hass, freezer, 10)
    await async_advance(hass, freezer, 60)
    assert cycle.done()
    shown.append(cycle.result())
    # A Sync Module offline past its grace, then back: the offline and online events.
    sim.world.patch_device(HOME_SYNC, {"status": "offline"})
    for _ in range(3):
        await async_poll(hass, freezer)
    sim.world.patch_device(HOME_SYNC, {"status": "online"})
    await async_poll(hass, freezer)
    # A plug switched off: the plug_off issue at once.
    await hass.services.async_call(
        "switch", "turn_off", {"entity_id": GARAGE_PLUG}, blocking=True
    )
    await async_poll(hass, freezer)
    # A re-add started: its response and its issue.
    shown.append(
        await hass.services.async_call(
            DOMAIN,
            "readd_camera",
            {"device_id": device_id(hass, FRONT_YARD)},
            blocking=True,
            return_response=True,
        )
    )
    issues = _issues(hass)
    ids = {issue["issue_id"] for issue in issues}
    assert {
        device_issue_id(hass, "weak_wifi", BACK_YARD),
        device_issue_id(hass, "plug_off", GARAGE_SYNC),
        device_issue_id(hass, "troubleshoot", FRONT_YARD),
        device_issue_id(hass, "readd", FRONT_YARD),
    } <= ids
    # Every fix flow's first screen, over HTTP as the frontend opens it. (Diagnostics are
    # set up first: the HTTP client freezes the routes.)
    assert await async_setup_component(hass, "diagnostics", {})
    client = await repairs()
    for issue_id in sorted(ids):
        issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
        if issue is not None and issue.is_fixable:
            result = await start_repair_fix_flow(client, DOMAIN, issue_id)
            placeholders = result.get("description_placeholders") or {}
            # The one place a serial is meant to be read: the re-add asks the person to type
            # it into the Blink app (it is printed on the camera). Its own placeholder only.
            if "serial" in placeholders:
                assert issue_id.startswith("readd_"), issue_id
                del placeholders["serial"]
            shown.append(result)
    # The diagnostics download, with the domain's issues Home Assistant adds to it.
    response = await client.get(f"/api/diagnostics/config_entry/{entry.entry_id}")
    assert response.status == 200
    download = await response.json()
    assert download["issues"]

    fired = {event.event_type for event in events}
    assert {EVENT_POWER_CYCLE, EVENT_DEVICE_OFFLINE, EVENT_DEVICE_ONLINE} <= fired
    text = json.dumps(
        {
            "shown": shown,
            "events": [[event.event_type, event.data] for event in events],
            "issues": issues,
            "states": _states(hass, entry),
            "diagnostics": download,
        },
        default=str,
    )
    serials = leak_scan.serials()
    assert serials
    assert [serial for serial in serials if serial in text] == []
    account = sim.world.account
    assert _named_ids(text, [str(account.account_id), str(account.user_id)]) == []
    assert [secret for secret in leak_scan.secrets() if secret in text] == []


async def test_a_name_with_markup_is_escaped_in_repair_texts(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    repairs: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A camera named with HTML and a Markdown link: its issue and fix flow show the characters."""
    sim.world.patch_device(BACK_YARD, {"name": MARKUP_NAME})
    await async_poll(hass, freezer)
    escaped = r"\<img src=x onerror=alert(1)\>\[win\](http://evil.example)"
    issue_id = device_issue_id(hass, "weak_wifi", BACK_YARD)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["device"] == escaped
    client = await repairs()
    result = await start_repair_fix_flow(client, DOMAIN, issue_id)
    assert result["description_placeholders"]["device"] == escaped
    # The guided troubleshooter's issue too.
    response = await hass.services.async_call(
        DOMAIN,
        "diagnose",
        {"device_id": device_id(hass, BACK_YARD), "open_troubleshooter": True},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    guide = ir.async_get(hass).async_get_issue(
        DOMAIN, str(response["troubleshooter_issue_id"])
    )
    assert guide is not None
    assert guide.translation_placeholders == {"device": escaped}
    # Responses are data, not texts: the name as it is.
    assert response["device"] == MARKUP_NAME


async def test_device_pages_show_model_names_not_codes(
    hass: HomeAssistant, init_integration: ConfigEntry
) -> None:
    """A camera's device has its model's name and no model id ("(catalina)", "(owl)")."""
    registry = dr.async_get(hass)
    for serial, model in ((FRONT_YARD, "Blink Outdoor"), (HALL_MINI, "Blink Mini")):
        device = registry.async_get_device_by_identifier(
            (DOMAIN, serial), init_integration.entry_id
        )
        assert device is not None
        assert device.model is not None
        assert device.model.startswith(model)
        assert device.model_id is None
