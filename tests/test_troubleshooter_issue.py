"""The troubleshooter's issue through Home Assistant: button, notification, repair flow over HTTP.

Issue 19: a press gives feedback (a notification naming the device, linking to Repairs), a
device has one troubleshooter however often it is pressed, reopening it continues at the step
left, and finishing it or the device passing its failed checks again closes issue and notice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)

from blinksim.server import SimServer
from custom_components.blink_health.const import DOMAIN
from custom_components.blink_health.troubleshooter_issue import (
    DATA_FAILED,
    DATA_STEP,
    device_name,
    saved_step,
)

from .conftest import async_poll
from .repairs_helpers import start_repair_fix_flow
from .test_repairs import FRONT_DOOR, FRONT_YARD, _choose, _device_id


async def _press(hass: HomeAssistant, serial: str) -> None:
    """Press a device's "Troubleshoot two-way audio" button through the button action."""
    entity_id = er.async_get(hass).async_get_entity_id(
        "button", DOMAIN, f"{serial}-diagnose"
    )
    assert entity_id is not None
    await hass.services.async_call(
        "button", "press", {"entity_id": entity_id}, blocking=True
    )


type Notices = Callable[[], Awaitable[list[dict[str, Any]]]]


@pytest.fixture
async def notices(hass: HomeAssistant, hass_ws_client: WebSocketGenerator) -> Notices:
    """Return a reader of the persistent notifications as the frontend gets them.

    Set up first (the HTTP server takes no new views once a client runs); a websocket per
    read, as moving time on closes an idle one.
    """
    assert await async_setup_component(hass, "persistent_notification", {})
    assert await async_setup_component(hass, "websocket_api", {})

    async def read() -> list[dict[str, Any]]:
        """Return the notifications now."""
        client = await hass_ws_client(hass)
        await client.send_json_auto_id({"type": "persistent_notification/get"})
        response = await client.receive_json()
        assert response["success"], response
        result: list[dict[str, Any]] = response["result"]
        return result

    return read


def _troubleshooters(hass: HomeAssistant) -> list[ir.IssueEntry]:
    """Return the domain's open troubleshooter issues."""
    return [
        issue
        for (domain, issue_id), issue in ir.async_get(hass).issues.items()
        if domain == DOMAIN and issue_id.startswith("troubleshoot_")
    ]


def _rename(hass: HomeAssistant, entry: ConfigEntry, serial: str, name: str) -> None:
    """Give a device a name of the user's own in Home Assistant."""
    dr.async_get(hass).async_update_device(
        _device_id(hass, entry, serial), name_by_user=name
    )


async def _start(client: TestClient, issue_id: str) -> dict[str, Any]:
    """Open the troubleshooter's fix flow over HTTP."""
    return await start_repair_fix_flow(client, DOMAIN, issue_id)


async def test_press_notifies_and_the_flow_resumes_where_it_was_left(
    hass: HomeAssistant,
    init_integration: ConfigEntry,
    repairs: ClientSessionGenerator,
    notices: Notices,
) -> None:
    """Press → notification; leave at step 3; press again → one issue; reopen → step 3; done."""
    _rename(hass, init_integration, FRONT_YARD, "Garden [cam](x)")
    await _press(hass, FRONT_YARD)
    (issue,) = _troubleshooters(hass)
    issue_id = issue.issue_id
    # Escaped for the issue's Markdown description (user_text.py): no link is rendered.
    assert issue.translation_placeholders == {"device": "Garden \\[cam\\](x)"}
    (notice,) = await notices()
    # Named after the Home Assistant device: no serial reaches the frontend.
    device_id = _device_id(hass, init_integration, FRONT_YARD)
    assert notice["notification_id"] == f"{DOMAIN}_troubleshooter_{device_id}"
    # By its Home Assistant name, its Markdown shown as typed; the link goes to Repairs.
    assert notice["title"] == r"Two-way audio troubleshooter for Garden \[cam\]\(x\)"
    assert r"Garden \[cam\]\(x\)" in notice["message"]
    assert "[Settings → Repairs](/config/repairs)" in notice["message"]

    client = await repairs()
    result = await _start(client, issue_id)
    assert result["step_id"] == "hold_talk"
    result = await _choose(client, result["flow_id"], "next")
    result = await _choose(client, result["flow_id"], "next")
    assert result["step_id"] == "restart_battery"
    assert saved_step(hass, issue_id) == "restart"
    # The dialog is closed here; a second press reuses the issue and keeps its step.
    await _press(hass, FRONT_YARD)
    assert [item.issue_id for item in _troubleshooters(hass)] == [issue_id]
    assert len(await notices()) == 1
    result = await _start(client, issue_id)
    assert result["step_id"] == "restart_battery"
    assert result["description_placeholders"]["number"] == "3"
    result = await _choose(client, result["flow_id"], "solved")
    assert result["type"] == "create_entry"
    assert _troubleshooters(hass) == []
    assert await notices() == []


