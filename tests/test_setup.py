"""The integration loads in Home Assistant."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.loader import async_get_integration
from homeassistant.setup import async_setup_component

from custom_components.blink_health.const import DOMAIN


async def test_integration_is_this_repository(hass: HomeAssistant) -> None:
    """Home Assistant resolves the domain to this repository's package, not phcc's copy."""
    integration = await async_get_integration(hass, DOMAIN)
    assert integration.pkg_path == "custom_components.blink_health"
    assert str(integration.file_path).endswith("custom_components/blink_health")
    assert integration.requirements == ["blinkpy==0.25.9"]


async def test_async_setup(hass: HomeAssistant) -> None:
    """async_setup succeeds with no YAML configuration."""
    assert await async_setup_component(hass, DOMAIN, {})
    assert DOMAIN in hass.config.components
