"""Diagnostics: useful to support, with nothing that identifies the user or lets anyone sign in."""

from __future__ import annotations

import json
import re

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from blinksim.server import SimServer

pytestmark = pytest.mark.freeze_time("2026-11-25T12:00:00+00:00")


async def test_diagnostics(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    hass_client: ClientSessionGenerator,
    snapshot: SnapshotAssertion,
) -> None:
    """The snapshot shows the redacted entry, health, findings and raw homescreen."""
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_integration
    )
    assert diagnostics == snapshot(
        exclude=props("latency_ms", "created_at", "modified_at")
    )

    text = json.dumps(diagnostics)
    account = sim.world.account
    secrets = [
        account.email,
        account.password,
        init_integration.data["token"],
        init_integration.data["refresh_token"],
        init_integration.data["hardware_id"],
        *sim.world.devices,
        *sim.world.sync_modules,
    ]
    leaked = [secret for secret in secrets if secret in text]
    assert not leaked
    # Account and user ids: under the homescreen's generic account.id, and inside every
    # thumbnail path (/accounts/<id>/...), which keeps its shape.
    ids = [str(account.account_id), str(account.user_id)]
    assert [i for i in ids if re.search(rf"(?<![0-9]){i}(?![0-9])", text)] == []
    assert diagnostics["homescreen"]["account"]["id"] == "**REDACTED**"
    thumbnails = [c["thumbnail"] for c in diagnostics["homescreen"]["cameras"]]
    assert thumbnails
    assert all(
        t.startswith("/api/v3/media/accounts/**REDACTED**/networks/")
        for t in thumbnails
    )
    assert diagnostics["health"]["cameras"]
    assert diagnostics["homescreen"]["cameras"]