async def test_closed_once_the_failed_check_passes_again(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    notices: Notices,
) -> None:
    """Opened on an offline Front Door: the poll that sees it back closes issue and notice."""
    sim.world.patch_device(FRONT_DOOR, {"status": "offline"})
    await async_poll(hass, freezer)
    await _press(hass, FRONT_DOOR)
    (issue,) = _troubleshooters(hass)
    assert (issue.data or {})[DATA_FAILED] == "restart"
    await async_poll(hass, freezer)  # still offline: it stays
    assert len(_troubleshooters(hass)) == 1
    assert len(await notices()) == 1
    sim.world.patch_device(FRONT_DOOR, {"status": "online"})
    await async_poll(hass, freezer)
    assert _troubleshooters(hass) == []
    assert await notices() == []


async def test_closed_when_a_check_failed_in_the_flow_passes(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    repairs: ClientSessionGenerator,
    notices: Notices,
) -> None:
    """A healthy device's troubleshooter stays over polls; one its flow saw fail goes once fixed."""
    await _press(hass, FRONT_DOOR)
    (issue,) = _troubleshooters(hass)
    assert DATA_FAILED not in (issue.data or {})
    await async_poll(hass, freezer)
    assert (
        len(_troubleshooters(hass)) == 1
    )  # nothing failed: only the flow can close it
    client = await repairs()
    result = await _start(client, issue.issue_id)
    flow_id = result["flow_id"]
    while result["step_id"] != "restart":
        result = await _choose(client, flow_id, "next")
    sim.world.patch_device(FRONT_DOOR, {"status": "offline"})
    await async_poll(hass, freezer)
    result = await _choose(client, flow_id, "unplugged")
    assert result["description_placeholders"]["result"] == "❌"
    assert (ir.async_get(hass).async_get_issue(DOMAIN, issue.issue_id).data or {})[
        DATA_FAILED
    ] == "restart"
    sim.world.patch_device(FRONT_DOOR, {"status": "online"})
    await async_poll(hass, freezer)
    result = await _choose(client, flow_id, "unplugged")
    assert result["description_placeholders"]["result"] == "✅"
    assert _troubleshooters(hass) == []
    assert await notices() == []
    # Going on in the dialog after that does not bring the issue back.
    result = await _choose(client, flow_id, "next")
    assert result["step_id"] == "internet"
    assert _troubleshooters(hass) == []


async def test_ignored_troubleshooter_pressed_again_is_shown(
    hass: HomeAssistant, init_integration: ConfigEntry
) -> None:
    """Asked for again, an ignored troubleshooter comes back to the Repairs list."""
    await _press(hass, FRONT_YARD)
    (issue,) = _troubleshooters(hass)
    ir.async_ignore_issue(hass, DOMAIN, issue.issue_id, True)
    await _press(hass, FRONT_YARD)
    (issue,) = _troubleshooters(hass)
    assert issue.dismissed_version is None


async def test_unload_withdraws_the_notification(
    hass: HomeAssistant,
    init_integration: ConfigEntry,
    notices: Notices,
) -> None:
    """Unloading the account withdraws its troubleshooter, and so its notification."""
    await _press(hass, FRONT_YARD)
    assert len(await notices()) == 1
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    assert _troubleshooters(hass) == []
    assert await notices() == []


async def test_notification_in_english_without_a_translation(
    hass: HomeAssistant,
    init_integration: ConfigEntry,
    notices: Notices,
) -> None:
    """A language Blink Health has no texts for gets the English notification."""
    hass.config.language = "de"
    await _press(hass, FRONT_YARD)
    (notice,) = await notices()
    assert notice["title"] == "Two-way audio troubleshooter for Front Yard"


async def test_saved_step_that_no_longer_applies_starts_over(
    hass: HomeAssistant,
    init_integration: ConfigEntry,
    repairs: ClientSessionGenerator,
) -> None:
    """A saved step the device has none of (a talk step) is not resumed: step 1 shows."""
    await _press(hass, FRONT_YARD)
    (issue,) = _troubleshooters(hass)
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue.issue_id,
        data={**(issue.data or {}), DATA_STEP: "no_such_step"},
        is_fixable=True,
        severity=ir.IssueSeverity.WARNING,
        translation_key="troubleshoot",
        translation_placeholders=issue.translation_placeholders,
    )
    client = await repairs()
    result = await _start(client, issue.issue_id)
    assert result["step_id"] == "hold_talk"


async def test_device_name_falls_back_to_blink(
    hass: HomeAssistant, init_integration: ConfigEntry
) -> None:
    """Without a Home Assistant device, Blink's name; for an unknown serial, nothing."""
    assert device_name(hass, init_integration, "nope") == ""


async def test_diagnose_action_opens_the_same_troubleshooter(
    hass: HomeAssistant, init_integration: ConfigEntry, notices: Notices
) -> None:
    """The diagnose action's open_troubleshooter reuses the button's issue and notification."""
    await _press(hass, FRONT_YARD)
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
    (issue,) = _troubleshooters(hass)
    assert response["troubleshooter_issue_id"] == issue.issue_id
    assert len(await notices()) == 1
