"""Base entities of Blink Health and the bookkeeping that adds entities for new devices."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import override

from homeassistant.components.binary_sensor import BinarySensorEntity
from homeassistant.components.sensor import SensorEntity
from homeassistant.core import Event, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .coordinator import ACCOUNT_CONTEXT, BlinkHealthCoordinator
from .health import CameraHealth, SyncModuleHealth, iter_devices
from .runtime import BlinkHealthConfigEntry

type Device = SyncModuleHealth | CameraHealth


class WriteOnChangeEntity(CoordinatorEntity[BlinkHealthCoordinator]):
    """A coordinator entity that writes its state only when what it shows has changed.

    A poll brings news for a few devices, yet would rewrite every entity of the account
    (hundreds with 100 cameras): an unchanged state is not written again.
    """

    _attr_has_entity_name = True
    _shown: tuple[object, ...] | None = None

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Write the state if the entity's availability, state or attributes changed."""
        shown = (self.available, self._shown_value())
        if shown != self._shown:
            self._shown = shown
            self.async_write_ha_state()

    def _shown_value(self) -> object:
        """Return what the state is made of, cheaper to read than the state itself.

        A sensor's or binary sensor's own value: Home Assistant's state property converts
        and validates it, work worth doing only when the value changed.
        """
        if isinstance(self, SensorEntity):
            return self.native_value
        if isinstance(self, BinarySensorEntity):
            return self.is_on
        return self.state


class BlinkHealthEntity(WriteOnChangeEntity):
    """An entity of one Blink device (camera, Mini, doorbell or Sync Module)."""

    def __init__(
        self,
        coordinator: BlinkHealthCoordinator,
        serial: str,
        description: EntityDescription,
    ) -> None:
        """Bind the entity to a device by serial: the serial survives a camera being re-added."""
        # The serial is the listener context: a poll tells the entity only of its own device.
        super().__init__(coordinator, context=serial)
        self.entity_description = description
        self.serial = serial
        self._attr_unique_id = f"{serial}-{description.key}"
        self._attr_device_info = DeviceInfo(identifiers={(DOMAIN, serial)})

    @property
    def device(self) -> Device | None:
        """Return the device's latest health, or None when it is gone from the account."""
        return (
            self.coordinator.data.device(self.serial) if self.coordinator.data else None
        )

    @property
    @override
    def available(self) -> bool:
        """Return True while the device is on the account and its data is on show.

        Through a transient failure the last values stay (coordinator.data_available), until
        *Blink cloud unreachable* would be raised.
        """
        return self.coordinator.data_available and self.device is not None


class BlinkHealthAccountEntity(WriteOnChangeEntity):
    """An entity of the Blink account: it stays available to say when the cloud is unreachable."""

    def __init__(
        self,
        coordinator: BlinkHealthCoordinator,
        account_id: str,
        description: EntityDescription,
    ) -> None:
        """Bind the entity to the account's device."""
        super().__init__(coordinator, context=ACCOUNT_CONTEXT)
        self.entity_description = description
        self._attr_unique_id = f"{account_id}-{description.key}"
        self._attr_device_info = DeviceInfo(identifiers={(DOMAIN, account_id)})

    @property
    @override
    def available(self) -> bool:
        """Stay available: these entities report the cloud's own reachability."""
        return True


def account_key(entry: BlinkHealthConfigEntry) -> str:
    """Return the account id that names the account device and its entities."""
    return str(entry.unique_id)


@callback
def async_track_devices(
    entry: BlinkHealthConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    entities_for: Callable[[str, Device], Iterable[Entity]],
) -> None:
    """Add entities for every device now and for each device that appears later, without a reload."""
    coordinator = entry.runtime_data.coordinator
    known: set[str] = set()

    @callback
    def _forget_removed_device(event: Event[dr.EventDeviceRegistryUpdatedData]) -> None:
        """Forget a device once it is gone from the registry: if it returns, it gets entities.

        On the registry's own event, not a coordinator update: a poll that removes a stale
        device can carry the same data as the one before, and then no listener is called.
        A device kept while it is away (a re-add) keeps its entities and stays known.
        """
        if event.data["action"] == "remove":
            known.difference_update(
                value
                for domain, value in event.data["device"]["identifiers"]
                if domain == DOMAIN
            )

    @callback
    def _add_new_devices() -> None:
        """Create entities for serials not seen before."""
        new: list[Entity] = []
        for device in iter_devices(coordinator.data):
            if device.serial not in known:
                known.add(device.serial)
                new.extend(entities_for(device.serial, device))
        if new:
            async_add_entities(new)

    _add_new_devices()
    entry.async_on_unload(coordinator.async_add_listener(_add_new_devices))
    entry.async_on_unload(
        coordinator.hass.bus.async_listen(
            dr.EVENT_DEVICE_REGISTRY_UPDATED, _forget_removed_device
        )
    )
