"""Binary sensors of Blink Health: device online, low battery; Blink cloud reachable."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import override

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import (
    BlinkHealthAccountEntity,
    BlinkHealthEntity,
    Device,
    account_key,
    async_track_devices,
)
from .health import CameraHealth, PowerSource
from .runtime import BlinkHealthConfigEntry

# Read-only platform: all data comes from the coordinator.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class DeviceBinarySensorDescription(BinarySensorEntityDescription):
    """A binary sensor of one device: how to read it and which devices have it."""

    value_fn: Callable[[Device], bool | None]
    exists_fn: Callable[[Device], bool] = lambda _: True


def _low_battery(device: Device) -> bool | None:
    """Return True when Blink reports the battery as low."""
    if not isinstance(device, CameraHealth) or device.battery_ok is None:
        return None
    return not device.battery_ok


DEVICE_BINARY_SENSORS: tuple[DeviceBinarySensorDescription, ...] = (
    DeviceBinarySensorDescription(
        key="online",
        translation_key="online",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        value_fn=lambda device: device.online,
    ),
    DeviceBinarySensorDescription(
        key="battery",
        device_class=BinarySensorDeviceClass.BATTERY,
        value_fn=_low_battery,
        exists_fn=lambda device: (
            isinstance(device, CameraHealth)
            and device.power_source is not PowerSource.MAINS
        ),
    ),
)

CLOUD_REACHABLE = BinarySensorEntityDescription(
    key="cloud_reachable",
    translation_key="cloud_reachable",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BlinkHealthConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the cloud sensor and every device's binary sensors, now and as devices appear."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities(
        [CloudReachableSensor(coordinator, account_key(entry), CLOUD_REACHABLE)]
    )

    def entities_for(serial: str, device: Device) -> list[BinarySensorEntity]:
        """Return the binary sensors this device has."""
        return [
            DeviceBinarySensor(coordinator, serial, description)
            for description in DEVICE_BINARY_SENSORS
            if description.exists_fn(device)
        ]

    async_track_devices(entry, async_add_entities, entities_for)


class DeviceBinarySensor(BlinkHealthEntity, BinarySensorEntity):
    """An on/off state of one device."""

    entity_description: DeviceBinarySensorDescription

    @property
    @override
    def is_on(self) -> bool | None:
        """Return the state from the latest poll."""
        device = self.device
        return None if device is None else self.entity_description.value_fn(device)


class CloudReachableSensor(BlinkHealthAccountEntity, BinarySensorEntity):
    """Whether the last poll reached the Blink cloud (available to say it did not)."""

    available_offline = True

    @property
    @override
    def is_on(self) -> bool:
        """Return True when the last poll succeeded."""
        return self.coordinator.last_update_success
