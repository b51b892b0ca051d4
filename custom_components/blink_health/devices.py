"""Keeps the device registry in step with the account: account, Sync Modules, cameras under them.

One house with the core Blink integration (issue 21): a device belongs to one config entry in
Home Assistant's registry, so where core Blink (`blink`) has a device for a serial, Blink
Health's entities join that device (their `device_id` points at it) and Blink Health keeps no
device of its own for the serial. Without core's device, Blink Health's own device
(`(blink_health, serial)`) holds them, as before. Moving between the two re-points the entities
(entity ids, customisations and history are the entity registry's and stay), carries the
device's area, name and labels over, and follows the excluded-devices option.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er

from .const import CONF_EXCLUDED, CORE_DOMAIN, DOMAIN, MANUFACTURER
from .health import AccountHealth

# Good polls a device must be missing from before its device is removed as stale.
STALE_AFTER_POLLS = 2

# Returns the last good poll's data (None before the first).
type HealthGetter = Callable[[], AccountHealth | None]


def device_signature(health: AccountHealth) -> tuple[tuple[object, ...], ...]:
    """Return what the device registry holds of the account's devices, to skip unchanged polls."""
    return (
        *(
            (serial, sync.name, sync.model, sync.firmware)
            for serial, sync in health.sync_modules.items()
        ),
        *(
            (
                serial,
                camera.name,
                camera.product.model,
                camera.product.type,
                camera.firmware,
                camera.sync_serial,
            )
            for serial, camera in health.cameras.items()
        ),
    )


def core_device(hass: HomeAssistant, serial: str) -> dr.DeviceEntry | None:
    """Return core Blink's device for this serial (of any core Blink entry), if it has one."""
    for device in dr.async_get(hass).async_get_devices(
        identifiers={(CORE_DOMAIN, serial)}
    ):
        owner = hass.config_entries.async_get_entry(device.config_entry_id)
        if owner is not None and owner.domain == CORE_DOMAIN:
            return device
    return None


def device_for(
    hass: HomeAssistant, entry: ConfigEntry[Any], serial: str
) -> dr.DeviceEntry | None:
    """Return the device that holds the entry's entities of a serial: its own, or core's."""
    own = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, serial), entry.entry_id
    )
    return own if own is not None else core_device(hass, serial)


def device_name(hass: HomeAssistant, entry: ConfigEntry[Any], serial: str) -> str:
    """Return what the user calls the serial's device: its Home Assistant name, never the serial."""
    device = device_for(hass, entry, serial)
    name = (device.name_by_user or device.name) if device is not None else None
    return name or "A Blink device"


def entry_and_serial(
    hass: HomeAssistant, device: dr.DeviceEntry | dr.ChildDeviceEntry
) -> tuple[ConfigEntry[Any], str] | None:
    """Return the Blink Health entry and serial of a device: its own, or core's it joined."""
    owner = hass.config_entries.async_get_entry(device.config_entry_id)
    if owner is not None and owner.domain == DOMAIN:
        serial = next((v for d, v in device.identifiers if d == DOMAIN), None)
        return (owner, serial) if serial is not None else None
    for item in er.async_entries_for_device(
        er.async_get(hass), device.id, include_disabled_entities=True
    ):
        if item.platform != DOMAIN or item.config_entry_id is None:
            continue
        entry = hass.config_entries.async_get_entry(item.config_entry_id)
        serial = next((v for d, v in device.identifiers if d == CORE_DOMAIN), None)
        if entry is not None and serial is not None:
            return entry, serial
    return None


def _entities_by_serial(
    hass: HomeAssistant, entry: ConfigEntry[Any]
) -> dict[str, list[er.RegistryEntry]]:
    """Return the entry's entities per serial (unique ids are "{serial}-{key}")."""
    entities: dict[str, list[er.RegistryEntry]] = {}
    for item in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id):
        serial, _, _ = item.unique_id.rpartition("-")
        entities.setdefault(serial, []).append(item)
    return entities


