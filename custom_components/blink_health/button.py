"""Buttons of Blink Health: power-cycle a device through its smart plug, troubleshoot two-way audio."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import override

from homeassistant.components.button import (
    ButtonDeviceClass,
    ButtonEntity,
    ButtonEntityDescription,
)
from homeassistant.const import EntityCategory, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import DOMAIN
from .entity import BlinkHealthEntity, Device, async_track_devices
from .health import CameraHealth
from .power import can_power_cycle
from .runtime import BlinkHealthConfigEntry
from .settings import plug_for
from .troubleshooter_issue import async_open

# Each press is an action on a device: one at a time per platform is plenty.
PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class DeviceButtonDescription(ButtonEntityDescription):
    """A button of one device: which devices have it and what pressing it does."""

    exists_fn: Callable[[BlinkHealthConfigEntry, Device], bool]
    press_fn: Callable[[HomeAssistant, BlinkHealthConfigEntry, str], Awaitable[object]]


async def _open_troubleshooter(
    hass: HomeAssistant, entry: BlinkHealthConfigEntry, serial: str
) -> None:
    """Open the camera's guided two-way-audio troubleshooter (a repair issue) and announce it."""
    await async_open(hass, entry, serial)


async def _power_cycle(
    hass: HomeAssistant, entry: BlinkHealthConfigEntry, serial: str
) -> None:
    """Start a power cycle and return: the coordinator still watches the device come back."""
    entry.runtime_data.power.async_start(serial)


DEVICE_BUTTONS: tuple[DeviceButtonDescription, ...] = (
    DeviceButtonDescription(
        key="power_cycle",
        translation_key="power_cycle",
        device_class=ButtonDeviceClass.RESTART,
        exists_fn=lambda entry, device: (
            can_power_cycle(device) and plug_for(entry, device.serial) is not None
        ),
        press_fn=_power_cycle,
    ),
    DeviceButtonDescription(
        key="diagnose",
        translation_key="diagnose",
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=lambda entry, device: has_two_way_audio(device),
        press_fn=_open_troubleshooter,
    ),
)


def has_two_way_audio(device: Device) -> bool:
    """Return whether a device can have two-way audio to troubleshoot: a camera with a speaker.

    Models known to have none (health.PRODUCTS: Blink Indoor 1st gen, Blink XT) get no button;
    unknown models keep it (issue 19: better one button too many than a missing one).
    """
    return isinstance(device, CameraHealth) and device.supports_talk is not False


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BlinkHealthConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the buttons of every device, now and as devices appear."""
    coordinator = entry.runtime_data.coordinator
    registry = er.async_get(hass)

    def entities_for(serial: str, device: Device) -> list[ButtonEntity]:
        """Return the buttons this device has; a troubleshooter button it cannot have leaves."""
        if not has_two_way_audio(device) and (
            stale := registry.async_get_entity_id(
                Platform.BUTTON, DOMAIN, f"{serial}-diagnose"
            )
        ):
            # Earlier versions gave every camera one (issue 19): it would stay "unavailable".
            registry.async_remove(stale)
        return [
            DeviceButton(coordinator, serial, description)
            for description in DEVICE_BUTTONS
            if description.exists_fn(entry, device)
        ]

    async_track_devices(entry, async_add_entities, entities_for)


class DeviceButton(BlinkHealthEntity, ButtonEntity):
    """A button that acts on one device."""

    entity_description: DeviceButtonDescription

    @override
    async def async_press(self) -> None:
        """Run the button's action."""
        await self.entity_description.press_fn(
            self.hass, self.coordinator.config_entry, self.serial
        )
