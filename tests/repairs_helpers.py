"""Drive repair fix flows over Home Assistant's HTTP API (core's tests/components/repairs helpers)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.components.repairs.websocket_api import (
    RepairsFlowIndexView,
    RepairsFlowResourceView,
)


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
