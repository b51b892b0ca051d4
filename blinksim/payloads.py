"""JSON bodies in the shapes the Blink cloud sends (blink_api.md §5.5, §5.6), built from a World.

The variants real captures show (tests/fixtures/captures, docs/fidelity.md) come from scenario
options: camera config shapes, -255 with the reading under last_connect, calibrated
temperature, the thumbnail as a timestamp, homescreens without some device lists.
"""

from __future__ import annotations

from typing import Any

from .world import Command, Device, Media, Network, SyncModule, World

# Fixed creation date for everything in a scenario: the sources show real dates, none matter.
CREATED_AT = "2024-04-17T21:42:56+00:00"
# The keys of the flat camera config capture (hunsalz get-config.md) taken from the entry.
FLAT_CONFIG_KEYS = frozenset(
    {
        "id", "name", "serial", "fw_version", "type", "enabled", "thumbnail", "status",
        "battery", "usage_rate", "network_id", "issues", "signals",
    }
)  # fmt: skip


def thumbnail_path(world: World, device: Device) -> str:
    """Return the relative thumbnail URL; blinkpy uses a path ending in "&ext=" as it is (§5.2)."""
    return (
        f"/api/v3/media/accounts/{world.account.account_id}/networks/{device.network_id}"
        f"/{device.type}/{device.id}/thumbnail/thumbnail.jpg?ts={device.thumbnail_ts}&ext="
    )


def clip_path(world: World, media: Media) -> str:
    """Return the relative clip URL (homebridge sample in §5.6)."""
    return f"/api/v2/accounts/{world.account.account_id}/media/clip/{media.id}.mp4"


def config_thumbnail(world: World, device: Device) -> str:
    """Return a camera config's thumbnail: the path, or only its timestamp as a string."""
    if device.thumbnail_form == "timestamp":
        return str(device.thumbnail_ts)
    return thumbnail_path(world, device)


def firmware_number(version: str) -> float | str:
    """Return the firmware as the owl config sends it: a number when it reads as one (9.63)."""
    try:
        return float(version)
    except ValueError:
        return version


def device_status(world: World, device: Device, now: float) -> str:
    """Return the status string Blink uses: "done"/"offline" for cameras and doorbells, "online" for Minis (§5.5)."""
    if not world.device_online(device, now):
        return "offline"
    return "online" if device.kind == "owl" else "done"


def updated_at(world: World, device: Device, now: float) -> str:
    """Return when the device last reported (frozen while it is offline)."""
    seen = world.device_last_seen(device, now)
    return world.iso(now if seen is None else seen)


def record_updated_at(world: World, device: Device, now: float) -> str:
    """Return when Blink last updated the device's homescreen record.

    A record-update time, not a heartbeat (docs/fidelity.md: an online Mini's can be more than
    a year old): it moves when something about the device changed — a patch, going offline,
    coming back after its plug was switched on — and stands still while nothing does.
    """
    moments = [] if device.changed_at is None else [device.changed_at]
    if (seen := world.device_last_seen(device, now)) is not None:
        moments.append(seen)
    plug = world.plug_for(device.serial)
    if plug is not None and plug.off_at is not None and plug.powered(now):
        moments.append(plug.on_at + plug.boot_seconds)
    return world.iso(max(moments)) if moments else CREATED_AT


def signals(device: Device) -> dict[str, Any]:
    """Return the bar values of the homescreen/config "signals" object (§5.5)."""
    return {
        "lfr": device.lfr,
        "wifi": device.wifi,
        "temp": round(device.temperature),
        "battery": device.battery_bars,
    }


def network_entry(world: World, network: Network) -> dict[str, Any]:
    """Return one homescreen networks[] entry."""
    return {
        "id": network.id,
        "name": network.name,
        "created_at": CREATED_AT,
        "updated_at": world.iso(),
        "time_zone": network.time_zone,
        "dst": True,
        "armed": network.armed,
        "lv_save": False,
    }


def sync_module_entry(world: World, sync: SyncModule, now: float) -> dict[str, Any]:
    """Return one homescreen sync_modules[] entry; last_hb stops moving while it is offline."""
    seen = world.sync_last_seen(sync, now)
    return {
        "id": sync.id,
        "name": sync.name,
        "type": sync.type,
        "subtype": sync.subtype,
        "network_id": sync.network_id,
        "onboarded": True,
        "status": "online" if seen is None else "offline",
        "serial": sync.serial,
        "fw_version": sync.fw_version,
        "revision": "00",
        "last_hb": world.iso(now if seen is None else seen),
        "wifi_strength": sync.wifi,
        "enable_temp_alerts": True,
        "local_storage_enabled": False,
        "local_storage_compatible": True,
        "local_storage_status": sync.local_storage_status,
        "created_at": CREATED_AT,
        "updated_at": world.iso(now if seen is None else seen),
    }


