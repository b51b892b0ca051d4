"""What changes the simulated account: control-API patches, the Blink app's add/remove, REST side effects."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from . import checks
from .model import (
    CONFIG_SHAPES,
    DEFAULT_OFFLINE_SECONDS,
    LFR_RSSI_BY_BARS,
    OMITTABLE_LISTS,
    THUMBNAIL_FORMS,
    WIFI_RSSI_BY_BARS,
    Command,
    Device,
    Media,
    SyncModule,
    UnknownItemError,
)
from .scenarios import ScenarioError

if TYPE_CHECKING:
    from .world import World

DEVICE_PATCH_KEYS = frozenset(
    {
        "name", "status", "enabled", "wifi", "lfr", "wifi_rssi", "lfr_rssi", "battery",
        "battery_bars", "battery_voltage", "temperature", "fw_version", "network_id",
        "sync_module", "thumbnail", "hung", "temp_adjust", "config_shape",
        "wifi_strength_unknown", "thumbnail_form",
    }
)  # fmt: skip
SYNC_PATCH_KEYS = frozenset(
    {
        "name", "status", "wifi", "fw_version", "sync_module_error", "type", "subtype",
        "local_storage_status",
    }
)  # fmt: skip


def check_new_serial(world: World, serial: str) -> None:
    """Refuse a serial that is already in use."""
    if serial in world.devices or serial in world.sync_modules:
        raise ScenarioError(f"serial {serial} is already in use")


def insert_device(
    world: World, raw: Mapping[str, Any], now: float, thumbnail_ts: Any = None
) -> Device:
    """Validate a device description and add it with a fresh id unless one is given."""
    serial = checks.text(raw["serial"], "device.serial")
    check_new_serial(world, serial)
    device_type = checks.text(raw.get("type", "catalina"), "device.type")
    device_id = int(raw["id"]) if raw.get("id") is not None else world.next_device_id
    if world.device_by_id(device_id) is not None:
        raise ScenarioError(f"device id {device_id} is already in use")
    wifi = checks.bars(raw.get("wifi", 4), "wifi")
    lfr = checks.bars(raw.get("lfr", 5), "lfr")
    device = Device(
        id=device_id,
        serial=serial,
        type=device_type,
        name=checks.text(raw.get("name", serial), "device.name"),
        network_id=int(raw["network_id"]),
        status=checks.status(raw.get("status", "online")),
        enabled=checks.flag(raw.get("enabled", True), "enabled"),
        wifi=wifi,
        lfr=lfr,
        wifi_rssi=checks.dbm(
            raw.get("wifi_rssi", WIFI_RSSI_BY_BARS[wifi]), "wifi_rssi"
        ),
        lfr_rssi=checks.dbm(raw.get("lfr_rssi", LFR_RSSI_BY_BARS[lfr]), "lfr_rssi"),
        battery=checks.battery(raw.get("battery", "ok")),
        battery_bars=checks.bars(raw.get("battery_bars", 3), "battery_bars"),
        battery_voltage=int(
            checks.number(raw.get("battery_voltage", 160), "battery_voltage")
        ),
        temperature=checks.number(raw.get("temperature", 68), "temperature"),
        temp_adjust=int(checks.number(raw.get("temp_adjust", 0), "temp_adjust")),
        config_shape=checks.choice(
            raw.get("config_shape", "nested"), CONFIG_SHAPES, "config_shape"
        ),
        wifi_strength_unknown=checks.flag(
            raw.get("wifi_strength_unknown", False), "wifi_strength_unknown"
        ),
        thumbnail_form=checks.choice(
            raw.get("thumbnail_form", "path"), THUMBNAIL_FORMS, "thumbnail_form"
        ),
        fw_version=str(raw.get("fw_version", "10.72")),
        thumbnail_ts=int(thumbnail_ts)
        if thumbnail_ts is not None
        else int(world.wall(now).timestamp()) - 600,
    )
    check_placement(world, device, device.network_id)
    if device.status == "offline":
        device.offline_at = now - float(
            raw.get("offline_seconds", DEFAULT_OFFLINE_SECONDS)
        )
    if any(
        other.name.lower() == device.name.lower() for other in world.devices.values()
    ):
        # blinkpy keys cameras by name, case-insensitively (blink_api.md §4.2 step 6).
        raise ScenarioError(f"device name {device.name!r} is already in use")
    world.devices[serial] = device
    world.next_device_id = max(world.next_device_id, device_id + 1)
    return device


def check_placement(world: World, device: Device, network_id: int) -> None:
    """Refuse a network that cannot hold this device."""
    world.network(network_id)
    if device.kind == "camera" and world.sync_module_for(network_id) is None:
        raise ScenarioError(
            f"camera {device.serial} needs a network with a Sync Module"
        )


def patch_device(
    world: World, serial: str, changes: Mapping[str, Any]
) -> dict[str, Any]:
    """Change what a device or Sync Module reports; returns its new state."""
    if serial in world.sync_modules:
        return patch_sync(world, world.sync_modules[serial], changes)
    device = world.device(serial)
    unknown = set(changes) - DEVICE_PATCH_KEYS
    if unknown:
        raise ScenarioError(f"unknown device fields: {sorted(unknown)}")
    now = world.now()
    if "sync_module" in changes:
        target = world.sync_modules.get(changes["sync_module"])
        if target is None:
            raise UnknownItemError(f"no Sync Module {changes['sync_module']}")
        changes = {**changes, "network_id": target.network_id}
    if "network_id" in changes:
        network_id = int(changes["network_id"])
        check_placement(world, device, network_id)
        device.network_id = network_id
    if "name" in changes:
        device.name = checks.text(changes["name"], "name")
    if "status" in changes:
        status = checks.status(changes["status"])
        if status == "offline" and device.status == "online":
            device.offline_at = now
        if status == "online":
            device.offline_at = None
        device.status = status
    if "enabled" in changes:
        device.enabled = checks.flag(changes["enabled"], "enabled")
    if "wifi" in changes:
        device.wifi = checks.bars(changes["wifi"], "wifi")
        device.wifi_rssi = WIFI_RSSI_BY_BARS[device.wifi]
    if "wifi_rssi" in changes:
        device.wifi_rssi = checks.dbm(changes["wifi_rssi"], "wifi_rssi")
    if "lfr" in changes:
        device.lfr = checks.bars(changes["lfr"], "lfr")
        device.lfr_rssi = LFR_RSSI_BY_BARS[device.lfr]
    if "lfr_rssi" in changes:
        device.lfr_rssi = checks.dbm(changes["lfr_rssi"], "lfr_rssi")
    if "battery" in changes:
        device.battery = checks.battery(changes["battery"])
    if "battery_bars" in changes:
        device.battery_bars = checks.bars(changes["battery_bars"], "battery_bars")
    if "battery_voltage" in changes:
        device.battery_voltage = int(
            checks.number(changes["battery_voltage"], "battery_voltage")
        )
    if "temperature" in changes:
        device.temperature = checks.number(changes["temperature"], "temperature")
    patch_shape(device, changes)
    if "fw_version" in changes:
        device.fw_version = checks.text(str(changes["fw_version"]), "fw_version")
    if changes.get("thumbnail"):
        device.thumbnail_ts = new_thumbnail_ts(world, device)
    if "hung" in changes:
        if not checks.flag(changes["hung"], "hung"):
            device.hung_at = None
        elif world.hung_since(device, now) is None:
            device.hung_at = now
    device.changed_at = now
    return world.device_state(device)


def patch_shape(device: Device, changes: Mapping[str, Any]) -> None:
    """Change how a device's answers are shaped (the variants of real captures)."""
    if "temp_adjust" in changes:
        device.temp_adjust = int(checks.number(changes["temp_adjust"], "temp_adjust"))
    if "config_shape" in changes:
        device.config_shape = checks.choice(
            changes["config_shape"], CONFIG_SHAPES, "config_shape"
        )
    if "wifi_strength_unknown" in changes:
        device.wifi_strength_unknown = checks.flag(
            changes["wifi_strength_unknown"], "wifi_strength_unknown"
        )
    if "thumbnail_form" in changes:
        device.thumbnail_form = checks.choice(
            changes["thumbnail_form"], THUMBNAIL_FORMS, "thumbnail_form"
        )


