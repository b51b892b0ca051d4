"""JSON views of the simulated account for the control API (GET /_sim/state and patch answers)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .model import Device, Plug, SyncModule

if TYPE_CHECKING:
    from .world import World


def device_state(
    world: World, device: Device, now: float | None = None
) -> dict[str, Any]:
    """Describe a device as /_sim/state does."""
    now = world.now() if now is None else now
    last_seen = world.device_last_seen(device, now)
    plug = world.plug_for(device.serial)
    return {
        "serial": device.serial,
        "id": device.id,
        "type": device.type,
        "kind": device.kind,
        "name": device.name,
        "network_id": device.network_id,
        "status": "online" if last_seen is None else "offline",
        "configured_status": device.status,
        "hung": world.hung_since(device, now) is not None,
        "last_seen": world.iso(now if last_seen is None else last_seen),
        "enabled": device.enabled,
        "power": device.power,
        "plug": None if plug is None else plug.id,
        "fw_version": device.fw_version,
        "signals": {
            "wifi": device.wifi,
            "lfr": device.lfr,
            "wifi_rssi": device.wifi_rssi,
            "lfr_rssi": device.lfr_rssi,
            "battery": device.battery,
            "battery_bars": device.battery_bars,
            "battery_voltage": device.battery_voltage,
            "temperature": device.temperature,
        },
        # How its answers are shaped (docs/fidelity.md): the variants real captures show.
        "shape": {
            "config_shape": device.config_shape,
            "wifi_strength_unknown": device.wifi_strength_unknown,
            "temp_adjust": device.temp_adjust,
            "thumbnail_form": device.thumbnail_form,
        },
    }


def sync_state(
    world: World, sync: SyncModule, now: float | None = None
) -> dict[str, Any]:
    """Describe a Sync Module as /_sim/state does."""
    now = world.now() if now is None else now
    last_seen = world.sync_last_seen(sync, now)
    plug = world.plug_for(sync.serial)
    return {
        "serial": sync.serial,
        "id": sync.id,
        "type": sync.type,
        "subtype": sync.subtype,
        "local_storage_status": sync.local_storage_status,
        "name": sync.name,
        "network_id": sync.network_id,
        "status": "online" if last_seen is None else "offline",
        "configured_status": sync.status,
        "last_hb": world.iso(now if last_seen is None else last_seen),
        "wifi": sync.wifi,
        "fw_version": sync.fw_version,
        "sync_module_error": sync.sync_module_error,
        "plug": None if plug is None else plug.id,
    }


def plug_state(world: World, plug: Plug, now: float | None = None) -> dict[str, Any]:
    """Describe a plug as /_sim/state does."""
    now = world.now() if now is None else now
    return {
        "id": plug.id,
        "on": plug.on,
        "boot_seconds": plug.boot_seconds,
        "devices": list(plug.devices),
        "powered": plug.powered(now),
        "boot_remaining": plug.boot_remaining(now),
    }


def state(
    world: World,
) -> dict[str, Any]:
    """Describe the whole world for GET /_sim/state."""
    now = world.now()
    return {
        "scenario": world.name,
        "time": world.iso(now),
        "account": world.account.public(),
        "internet": world.internet.public(),
        "networks": [
            {
                "id": net.id,
                "name": net.name,
                "armed": net.armed,
                "sync_module": None
                if (sync := world.sync_module_for(net.id)) is None
                else sync.serial,
            }
            for net in world.networks.values()
        ],
        "sync_modules": [
            sync_state(world, sync, now) for sync in world.sync_modules.values()
        ],
        "devices": [
            device_state(world, device, now) for device in world.devices.values()
        ],
        "plugs": {
            plug.id: plug_state(world, plug, now) for plug in world.plugs.values()
        },
    }