def camera_entry(world: World, device: Device, now: float) -> dict[str, Any]:
    """Return one homescreen cameras[] entry (blinkpy ignores it; health consumers read it)."""
    return {
        "id": device.id,
        "name": device.name,
        "type": device.type,
        "network_id": device.network_id,
        "serial": device.serial,
        "fw_version": device.fw_version,
        "enabled": device.enabled,
        "status": device_status(world, device, now),
        "battery": device.battery,
        "usage_rate": False,
        # No public source documents the elements of issues[]; they are always empty (§5.4).
        "issues": [],
        "thumbnail": thumbnail_path(world, device),
        "signals": signals(device),
        "local_storage_enabled": False,
        "local_storage_compatible": True,
        "snooze": False,
        "snooze_time_remaining": None,
        "revision": "00",
        "created_at": CREATED_AT,
        "updated_at": record_updated_at(world, device, now),
    }


def owl_entry(world: World, device: Device, now: float) -> dict[str, Any]:
    """Return one homescreen owls[] entry: no wifi or temperature here (§5.4)."""
    return {
        "id": device.id,
        "name": device.name,
        "type": device.type,
        "network_id": device.network_id,
        "onboarded": True,
        "serial": device.serial,
        "fw_version": device.fw_version,
        "enabled": device.enabled,
        "status": device_status(world, device, now),
        "thumbnail": thumbnail_path(world, device),
        "local_storage_enabled": False,
        "local_storage_compatible": False,
        "created_at": CREATED_AT,
        "updated_at": record_updated_at(world, device, now),
    }


def doorbell_entry(world: World, device: Device, now: float) -> dict[str, Any]:
    """Return one homescreen doorbells[] entry (signals without temp in the sample, §5.5)."""
    return {
        "id": device.id,
        "name": device.name,
        "type": device.type,
        "network_id": device.network_id,
        "onboarded": True,
        "serial": device.serial,
        "fw_version": device.fw_version,
        "enabled": device.enabled,
        "status": device_status(world, device, now),
        "battery": device.battery,
        "issues": [],
        "signals": {
            "lfr": device.lfr,
            "wifi": device.wifi,
            "battery": device.battery_bars,
        },
        "snooze": False,
        "snooze_time_remaining": None,
        "thumbnail": thumbnail_path(world, device),
        "created_at": CREATED_AT,
        "updated_at": record_updated_at(world, device, now),
    }


def app_updates(world: World) -> dict[str, Any]:
    """Return app_updates; code 105 "An app update is required" signals an obsolete API (§5.4)."""
    if world.account.app_update_required:
        return {
            "message": "An app update is required",
            "code": 105,
            "update_available": True,
            "update_required": True,
        }
    return {
        "message": "OK",
        "code": 103,
        "update_available": False,
        "update_required": False,
    }


def homescreen(world: World) -> dict[str, Any]:
    """Return the v3 homescreen document (§5.5), without the lists the account leaves out."""
    now = world.now()
    body = {
        "account": {
            "id": world.account.account_id,
            "email_verified": True,
            "email_verification_required": False,
            "amazon_account_linked": False,
        },
        "networks": [network_entry(world, net) for net in world.networks.values()],
        "sync_modules": [
            sync_module_entry(world, sync, now) for sync in world.sync_modules.values()
        ],
        "cameras": [
            camera_entry(world, dev, now) for dev in world.devices_of("camera")
        ],
        "owls": [owl_entry(world, dev, now) for dev in world.devices_of("owl")],
        "doorbells": [
            doorbell_entry(world, dev, now) for dev in world.devices_of("doorbell")
        ],
        "sirens": [],
        "chimes": [],
        "doorbell_buttons": [],
        "accessories": {"storm": [], "rosie": []},
        "video_stats": {
            "storage": 1,
            "auto_delete_days": 60,
            "auto_delete_day_options": [3, 7, 14, 30, 60],
        },
        "app_updates": app_updates(world),
        "device_limits": {
            "camera": 10,
            "chime": 5,
            "doorbell": 10,
            "doorbell_button": 2,
            "owl": 10,
            "siren": 5,
            "total_devices": 20,
        },  # fmt: skip
        "whats_new": {
            "updated_at": 20210204,
            "url": "https://updates.blinkforhome.com/",
        },
        "subscriptions": {"updated_at": CREATED_AT},
        "entitlements": {"updated_at": CREATED_AT},
        "tiv_lock_enable": True,
        "tiv_lock_status": {"locked": True},
    }
    for key in world.account.homescreen_omit:
        del body[key]
    return body


