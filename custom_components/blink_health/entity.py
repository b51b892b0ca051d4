"""Base entities of Blink Health and the bookkeeping that adds entities for new devices."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import override

from homeassistant.components.binary_sensor import BinarySensorEntity
from homeassistant.components.sensor import SensorEntity
from homeassistant.core import Event, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .coordinator import ACCOUNT_CONTEXT, BlinkHealthCoordinator
from .devices import core_device
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
    # What the state is made of, cheaper to read than the state itself: a sensor's or binary
    # sensor's own value (Home Assistant's state property converts and validates it, work
    # worth doing only when the value changed). Chosen once per class, not per update.
    _shown_attribute = "state"

    @override
    def __init_subclass__(cls, **kwargs: object) -> None:
        """Choose the attribute an entity class's state is made of."""
        super().__init_subclass__(**kwargs)
        if "_shown_attribute" in cls.__dict__:
            return  # the class names its own (a state with attributes of its own)
        if issubclass(cls, SensorEntity):
            cls._shown_attribute = "native_value"
        elif issubclass(cls, BinarySensorEntity):
            cls._shown_attribute = "is_on"

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Write the state if the entity's availability, state or attributes changed."""
        shown = (self.available, getattr(self, self._shown_attribute))
        if shown != self._shown:
            self._shown = shown
            self.async_write_ha_state()


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
        if (shared := core_device(coordinator.hass, serial)) is not None:
            # Core Blink has a device for this serial: join it (devices.py keeps the link).
            self.device_entry = shared
        else:
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
    """An entity of the Blink account.

    What comes from Blink's answers (the cloud latency) is unavailable while Blink cannot be
    reached; what this side knows by itself (whether Blink answered, the requests it sent)
    stays available to say so.
    """

    available_offline = False

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
        """Return True while Blink's data is on show; always for this side's own figures."""
        return self.available_offline or self.coordinator.data_available


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
    registry = er.async_get(coordinator.hass)
    # The entities made for each serial, so a device that comes back gets them again.
    known: dict[str, list[Entity]] = {}

    @callback
    def _forget_removed_entities(
        event: Event[er.EventEntityRegistryUpdatedData],
    ) -> None:
        """Forget a serial once all its entities are gone from the registry: if it returns, it gets entities.

        On the registry's own event, not a coordinator update: a poll that removes a stale
        device can carry the same data as the one before, and then no listener is called.
        Entities that move to another device (core Blink's shared device, or back to Blink
        Health's own) stay in the registry, so their serial stays known.
        """
        if event.data["action"] != "remove":
            return
        removed = event.data["entity_id"]
        for serial, entities in list(known.items()):
            if any(entity.entity_id == removed for entity in entities) and not any(
                entity.entity_id is not None and registry.async_get(entity.entity_id)
                for entity in entities
            ):
                del known[serial]

    @callback
    def _add_new_devices() -> None:
        """Create entities for serials not seen before."""
        new: list[Entity] = []
        for device in iter_devices(coordinator.data):
            if device.serial not in known:
                known[device.serial] = list(entities_for(device.serial, device))
                new.extend(known[device.serial])
        if new:
            async_add_entities(new)

    _add_new_devices()
    entry.async_on_unload(coordinator.async_add_listener(_add_new_devices))
    entry.async_on_unload(
        coordinator.hass.bus.async_listen(
            er.EVENT_ENTITY_REGISTRY_UPDATED, _forget_removed_entities
        )
    )
