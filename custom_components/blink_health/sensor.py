"""Sensors of Blink Health: signal bars, RSSI, temperature, heartbeat, health; cloud latency."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
    EntityCategory,
    UnitOfTemperature,
    UnitOfTime,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import BlinkHealthCoordinator
from .entity import (
    BlinkHealthAccountEntity,
    BlinkHealthEntity,
    Device,
    account_key,
    async_track_devices,
)
from .health import CameraHealth, DeviceKind, SyncModuleHealth
from .outages.entities import async_add_history_sensors
from .playbook import (
    HEALTH_STATES,
    LOCAL_STORAGE_STATES,
    device_reasons,
    device_status,
    local_storage_state,
)
from .runtime import BlinkHealthConfigEntry

# Read-only platform: all data comes from the coordinator.
PARALLEL_UPDATES = 0

type SensorValue = int | float | str | datetime | None


@dataclass(frozen=True, kw_only=True)
class DeviceSensorDescription(SensorEntityDescription):
    """A sensor of one device: how to read it and which devices have it."""

    value_fn: Callable[[Device], SensorValue]
    exists_fn: Callable[[Device], bool] = lambda _: True


@dataclass(frozen=True, kw_only=True)
class AccountSensorDescription(SensorEntityDescription):
    """A sensor of the account, read from the coordinator."""

    value_fn: Callable[[BlinkHealthCoordinator], SensorValue]
    # Counted here, not read from Blink: meaningful (and needed) while Blink is unreachable.
    available_offline: bool = False


def _camera(device: Device) -> CameraHealth | None:
    """Return the device if it is a camera, Mini or doorbell."""
    return device if isinstance(device, CameraHealth) else None


DEVICE_SENSORS: tuple[DeviceSensorDescription, ...] = (
    DeviceSensorDescription(
        key="wifi_signal",
        translation_key="wifi_signal",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda device: device.wifi_bars,
    ),
    DeviceSensorDescription(
        key="sync_signal",
        translation_key="sync_signal",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda device: c.sync_bars if (c := _camera(device)) else None,
        exists_fn=lambda device: (c := _camera(device)) is not None and c.has_sync_link,
    ),
    DeviceSensorDescription(
        key="wifi_rssi",
        translation_key="wifi_rssi",
        device_class=SensorDeviceClass.SIGNAL_STRENGTH,
        native_unit_of_measurement=SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda device: c.wifi_rssi if (c := _camera(device)) else None,
        exists_fn=lambda device: _camera(device) is not None,
    ),
    DeviceSensorDescription(
        key="temperature",
        translation_key="temperature",
        device_class=SensorDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.FAHRENHEIT,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda device: c.temperature if (c := _camera(device)) else None,
        exists_fn=lambda device: (
            (c := _camera(device)) is not None and c.kind is not DeviceKind.MINI
        ),
    ),
    # Sync Module 2 with a USB drive: from the homescreen's own fields (issue 20).
    DeviceSensorDescription(
        key="local_storage",
        translation_key="local_storage",
        device_class=SensorDeviceClass.ENUM,
        options=LOCAL_STORAGE_STATES,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda device: (
            local_storage_state(device)
            if isinstance(device, SyncModuleHealth)
            else None
        ),
        exists_fn=lambda device: (
            isinstance(device, SyncModuleHealth)
            and device.local_storage_compatible is not None
        ),
    ),
    DeviceSensorDescription(
        key="last_heartbeat",
        translation_key="last_heartbeat",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda device: device.last_heartbeat,
        # Minis and doorbells report no time of their own (docs/fidelity.md).
        exists_fn=lambda device: (
            (c := _camera(device)) is None or c.kind is DeviceKind.CAMERA
        ),
    ),
)

HEALTH_SENSOR = SensorEntityDescription(
    key="health",
    translation_key="health",
    device_class=SensorDeviceClass.ENUM,
    options=list(HEALTH_STATES),
)

ACCOUNT_SENSORS: tuple[AccountSensorDescription, ...] = (
    AccountSensorDescription(
        key="cloud_latency",
        translation_key="cloud_latency",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MILLISECONDS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda coordinator: coordinator.latency_ms,
    ),
    AccountSensorDescription(
        key="api_requests",
        translation_key="api_requests",
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda coordinator: coordinator.cloud.request_log.in_last_hour(),
        # Counted here, not read from Blink: meaningful (and needed) while Blink is unreachable.
        available_offline=True,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BlinkHealthConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up sensors for the account and for every device, now and as devices appear."""
    coordinator = entry.runtime_data.coordinator
    account = account_key(entry)
    async_add_entities(
        BlinkHealthAccountSensor(coordinator, account, description)
        for description in ACCOUNT_SENSORS
    )

    def entities_for(serial: str, device: Device) -> list[SensorEntity]:
        """Return the sensors this device has."""
        sensors: list[SensorEntity] = [
            BlinkHealthDeviceSensor(coordinator, serial, description)
            for description in DEVICE_SENSORS
            if description.exists_fn(device)
        ]
        sensors.append(BlinkHealthStatusSensor(coordinator, serial, HEALTH_SENSOR))
        return sensors

    async_track_devices(entry, async_add_entities, entities_for)
    async_add_history_sensors(entry, async_add_entities)


class BlinkHealthDeviceSensor(BlinkHealthEntity, SensorEntity):
    """A measured value of one device."""

    entity_description: DeviceSensorDescription

    @property
    @override
    def native_value(self) -> SensorValue:
        """Return the value from the latest poll."""
        device = self.device
        return None if device is None else self.entity_description.value_fn(device)


class BlinkHealthStatusSensor(BlinkHealthEntity, SensorEntity):
    """The device's overall health from the playbook's findings, and the reasons for it."""

    # The reasons can change while the state stays (a problem with a second cause).
    _shown_attribute = "shown"

    @property
    @override
    def native_value(self) -> str:
        """Return ok, warning, problem, blocked or waiting (offline within its grace)."""
        return device_status(self.coordinator.findings, self.serial)

    @property
    @override
    def extra_state_attributes(self) -> dict[str, list[str]]:
        """Return why the health is not ok: the findings' kinds, worst first (empty: ok)."""
        return {"reasons": device_reasons(self.coordinator.findings, self.serial)}

    @property
    def shown(self) -> tuple[str, tuple[str, ...]]:
        """Return what the state and its reasons are made of."""
        findings = self.coordinator.findings
        return (
            device_status(findings, self.serial),
            tuple(device_reasons(findings, self.serial)),
        )


class BlinkHealthAccountSensor(BlinkHealthAccountEntity, SensorEntity):
    """A figure of the account: cloud latency or requests sent."""

    entity_description: AccountSensorDescription

    def __init__(
        self,
        coordinator: BlinkHealthCoordinator,
        account_id: str,
        description: AccountSensorDescription,
    ) -> None:
        """Bind the sensor to the account; its description says if it is Blink's figure."""
        super().__init__(coordinator, account_id, description)
        self.available_offline = description.available_offline

    @property
    @override
    def native_value(self) -> SensorValue:
        """Return the value kept by the coordinator."""
        return self.entity_description.value_fn(self.coordinator)