def networks(world: World) -> dict[str, Any]:
    """Return GET /networks: the summary lists only networks with a Sync Module (§5.5)."""
    sync_networks = world.sync_networks()
    return {
        "summary": {
            str(net.id): {"name": net.name, "onboarded": True} for net in sync_networks
        },
        "networks": [
            {"id": net.id, "name": net.name, "armed": net.armed}
            for net in sync_networks
        ],
    }


def camera_usage(world: World) -> dict[str, Any]:
    """Return GET /api/v1/camera/usage: every sync network, even with no default camera (§4.2)."""
    return {
        "range_days": 7,
        "reference": {"usage": 400},
        "networks": [
            {
                "network_id": net.id,
                "name": net.name,
                "cameras": [
                    # Usage seconds are illustrative (hunsalz get-usage.md); nothing reads them.
                    {
                        "id": dev.id,
                        "name": dev.name,
                        "usage": 0,
                        "lv_seconds": 0,
                        "clip_seconds": 0,
                    }
                    for dev in world.devices_of("camera", net.id)
                ],
            }
            for net in world.sync_networks()
        ],
    }


def syncmodule(world: World, sync: SyncModule) -> dict[str, Any]:
    """Return GET /network/{n}/syncmodules (hunsalz get-syncmodules.md, §5.6)."""
    now = world.now()
    entry = sync_module_entry(world, sync, now)
    return {
        "syncmodule": {
            "id": sync.id,
            "network_id": sync.network_id,
            "account_id": world.account.account_id,
            "name": sync.name,
            "serial": sync.serial,
            "fw_version": sync.fw_version,
            "status": entry["status"],
            "onboarded": True,
            "last_hb": entry["last_hb"],
            "wifi_strength": sync.wifi,
            # A documentation-range address: the real one is the home's public IP.
            "ip_address": "203.0.113.7",
            "os_version": "6.16.3",
            "wifi_alert_count": 0,
            "offline_alert_count": 0,
            "local_storage_enabled": False,
        }
    }


def network_update(world: World, network: Network) -> dict[str, Any]:
    """Return POST /network/{n}/update; no top-level "id", so blinkpy polls no command (§3.4)."""
    now = world.now()
    sync = world.sync_module_for(network.id)
    cameras = world.devices_of("camera", network.id)
    return {
        "network": {
            "id": network.id,
            "name": network.name,
            "armed": network.armed,
            "busy": False,
            "camera_error": any(not world.device_online(dev, now) for dev in cameras),
            # Only the explicit flag sets this; an offline Sync Module alone does not (our choice,
            # the sources do not say when Blink sets it; §3.6 shows what blinkpy does with it).
            "sync_module_error": bool(sync and sync.sync_module_error),
            "lv_mode": "relay",
            "updated_at": world.iso(now),
            "account_id": world.account.account_id,
        }
    }


def camera_config(world: World, device: Device) -> dict[str, Any]:
    """Return GET /network/{n}/camera/{c}/config in the device's config_shape.

    "nested" puts signals inside camera[0] as well, so blinkpy reads the bars (§5.2);
    "sibling" is homebridge's 2022 capture (signals only beside camera[]: blinkpy then has no
    bars and takes the raw temperature); "flat" is hunsalz's (no camera[] list: blinkpy logs
    that it cannot read it and keeps nothing).
    """
    now = world.now()
    seen = updated_at(world, device, now)
    calibrated = signals(device)
    camera: dict[str, Any] = {
        "id": device.id,
        "name": device.name,
        "network_id": device.network_id,
        "sync_module_id": sync.id
        if (sync := world.sync_module_for(device.network_id))
        else None,
        "serial": device.serial,
        "fw_version": device.fw_version,
        "type": device.type,
        "enabled": device.enabled,
        "status": device_status(world, device, now),
        "onboarded": True,
        "battery_state": device.battery,
        "battery_voltage": device.battery_voltage,
        "battery_check_time": seen,
        # -255 is Blink's "no reading here"; the reading is then under last_connect.
        "wifi_strength": -255 if device.wifi_strength_unknown else device.wifi_rssi,
        "lfr_strength": device.lfr_rssi,
        # The sensor's own reading; signals.temp is it corrected by temp_adjust.
        "temperature": round(device.temperature - device.temp_adjust),
        "temp_adjust": device.temp_adjust,
        "illuminator_enable": 2,
        "offline_alert_count": 0,
        "wifi_alert_count": 0,
        "lfr_alert_count": 0,
        "battery_alert_count": 0,
        # Where older answers have null, the 2022 capture has "" (camera_key, mfg_mez_type).
        "camera_key": "",
        "mfg_mez_type": "",
        "updated_at": seen,
        "thumbnail": config_thumbnail(world, device),
        "last_connect": {
            "wifi_strength": device.wifi_rssi,
            "lfr_strength": device.lfr_rssi,
            "battery_voltage": device.battery_voltage,
            "temperature": round(device.temperature - device.temp_adjust),
            "fw_version": device.fw_version,
            "updated_at": seen,
        },
    }
    beside = {**calibrated, "updated_at": seen, "battery_state": device.battery}
    if device.config_shape == "flat":
        # hunsalz get-config.md: the camera's homescreen entry with two flags more.
        flat = {
            key: value
            for key, value in camera_entry(world, device, now).items()
            if key in FLAT_CONFIG_KEYS
        }
        return {**flat, "motion_enabled": True, "armed": False}
    if device.config_shape == "sibling":
        return {"camera": [camera], "signals": beside}
    return {"camera": [{**camera, "signals": calibrated}], "signals": beside}


