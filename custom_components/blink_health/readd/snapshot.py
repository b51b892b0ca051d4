"""Home Assistant's side of a re-add: the camera's device and entities kept, then put back."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er

from custom_components.blink_health.const import DOMAIN, LOGGER
from custom_components.blink_health.devices import device_for, device_name
from custom_components.blink_health.errors import translated_error
from custom_components.blink_health.health import AccountHealth
from custom_components.blink_health.settings import async_set_plug, plug_for

from .account import final_check, sync_module_name
from .procedure import EntitySnapshot, Procedure, Snapshot


@callback
def async_begin(
    hass: HomeAssistant,
    entry: ConfigEntry[Any],
    health: AccountHealth | None,
    serial: str,
    *,
    now: datetime,
    duration: timedelta,
) -> Procedure:
    """Begin a re-add of a camera that is on the account: snapshot its Home Assistant side."""
    camera = health.cameras.get(serial) if health is not None else None
    if health is None or camera is None:
        if health is not None and (sync := health.sync_modules.get(serial)):
            raise translated_error("readd_not_a_camera", device=sync.name)
        raise translated_error(
            "device_not_on_account", device=device_name(hass, entry, serial)
        )
    return Procedure(
        serial=serial,
        name=camera.name,
        power=camera.power_source,
        started=now,
        deadline=now + duration,
        watched_since=now,
        snapshot=async_snapshot(hass, entry, serial),
        camera_id=camera.id,
        sync_module=sync_module_name(health, camera),
    )


@callback
def async_rebind(
    hass: HomeAssistant,
    entry: ConfigEntry[Any],
    procedure: Procedure,
    health: AccountHealth,
) -> Procedure:
    """Restore the snapshot on a camera that is back and online; keep its health check."""
    LOGGER.info("%s is back on the account and online", procedure.name)
    serial = procedure.serial
    return replace(
        procedure,
        entities=async_restore(hass, entry, serial, procedure.snapshot),
        final=final_check(health, health.cameras[serial]),
    )


def _device(
    hass: HomeAssistant, entry: ConfigEntry[Any], serial: str
) -> dr.DeviceEntry | None:
    """Return the device holding the camera's entities: this entry's own, or core Blink's."""
    return device_for(hass, entry, serial)


@callback
def async_snapshot(
    hass: HomeAssistant, entry: ConfigEntry[Any], serial: str
) -> Snapshot:
    """Record the camera's device, its entities with their customisations, and its plug."""
    device = _device(hass, entry, serial)
    entities: list[EntitySnapshot] = []
    if device is not None:
        registry = er.async_get(hass)
        entities = [
            {
                "unique_id": item.unique_id,
                "domain": item.domain,
                "entity_id": item.entity_id,
                "name": item.name,
                "icon": item.icon,
                "area_id": item.area_id,
                "disabled_by": str(item.disabled_by) if item.disabled_by else None,
                "hidden_by": str(item.hidden_by) if item.hidden_by else None,
                "labels": sorted(item.labels),
            }
            for item in sorted(
                er.async_entries_for_device(
                    registry, device.id, include_disabled_entities=True
                ),
                key=lambda item: item.entity_id,
            )
            if item.config_entry_id == entry.entry_id
        ]
    return {
        "device_id": device.id if device is not None else None,
        "name": device.name if device is not None else None,
        "name_by_user": device.name_by_user if device is not None else None,
        "area_id": device.area_id if device is not None else None,
        "labels": sorted(device.labels) if device is not None else [],
        "entities": entities,
        "plug": plug_for(entry, serial),
    }


@callback
def async_restore(
    hass: HomeAssistant,
    entry: ConfigEntry[Any],
    serial: str,
    snapshot: Snapshot,
) -> list[str]:
    """Put the snapshot back on the camera's device and entities; return its entity ids.

    The device was kept while the camera was away, so mostly nothing differs. What can:
    Blink's name for the camera (the person typed a new one in the app: Home Assistant keeps
    showing the old one), customisations made while it was away, and the plug mapping (the
    options' plug page drops devices that are not on the account when it is saved).
    """
    device = _device(hass, entry, serial)
    if device is None:  # pragma: no cover - kept while the camera is away
        return []
    name_by_user = snapshot["name_by_user"]
    if name_by_user is None and snapshot["name"] not in (None, device.name):
        name_by_user = snapshot["name"]
    device_changes: dict[str, Any] = {}
    if device.name_by_user != name_by_user:
        device_changes["name_by_user"] = name_by_user
    if device.area_id != snapshot["area_id"]:
        device_changes["area_id"] = snapshot["area_id"]
    if set(device.labels) != set(snapshot["labels"]):
        device_changes["labels"] = set(snapshot["labels"])
    if device_changes:
        dr.async_get(hass).async_update_device(device.id, **device_changes)
    registry = er.async_get(hass)
    for saved in snapshot["entities"]:
        entity_id = registry.async_get_entity_id(
            saved["domain"], DOMAIN, saved["unique_id"]
        )
        if entity_id is None or (current := registry.async_get(entity_id)) is None:
            continue  # not created yet: its platform adds it with the same unique id
        _restore_entity(hass, registry, current, saved)
    if (plug := snapshot["plug"]) is not None and plug_for(entry, serial) is None:
        async_set_plug(hass, entry, serial, plug)
    return sorted(
        item.entity_id
        for item in er.async_entries_for_device(
            registry, device.id, include_disabled_entities=True
        )
        if item.config_entry_id == entry.entry_id
    )


def _restore_entity(
    hass: HomeAssistant,
    registry: er.EntityRegistry,
    current: er.RegistryEntry,
    saved: EntitySnapshot,
) -> None:
    """Give one entity back its entity id (when free) and customisations."""
    changes: dict[str, Any] = {
        key: value
        for key, value in (
            ("name", saved["name"]),
            ("icon", saved["icon"]),
            ("area_id", saved["area_id"]),
        )
        if getattr(current, key) != value
    }
    target = saved["entity_id"]
    if (
        current.entity_id != target
        and not registry.async_is_registered(target)
        and hass.states.get(target) is None
    ):
        changes["new_entity_id"] = target
    disabled_by = (
        er.RegistryEntryDisabler(saved["disabled_by"]) if saved["disabled_by"] else None
    )
    if current.disabled_by != disabled_by:
        changes["disabled_by"] = disabled_by
    hidden_by = (
        er.RegistryEntryHider(saved["hidden_by"]) if saved["hidden_by"] else None
    )
    if current.hidden_by != hidden_by:
        changes["hidden_by"] = hidden_by
    if set(current.labels) != set(saved["labels"]):
        changes["labels"] = set(saved["labels"])
    if changes:
        registry.async_update_entity(current.entity_id, **changes)