@callback
def async_sync_devices(
    hass: HomeAssistant,
    entry: ConfigEntry[Any],
    health: AccountHealth,
    retained: Collection[str] = (),
    missing_polls: dict[str, int] | None = None,
) -> None:
    """Create or update every device, parents first, and remove devices gone from the account.

    A device is removed once it has been missing from STALE_AFTER_POLLS good polls in a row, so
    one odd answer from Blink never deletes a device and its customised entities. Serials in
    `retained` (a camera being re-added) keep their device while they are away. A serial that
    core Blink has a device for is shared: the entities join core's device (module docstring).
    """
    missing = {} if missing_polls is None else missing_polls
    entities = _entities_by_serial(hass, entry)
    _async_register(hass, entry, health, entities)
    account = str(entry.unique_id)
    keep = health.serials | {account, *retained}
    for serial in set(missing) & keep:
        del missing[serial]
    registry = dr.async_get(hass)
    # Per serial gone from the account: its own device, or its entities on core's device.
    gone: dict[str, tuple[str | None, list[str]]] = {}
    for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
        serials = {value for domain, value in device.identifiers if domain == DOMAIN}
        if serials and not serials & keep:
            gone[min(serials)] = (device.id, [])
    for serial, items in entities.items():
        on_core = [item.entity_id for item in items if _on_core_device(hass, item)]
        if on_core and serial not in keep and serial not in gone:
            gone[serial] = (None, on_core)
    entity_registry = er.async_get(hass)
    for serial, (device_id, entity_ids) in gone.items():
        missing[serial] = missing.get(serial, 0) + 1
        if missing[serial] < STALE_AFTER_POLLS:
            continue
        del missing[serial]
        if device_id is not None:
            registry.async_update_device(
                device_id, remove_config_entry_id=entry.entry_id
            )
        # A shared device is core's to remove: only Blink Health's entities leave it.
        for entity_id in entity_ids:
            entity_registry.async_remove(entity_id)


def _on_core_device(hass: HomeAssistant, item: er.RegistryEntry) -> bool:
    """Return whether an entity is on a device of core Blink (a shared device)."""
    if item.device_id is None:
        return False
    device = dr.async_get(hass).async_get(item.device_id, include_child_devices=False)
    return device is not None and device.config_entry_id != item.config_entry_id


@callback
def _async_register(
    hass: HomeAssistant,
    entry: ConfigEntry[Any],
    health: AccountHealth,
    entities: Mapping[str, list[er.RegistryEntry]],
) -> None:
    """Create or update the account's devices, or join core's: parents first."""
    registry = dr.async_get(hass)
    account_device = registry.async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, str(entry.unique_id))},
        manufacturer=MANUFACTURER,
        model="Blink account",
        name="Blink account",
        entry_type=dr.DeviceEntryType.SERVICE,
    )
    sync_ids: dict[str, str] = {}
    for serial, sync in health.sync_modules.items():
        sync_ids[serial] = _async_device(
            hass,
            entry,
            serial,
            entities.get(serial, ()),
            model=sync.model,
            name=sync.name,
            serial_number=serial,
            sw_version=sync.firmware,
            via_device_id=account_device.id,
        )
    for serial, camera in health.cameras.items():
        _async_device(
            hass,
            entry,
            serial,
            entities.get(serial, ()),
            model=camera.product.model,
            # No model id: the device page would show Blink's code ("(catalina)") beside the
            # model's name (issue 19); None also clears one set before.
            model_id=None,
            name=camera.name,
            serial_number=serial,
            sw_version=camera.firmware,
            # Under its Sync Module's device, which may be core's.
            via_device_id=sync_ids.get(camera.sync_serial or "", account_device.id),
        )


@callback
def _async_device(
    hass: HomeAssistant,
    entry: ConfigEntry[Any],
    serial: str,
    entities: Collection[er.RegistryEntry],
    **device_info: Any,
) -> str:
    """Return the id of the serial's device: core's (joined) or the entry's own (created)."""
    registry = dr.async_get(hass)
    own = registry.async_get_device_by_identifier((DOMAIN, serial), entry.entry_id)
    if (shared := core_device(hass, serial)) is not None:
        _async_move_entities(hass, entities, shared.id)
        if own is not None:
            # The entities have left it: the own device goes (the registry keeps it as
            # deleted, so it comes back with its id if core's device goes one day).
            _async_carry_over(hass, entry, _customisations(own), own.id, shared)
            registry.async_remove_device(own.id)
        return shared.id
    device = registry.async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, serial)},
        manufacturer=MANUFACTURER,
        **device_info,
    )
    _async_move_entities(hass, entities, device.id)
    return device.id


def _customisations(device: dr.DeviceEntry) -> dict[str, Any]:
    """Return what the user set on a device: area, name and labels."""
    return {
        "area_id": device.area_id,
        "name_by_user": device.name_by_user,
        "labels": set(device.labels),
    }