def camera_signals(world: World, device: Device) -> dict[str, Any]:
    """Return GET /network/{n}/camera/{c}/signals; `temp` becomes temperature_calibrated (§5.2)."""
    return {**signals(device), "updated_at": updated_at(world, device, world.now())}


def owl_config(world: World, device: Device) -> dict[str, Any]:
    """Return GET .../owls/{id}/config: wifi in bars (homebridge OWL_CONFIG, §5.6)."""
    now = world.now()
    return {
        "name": device.name,
        # A number in the captured owl config (9.63), a string in the homescreen.
        "fw_version": firmware_number(device.fw_version),
        "enabled": device.enabled,
        "status": device_status(world, device, now),
        "wifi": device.wifi,
        "illuminator_enable": "auto",
        "illuminator_enable_v2": "auto",
        "night_vision_control": "normal",
        "updated_at": updated_at(world, device, now),
    }


def doorbell_config(world: World, device: Device) -> dict[str, Any]:
    """Return GET .../doorbells/{id}/config: temp, wifi_rssi, lfr_rssi, battery_state (issue #638, §5.6)."""
    now = world.now()
    return {
        "name": device.name,
        "status": device_status(world, device, now),
        "temp": round(device.temperature),
        "wifi_rssi": device.wifi_rssi,
        "lfr_rssi": device.lfr_rssi,
        "battery_state": device.battery,
        "updated_at": updated_at(world, device, now),
    }


def command(world: World, cmd: Command) -> dict[str, Any]:
    """Return the body of an accepted command: blinkpy polls it because it has id and network_id (§3.4)."""
    return {
        "id": cmd.id,
        "network_id": cmd.network_id,
        "command": cmd.command,
        "state": "new",
        "state_stage": "rest",
        "state_condition": "new",
        "created_at": world.iso(cmd.created_at),
        "updated_at": world.iso(cmd.created_at),
    }


def command_status(world: World, cmd: Command) -> dict[str, Any]:
    """Return GET /network/{n}/command/{id}: complete at once with status_code 908 (§3.4)."""
    return {
        "complete": True,
        "status": 0,
        "status_msg": "Command succeeded",
        "status_code": 908,
        "commands": [
            {
                "id": cmd.id,
                "command": cmd.command,
                "state_stage": "dev",
                "state_condition": "done",
                "updated_at": world.iso(cmd.created_at),
            }
        ],
        "media_id": None,
    }


def liveview(world: World, cmd: Command, device: Device) -> dict[str, Any]:
    """Return a liveview answer (§7); the IMMIS server it names is not simulated."""
    return {
        "command_id": cmd.id,
        "join_available": True,
        "join_state": "available",
        "server": f"immis://127.0.0.1:443/SIM{cmd.id}__IMDS_{device.serial}?client_id=1",
        "duration": 300,
        "extended_duration": 5400,
        "continue_interval": 300,
        "continue_warning": 0,
        "polling_interval": 15,
        "submit_logs": False,
        "new_command": True,
        "media_id": None,
        "options": {"poor_connection": False},
    }


def media_changed(world: World, since: float | None, page: int) -> dict[str, Any]:
    """Return GET media/changed: clips created at or after `since` (epoch seconds), one page only."""
    entries = [
        {
            "id": media.id,
            "created_at": world.iso(media.created_at),
            "updated_at": world.iso(media.created_at),
            "deleted": False,
            "device": media.device_type,
            "device_id": media.device_id,
            "device_name": media.device_name,
            "network_id": media.network_id,
            "type": "video",
            "media": clip_path(world, media),
            "thumbnail": f"/api/v2/accounts/{world.account.account_id}/media/thumb/{media.id}",
        }
        for media in world.media
        if since is None or world.wall(media.created_at).timestamp() >= since
    ]
    return {
        "limit": 500,
        "purge_id": 0,
        "refresh_count": 0,
        "media": entries if page <= 1 else [],
    }
