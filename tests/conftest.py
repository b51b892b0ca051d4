"""Shared fixtures for Blink Health tests."""

from __future__ import annotations

# Home Assistant puts phcc's testing_config on sys.path, and its own `custom_components`
# package would then shadow this repository's. Importing ours first pins the right one.
import custom_components.blink_health  # noqa: F401  # isort: skip

from collections.abc import Generator

import pytest
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    enable_custom_integrations: None,
) -> Generator[None]:
    """Let Home Assistant load the integration from custom_components/."""
    return


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Store snapshots as Home Assistant's syrupy extension formats them, under tests/snapshots."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)
