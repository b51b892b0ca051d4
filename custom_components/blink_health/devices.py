"""Keeps the device registry in step with the account: account, Sync Modules, cameras under them."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from .const import DOMAIN, MANUFACTURER
from .health import AccountHealth

# Good polls a device must be missing from before its device is removed as stale.
STALE_AFTER_POLLS = 2


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
    `retained` (a camera being re-added) keep their device while they are away.
    """
    missing = {} if missing_polls is None else missing_polls
    registry = dr.async_get(hass)
    account = str(entry.unique_id)
    account_device = registry.async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, account)},
        manufacturer=MANUFACTURER,
        model="Blink account",
        name="Blink account",
        entry_type=dr.DeviceEntryType.SERVICE,
    )
    sync_ids: dict[str, str] = {}
    for serial, sync in health.sync_modules.items():
        sync_ids[serial] = registry.async_get_or_create(
            config_entry_id=entry.entry_id,
            identifiers={(DOMAIN, serial)},
            manufacturer=MANUFACTURER,
            model=sync.model,
            name=sync.name,
            serial_number=serial,
            sw_version=sync.firmware,
            via_device_id=account_device.id,
        ).id
    for serial, camera in health.cameras.items():
        parent = sync_ids.get(camera.sync_serial or "", account_device.id)
        registry.async_get_or_create(
            config_entry_id=entry.entry_id,
            identifiers={(DOMAIN, serial)},
            manufacturer=MANUFACTURER,
            model=camera.product.model,
            model_id=camera.product.type or None,
            name=camera.name,
            serial_number=serial,
            sw_version=camera.firmware,
            via_device_id=parent,
        )
    keep = health.serials | {account, *retained}
    for serial in set(missing) & keep:
        del missing[serial]
    for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
        serials = {value for domain, value in device.identifiers if domain == DOMAIN}
        if not serials or serials & keep:
            continue
        serial = min(serials)
        missing[serial] = missing.get(serial, 0) + 1
        if missing[serial] >= STALE_AFTER_POLLS:
            del missing[serial]
            registry.async_update_device(
                device.id, remove_config_entry_id=entry.entry_id
            )