def patch_sync(
    world: World, sync: SyncModule, changes: Mapping[str, Any]
) -> dict[str, Any]:
    """Change what a Sync Module reports."""
    unknown = set(changes) - SYNC_PATCH_KEYS
    if unknown:
        raise ScenarioError(f"unknown Sync Module fields: {sorted(unknown)}")
    if "name" in changes:
        sync.name = checks.text(changes["name"], "name")
    if "status" in changes:
        status = checks.status(changes["status"])
        if status == "offline" and sync.status == "online":
            sync.offline_at = world.now()
        if status == "online":
            sync.offline_at = None
        sync.status = status
    if "wifi" in changes:
        sync.wifi = checks.bars(changes["wifi"], "wifi")
    if "fw_version" in changes:
        sync.fw_version = checks.text(str(changes["fw_version"]), "fw_version")
    if "type" in changes:
        sync.type = checks.text(changes["type"], "type")
    if "subtype" in changes:
        sync.subtype = checks.text(changes["subtype"], "subtype")
    if "local_storage_status" in changes:
        sync.local_storage_status = checks.text(
            changes["local_storage_status"], "local_storage_status"
        )
    if "sync_module_error" in changes:
        sync.sync_module_error = checks.flag(
            changes["sync_module_error"], "sync_module_error"
        )
    return world.sync_state(sync)


