"""Drive repair fix flows over Home Assistant's HTTP API (core's tests/components/repairs helpers)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.components.repairs.websocket_api import (
    RepairsFlowIndexView,
    RepairsFlowResourceView,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from custom_components.blink_health.const import CORE_DOMAIN, DOMAIN


async def start_repair_fix_flow(
    client: TestClient, handler: str, issue_id: str
) -> dict[str, Any]:
    """Start a fix flow for an issue; return the first step."""
    url = RepairsFlowIndexView.url
    resp = await client.post(url, json={"handler": handler, "issue_id": issue_id})
    assert resp.status == HTTPStatus.OK, await resp.text()
    result: dict[str, Any] = await resp.json()
    return result


async def process_repair_fix_flow(
    client: TestClient, flow_id: str, json: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Answer the current step of a fix flow (a menu choice or a form); return the next step."""
    url = RepairsFlowResourceView.url.format(flow_id=flow_id)
    resp = await client.post(url, json=json)
    assert resp.status == HTTPStatus.OK, await resp.text()
    result: dict[str, Any] = await resp.json()
    return result


def device_issue_id(hass: HomeAssistant, kind: str, serial: str) -> str:
    """Return the id of a device's issue: `{kind}_{device id}`, never the serial (issue 19)."""
    registry = dr.async_get(hass)
    devices = registry.async_get_devices(
        identifiers={(DOMAIN, serial), (CORE_DOMAIN, serial)}
    )
    # Core Blink's device, when the entities joined it, else Blink Health's own.
    device = next((d for d in devices if (CORE_DOMAIN, serial) in d.identifiers), None)
    device = device or next(iter(devices), None)
    if device is not None:
        return f"{kind}_{device.id}"
    # Removed (a camera away after a re-add timed out): the registry keeps its id.
    deleted = next(
        d
        for d in registry.deleted_devices.values()
        if (DOMAIN, serial) in d.identifiers
    )
    return f"{kind}_{deleted.id}"
