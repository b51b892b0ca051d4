"""Sensors of the outage history: per device outages, last outage, availability; account counts.

Their figures come from the stored history, not from the latest poll, so they stay
available while the cloud cannot be reached and show the same figures after a restart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, UnitOfTime
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from custom_components.blink_health.coordinator import BlinkHealthCoordinator
from custom_components.blink_health.entity import (
    BlinkHealthAccountEntity,
    BlinkHealthEntity,
    Device,
    account_key,
    async_track_devices,
)

from .tracker import OutageHistory

if TYPE_CHECKING:
    from custom_components.blink_health.runtime import BlinkHealthConfigEntry

type Figure = int | float | None


@dataclass(frozen=True, kw_only=True)
class OutageSensorDescription(SensorEntityDescription):
    """A figure of one device's outage history."""

    value_fn: Callable[[OutageHistory, str], Figure]


@dataclass(frozen=True, kw_only=True)
class AccountHistorySensorDescription(SensorEntityDescription):
    """A figure of the account's history."""

    value_fn: Callable[[OutageHistory], Figure]


# Measurements (not totals): each is a rolling window's figure, going down as well as up;
# with a state class the recorder keeps their long-term statistics.
DEVICE_HISTORY_SENSORS: tuple[OutageSensorDescription, ...] = (
    OutageSensorDescription(
        key="outages_24h",
        translation_key="outages_24h",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda history, serial: history.outages_24h(serial),
    ),
    OutageSensorDescription(
        key="last_outage",
        translation_key="last_outage",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda history, serial: history.last_outage_seconds(serial),
    ),
    OutageSensorDescription(
        key="availability_7d",
        translation_key="availability_7d",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda history, serial: history.availability_7d(serial),
    ),
)

ACCOUNT_HISTORY_SENSORS: tuple[AccountHistorySensorDescription, ...] = (
    AccountHistorySensorDescription(
        key="power_cycles_7d",
        translation_key="power_cycles_7d",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda history: history.power_cycles_7d(),
    ),
    AccountHistorySensorDescription(
        key="readds_7d",
        translation_key="readds_7d",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda history: history.readds_7d(),
    ),
)


def async_add_history_sensors(
    entry: BlinkHealthConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add the history sensors of the account and of every device, now and as devices appear."""
    coordinator = entry.runtime_data.coordinator
    history = entry.runtime_data.outages
    async_add_entities(
        AccountHistorySensor(history, coordinator, account_key(entry), description)
        for description in ACCOUNT_HISTORY_SENSORS
    )

    def entities_for(serial: str, device: Device) -> list[SensorEntity]:
        """Return the history sensors of a device (every kind has them)."""
        return [
            DeviceHistorySensor(history, coordinator, serial, description)
            for description in DEVICE_HISTORY_SENSORS
        ]

    async_track_devices(entry, async_add_entities, entities_for)


class DeviceHistorySensor(BlinkHealthEntity, SensorEntity):
    """A figure of one device's outage history."""

    entity_description: OutageSensorDescription

    def __init__(
        self,
        history: OutageHistory,
        coordinator: BlinkHealthCoordinator,
        serial: str,
        description: OutageSensorDescription,
    ) -> None:
        """Bind the sensor to the history and, like every device entity, to its device."""
        super().__init__(coordinator, serial, description)
        self.history = history

    @override
    async def async_added_to_hass(self) -> None:
        """Follow the device's history as well as its polls."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.history.async_add_listener(
                self._handle_coordinator_update, self.serial
            )
        )

    @property
    @override
    def available(self) -> bool:
        """Return True while the history knows the device (the cloud's reachability aside)."""
        return self.history.record(self.serial) is not None

    @property
    @override
    def native_value(self) -> Figure:
        """Return the figure from the history."""
        return self.entity_description.value_fn(self.history, self.serial)


class AccountHistorySensor(BlinkHealthAccountEntity, SensorEntity):
    """A figure of the account's history: power cycles or re-adds in the last 7 days."""

    entity_description: AccountHistorySensorDescription

    def __init__(
        self,
        history: OutageHistory,
        coordinator: BlinkHealthCoordinator,
        account_id: str,
        description: AccountHistorySensorDescription,
    ) -> None:
        """Bind the sensor to the history and to the account's device."""
        super().__init__(coordinator, account_id, description)
        self.history = history

    @override
    async def async_added_to_hass(self) -> None:
        """Follow the history."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.history.async_add_listener(self._handle_coordinator_update)
        )

    @property
    @override
    def native_value(self) -> Figure:
        """Return the figure from the history."""
        return self.entity_description.value_fn(self.history)
