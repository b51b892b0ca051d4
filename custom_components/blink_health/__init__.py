"""The Blink Health integration: health, repairs and fixes for Blink cameras and Sync Modules."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.typing import ConfigType

from .cloud import BlinkCloud, async_create_session
from .const import DOMAIN
from .coordinator import BlinkHealthConfigEntry, BlinkHealthCoordinator
from .services import async_setup_services

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)

PLATFORMS: list[Platform] = [Platform.BINARY_SENSOR, Platform.SENSOR]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Set up Blink Health: actions are registered here so automations always validate."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: BlinkHealthConfigEntry) -> bool:
    """Sign in (only if the stored tokens cannot be used), poll once, then add the entities."""
    session, request_log = async_create_session(hass)
    coordinator: BlinkHealthCoordinator | None = None

    def _tokens_refreshed() -> None:
        """Persist tokens blinkpy refreshed in the middle of a request."""
        if coordinator is not None:
            coordinator.save_tokens()

    cloud = BlinkCloud(session, request_log, entry.data, on_tokens=_tokens_refreshed)
    coordinator = BlinkHealthCoordinator(hass, entry, cloud)
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = coordinator
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(
    hass: HomeAssistant, entry: BlinkHealthConfigEntry
) -> bool:
    """Unload the entry's platforms; its session is closed by Home Assistant."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: BlinkHealthConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Let the user delete a device only when it is no longer on the Blink account."""
    health = entry.runtime_data.data
    serials = {value for domain, value in device.identifiers if domain == DOMAIN}
    if str(entry.unique_id) in serials:
        return False
    return health is None or not serials & health.serials