@callback
def _async_move_entities(
    hass: HomeAssistant, entities: Collection[er.RegistryEntry], device_id: str
) -> None:
    """Point the entities at the device (entity ids, customisations and history stay)."""
    registry = er.async_get(hass)
    for item in entities:
        current = registry.async_get(item.entity_id)
        if current is not None and current.device_id != device_id:
            registry.async_update_entity(item.entity_id, device_id=device_id)


@callback
def _async_carry_over(
    hass: HomeAssistant,
    entry: ConfigEntry[Any],
    customisations: Mapping[str, Any],
    old_id: str,
    new: dr.DeviceEntry,
) -> None:
    """Give the device that now holds the entities what the user set on the one before.

    Only what the new device lacks: a choice made on core's device is never overwritten.
    The excluded-devices option follows the move (it stores device ids).
    """
    changes: dict[str, Any] = {}
    if new.area_id is None and customisations["area_id"] is not None:
        changes["area_id"] = customisations["area_id"]
    if new.name_by_user is None and customisations["name_by_user"] is not None:
        changes["name_by_user"] = customisations["name_by_user"]
    if labels := set(customisations["labels"]) - new.labels:
        changes["labels"] = new.labels | labels
    if changes:
        dr.async_get(hass).async_update_device(new.id, **changes)
    _async_follow_exclusion(hass, entry, old_id, new.id)


@callback
def _async_follow_exclusion(
    hass: HomeAssistant, entry: ConfigEntry[Any], old_id: str, new_id: str
) -> None:
    """Keep a device excluded from health checks when its entities move to another device."""
    excluded: list[str] = list(entry.options.get(CONF_EXCLUDED) or ())
    if old_id in excluded:
        hass.config_entries.async_update_entry(
            entry,
            options={
                **entry.options,
                CONF_EXCLUDED: [
                    new_id if item == old_id else item for item in excluded
                ],
            },
        )


@callback
def async_follow_core_devices(
    hass: HomeAssistant, entry: ConfigEntry[Any], latest: HealthGetter
) -> CALLBACK_TYPE:
    """Move the entities when core Blink's device for a serial appears or goes, at once.

    Core Blink added later creates its devices: the entities join them. Core Blink removed
    takes its devices with it (the entity registry unlinks the entities): the entities go
    back to the entry's own devices, which take the shared device's area, name and labels.
    """

    @callback
    def _device_changed(event: Event[dr.EventDeviceRegistryUpdatedData]) -> None:
        """Re-home the entities when a core Blink device is created or removed."""
        data = event.data
        if data["action"] == "update":
            return
        if data["action"] == "remove":
            device = data["device"]
            serials = {v for d, v in device["identifiers"] if d == CORE_DOMAIN}
        else:
            created = dr.async_get(hass).async_get(data["device_id"])
            if created is None or created.config_entry_id == entry.entry_id:
                return
            serials = {v for d, v in created.identifiers if d == CORE_DOMAIN}
        health = latest()
        if not serials or health is None:
            return
        entities = _entities_by_serial(hass, entry)
        if not any(entities.get(serial) for serial in serials):
            return
        _async_register(hass, entry, health, entities)
        if data["action"] == "remove":
            _async_back_home(hass, entry, serials, data["device"])

    return hass.bus.async_listen(dr.EVENT_DEVICE_REGISTRY_UPDATED, _device_changed)


@callback
def _async_back_home(
    hass: HomeAssistant,
    entry: ConfigEntry[Any],
    serials: Collection[str],
    removed: Mapping[str, Any],
) -> None:
    """Give the entry's own device what the user had set on core's removed device.

    What was set on the shared device is the newest choice: its area and name win over what
    the own device had before it was shared; labels are joined.
    """
    registry = dr.async_get(hass)
    for serial in serials:
        own = registry.async_get_device_by_identifier((DOMAIN, serial), entry.entry_id)
        if own is None:
            continue  # not on the account any more: nothing to bring home
        area_id = removed.get("area_id") or own.area_id
        name_by_user = removed.get("name_by_user") or own.name_by_user
        labels = own.labels | set(removed.get("labels") or ())
        if (area_id, name_by_user, labels) != (
            own.area_id,
            own.name_by_user,
            own.labels,
        ):
            registry.async_update_device(
                own.id, area_id=area_id, name_by_user=name_by_user, labels=labels
            )
        _async_follow_exclusion(hass, entry, removed["id"], own.id)