def set_plug(world: World, plug_id: str, on: bool) -> dict[str, Any]:
    """Switch a smart plug; switching it on starts its devices' boot time."""
    plug = world.plugs.get(plug_id)
    if plug is None:
        raise UnknownItemError(f"no plug {plug_id}")
    on = checks.flag(on, "on")
    now = world.now()
    if on and not plug.on:
        plug.on_at = now
    if not on and plug.on:
        # Devices still booting never came up, so they keep their earlier last-seen time.
        if plug.powered(now) or plug.off_at is None:
            plug.off_at = now
    plug.on = on
    return world.plug_state(plug, now)


def add_device(world: World, spec: Mapping[str, Any]) -> dict[str, Any]:
    """Add a device as the Blink app does; a returning serial gets a new camera id."""
    spec = {key: value for key, value in spec.items() if key != "id"}
    if "sync_module" in spec:
        sync = world.sync_modules.get(spec["sync_module"])
        if sync is None:
            raise UnknownItemError(f"no Sync Module {spec['sync_module']}")
        spec["network_id"] = sync.network_id
        del spec["sync_module"]
    try:
        device = insert_device(world, spec, world.now())
    except (KeyError, TypeError) as err:
        raise ScenarioError(f"invalid device: {err!r}") from err
    return world.device_state(device)


def remove_device(world: World, serial: str) -> dict[str, Any]:
    """Remove a camera, Mini or doorbell from the account (the plug keeps feeding it)."""
    device = world.device(serial)
    state = world.device_state(device)
    del world.devices[serial]
    return state


def update_account(world: World, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Switch 2FA, its PIN and form, token lifetime, app-update-required; expire or revoke tokens."""
    allowed = {
        "two_factor", "pin", "two_factor_form", "password", "access_token_lifetime",
        "app_update_required", "revoke_refresh_token", "expire_access_token",
        "homescreen_omit",
    }  # fmt: skip
    unknown = set(changes) - allowed
    if unknown:
        raise ScenarioError(f"unknown account fields: {sorted(unknown)}")
    account = world.account
    if "two_factor" in changes:
        account.two_factor = checks.flag(changes["two_factor"], "two_factor")
    if "pin" in changes:
        account.pin = checks.text(str(changes["pin"]), "pin")
    if "two_factor_form" in changes:
        account.two_factor_form = checks.form(changes["two_factor_form"])
    if "password" in changes:
        account.password = checks.text(changes["password"], "password")
    if "access_token_lifetime" in changes:
        account.access_token_lifetime = checks.number(
            changes["access_token_lifetime"], "access_token_lifetime"
        )
    if "app_update_required" in changes:
        account.app_update_required = checks.flag(
            changes["app_update_required"], "app_update_required"
        )
    if "homescreen_omit" in changes:
        account.homescreen_omit = checks.lists(
            changes["homescreen_omit"], OMITTABLE_LISTS, "homescreen_omit"
        )
    if changes.get("revoke_refresh_token"):
        world.tokens.revoke_refresh_tokens()
    if changes.get("expire_access_token"):
        world.tokens.expire_access_tokens()
    return account.public()


def update_internet(world: World, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Change the internet profile (latency added to every response, speed, ping)."""
    unknown = set(changes) - {"latency_ms", "download_mbps", "ping_ms"}
    if unknown:
        raise ScenarioError(f"unknown internet fields: {sorted(unknown)}")
    for key, value in changes.items():
        setattr(world.internet, key, checks.number(value, key))
    return world.internet.public()


def new_command(world: World, network_id: int, command: str) -> Command:
    """Record an accepted command."""
    cmd = Command(
        id=world.next_command_id,
        network_id=network_id,
        command=command,
        created_at=world.now(),
    )
    world.next_command_id += 1
    world.commands[cmd.id] = cmd
    return cmd


def new_thumbnail_ts(world: World, device: Device) -> int:
    """Return a thumbnail timestamp newer than the device's current one."""
    return max(device.thumbnail_ts + 1, int(world.wall().timestamp()))


def snap(world: World, device: Device) -> None:
    """Take a new picture: the thumbnail URL changes."""
    device.thumbnail_ts = new_thumbnail_ts(world, device)


def record(world: World, device: Device) -> Media:
    """Record a clip: media/changed lists it from now on."""
    media = Media(
        id=world.next_media_id,
        device_id=device.id,
        device_name=device.name,
        device_type=device.type,
        network_id=device.network_id,
        created_at=world.now(),
    )
    world.next_media_id += 1
    world.media.append(media)
    return media
