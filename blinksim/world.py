"""The simulated Blink account: networks, Sync Modules, cameras, smart plugs, and their state.

Everything time-dependent (a device booting after its plug is switched back on, the last
heartbeat of an offline device) is computed from the injectable clock when asked, never by a
timer. The scenario schema is documented in blinksim/README.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
import datetime as dt
import math
from pathlib import Path
import time
from typing import Any, Literal

from .clock import Clock, monotonic
from .scenarios import ScenarioError, load_scenario
from .tokens import TokenStore

__all__ = [
    "Account", "Command", "Device", "DeviceKind", "InternetProfile", "Media", "Network", "Plug",
    "ScenarioError", "SyncModule", "UnknownItemError", "World", "kind_of",
]  # fmt: skip

type DeviceKind = Literal["camera", "owl", "doorbell"]

# Product types per blink_api.md §5.2; anything else with a Sync Module is a plain camera.
OWL_TYPES = frozenset({"owl"})
DOORBELL_TYPES = frozenset({"lotus", "tulip", "orchid"})
USB_TYPES = frozenset({"owl"})
WIRED_TYPES = frozenset({"superior"})

# dBm per bar count. The public sources give dBm examples (-55, -63; blink_api.md §5.2, §5.6)
# but no mapping from bars, so these steps are our own choice.
WIFI_RSSI_BY_BARS = {0: -92, 1: -82, 2: -74, 3: -66, 4: -58, 5: -48}
LFR_RSSI_BY_BARS = {0: -100, 1: -92, 2: -85, 3: -78, 4: -72, 5: -64}

# A device that is offline in the scenario was last seen this long before the simulator
# started, unless the scenario says otherwise (our choice; no source pins it).
DEFAULT_OFFLINE_SECONDS = 6 * 3600.0
DEFAULT_ACCESS_TOKEN_LIFETIME = (
    14400.0  # hunsalz AUTHENTICATION.md via blink_api.md §2.2
)


class UnknownItemError(LookupError):
    """A serial, plug id or network id that the world does not have."""


def kind_of(device_type: str) -> DeviceKind:
    """Return how blinkpy treats a product type: camera (default), owl (Mini) or doorbell."""
    if device_type in OWL_TYPES:
        return "owl"
    if device_type in DOORBELL_TYPES:
        return "doorbell"
    return "camera"


def _bars(value: Any, what: str) -> int:
    """Validate a bar count (0–5)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 5:
        raise ScenarioError(f"{what} must be an integer from 0 to 5, got {value!r}")
    return value


def _dbm(value: Any, what: str) -> int:
    """Validate an RSSI in dBm (a negative integer)."""
    if isinstance(value, bool) or not isinstance(value, int) or value >= 0:
        raise ScenarioError(f"{what} must be a negative integer (dBm), got {value!r}")
    return value


def _number(value: Any, what: str) -> float:
    """Validate a plain number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ScenarioError(f"{what} must be a number, got {value!r}")
    return float(value)


def _flag(value: Any, what: str) -> bool:
    """Validate a boolean."""
    if not isinstance(value, bool):
        raise ScenarioError(f"{what} must be true or false, got {value!r}")
    return value


def _text(value: Any, what: str) -> str:
    """Validate a non-empty string."""
    if not isinstance(value, str) or not value:
        raise ScenarioError(f"{what} must be a non-empty string, got {value!r}")
    return value


def _status(value: Any) -> str:
    """Validate a configured status; Blink's "done" means online for cameras."""
    if value in ("online", "done"):
        return "online"
    if value == "offline":
        return "offline"
    raise ScenarioError(f"status must be 'online' or 'offline', got {value!r}")


@dataclass
class Account:
    """The Blink account: credentials, 2FA, tier and token lifetime."""

    email: str
    password: str
    account_id: int = 1001
    user_id: int = 9001
    tier: str = "e006"
    two_factor: bool = False
    pin: str = "123456"
    # How sign-in asks for the PIN: HTTP 412, or 202 with a tsv_* body (blink_api.md §2.2).
    two_factor_form: Literal["412", "202"] = "202"
    access_token_lifetime: float = DEFAULT_ACCESS_TOKEN_LIFETIME
    app_update_required: bool = False

    def public(self) -> dict[str, Any]:
        """Describe the account for /_sim/state (the simulator's credentials are not secret)."""
        return {
            "email": self.email,
            "password": self.password,
            "two_factor": self.two_factor,
            "pin": self.pin,
            "two_factor_form": self.two_factor_form,
            "account_id": self.account_id,
            "user_id": self.user_id,
            "tier": self.tier,
            "access_token_lifetime": self.access_token_lifetime,
            "app_update_required": self.app_update_required,
        }


@dataclass
class InternetProfile:
    """The home's internet link as the article's step 4 measures it."""

    latency_ms: float = 0.0
    download_mbps: float = 100.0
    ping_ms: float = 20.0

    def public(self) -> dict[str, Any]:
        """Describe the profile."""
        return {
            "latency_ms": self.latency_ms,
            "download_mbps": self.download_mbps,
            "ping_ms": self.ping_ms,
        }


@dataclass
class Network:
    """A Blink system ("network"); it has a Sync Module or holds one sync-less Mini/doorbell."""

    id: int
    name: str
    armed: bool = False
    time_zone: str = "America/New_York"


@dataclass
class SyncModule:
    """A Sync Module, the hub that battery cameras reach over LFR."""

    id: int
    serial: str
    network_id: int
    name: str
    type: str = "sm2"
    fw_version: str = "4.4.8"
    status: str = "online"
    wifi: int = 4
    sync_module_error: bool = False
    offline_at: float | None = None


@dataclass
class Device:
    """A camera, Mini (owl) or doorbell with what it reports about itself."""

    id: int
    serial: str
    type: str
    name: str
    network_id: int
    status: str = "online"
    enabled: bool = True
    wifi: int = 4
    lfr: int = 5
    wifi_rssi: int = -58
    lfr_rssi: int = -72
    battery: str = "ok"
    battery_bars: int = 3
    battery_voltage: int = 160
    temperature: float = 68.0
    fw_version: str = "10.72"
    thumbnail_ts: int = 0
    offline_at: float | None = None
    # When it froze: offline, whatever it is configured as, until its plug cuts the power.
    hung_at: float | None = None

    @property
    def kind(self) -> DeviceKind:
        """Return camera, owl or doorbell."""
        return kind_of(self.type)

    @property
    def power(self) -> str:
        """Return the power source: battery, usb or wired."""
        if self.type in USB_TYPES:
            return "usb"
        if self.type in WIRED_TYPES:
            return "wired"
        return "battery"


@dataclass
class Plug:
    """A smart plug feeding devices; they boot `boot_seconds` after it is switched on."""

    id: str
    on: bool = True
    boot_seconds: float = 30.0
    devices: list[str] = field(default_factory=list)
    on_at: float = -math.inf
    off_at: float | None = None

    def powered(self, now: float) -> bool:
        """Return whether what it feeds has power and has finished booting."""
        return self.on and now - self.on_at >= self.boot_seconds

    def boot_remaining(self, now: float) -> float:
        """Return seconds until its devices are back (0 when up, or while off)."""
        if not self.on:
            return 0.0
        return max(0.0, self.boot_seconds - (now - self.on_at))


@dataclass
class Media:
    """A recorded clip listed by media/changed."""

    id: int
    device_id: int
    device_name: str
    device_type: str
    network_id: int
    created_at: float


@dataclass
class Command:
    """A command the cloud accepted (arm, snapshot, clip, ...); they all complete at once."""

    id: int
    network_id: int
    command: str
    created_at: float
    done: bool = False


DEVICE_PATCH_KEYS = frozenset(
    {
        "name", "status", "enabled", "wifi", "lfr", "wifi_rssi", "lfr_rssi", "battery",
        "battery_bars", "battery_voltage", "temperature", "fw_version", "network_id",
        "sync_module", "thumbnail", "hung",
    }
)  # fmt: skip
SYNC_PATCH_KEYS = frozenset(
    {"name", "status", "wifi", "fw_version", "sync_module_error", "type"}
)


class World:
    """The whole simulated account, read by the REST handlers and changed by the control API."""

    def __init__(
        self,
        account: Account,
        *,
        name: str = "custom",
        internet: InternetProfile | None = None,
        clock: Clock = monotonic,
        epoch: float | None = None,
    ) -> None:
        """Create an empty world for `account`; use from_scenario() to fill one."""
        self.name = name
        self.account = account
        self.internet = internet or InternetProfile()
        self.networks: dict[int, Network] = {}
        self.sync_modules: dict[str, SyncModule] = {}
        self.devices: dict[str, Device] = {}
        self.plugs: dict[str, Plug] = {}
        self.media: list[Media] = []
        self.commands: dict[int, Command] = {}
        self.notifications: dict[str, bool] = {}
        self.tokens = TokenStore()
        self._next_device_id = 4001
        self._next_command_id = 800000001
        self._next_media_id = 7000001
        self.clock = clock
        self._origin = clock()
        self._epoch = time.time() if epoch is None else epoch

    # ----- time -------------------------------------------------------------------------

    def use_clock(self, clock: Clock) -> None:
        """Switch to another clock, keeping wall time continuous and device timers in place."""
        shift = clock() - self.clock()
        self._origin += shift
        for plug in self.plugs.values():
            plug.on_at += shift
            if plug.off_at is not None:
                plug.off_at += shift
        for device in self.devices.values():
            if device.offline_at is not None:
                device.offline_at += shift
            if device.hung_at is not None:
                device.hung_at += shift
        for sync in self.sync_modules.values():
            if sync.offline_at is not None:
                sync.offline_at += shift
        for media in self.media:
            media.created_at += shift
        self.clock = clock

    def now(self) -> float:
        """Return the clock's current time."""
        return self.clock()

    def wall(self, moment: float | None = None) -> dt.datetime:
        """Return the UTC wall time of a clock reading (now by default)."""
        if moment is None:
            moment = self.now()
        return dt.datetime.fromtimestamp(self._epoch + moment - self._origin, dt.UTC)

    def iso(self, moment: float | None = None) -> str:
        """Return a clock reading as Blink writes timestamps: 2025-11-21T00:31:00+00:00."""
        return self.wall(moment).isoformat(timespec="seconds")

    # ----- loading ----------------------------------------------------------------------

    @classmethod
    def from_scenario(cls, name_or_path: str | Path, clock: Clock = monotonic) -> World:
        """Load a bundled scenario by name (minimal, demo, large) or a JSON file by path."""
        name, data = load_scenario(name_or_path)
        return cls.from_dict(data, clock=clock, name=name)

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], clock: Clock = monotonic, name: str | None = None
    ) -> World:
        """Build a world from scenario data (see blinksim/README.md for the schema)."""
        try:
            return cls._from_dict(data, clock, name)
        except (KeyError, TypeError, UnknownItemError) as err:
            raise ScenarioError(f"invalid scenario: {err!r}") from err

    @classmethod
    def _from_dict(
        cls, data: Mapping[str, Any], clock: Clock, name: str | None
    ) -> World:
        """Build a world; KeyError/TypeError from missing or odd keys become ScenarioError."""
        acc = data["account"]
        two_factor = acc.get("two_factor", {})
        account = Account(
            email=_text(acc["email"], "account.email"),
            password=_text(acc["password"], "account.password"),
            account_id=int(acc.get("account_id", 1001)),
            user_id=int(acc.get("user_id", 9001)),
            tier=_text(acc.get("tier", "e006"), "account.tier"),
            two_factor=_flag(two_factor.get("enabled", False), "two_factor.enabled"),
            pin=_text(str(two_factor.get("pin", "123456")), "two_factor.pin"),
            two_factor_form=_form(two_factor.get("form", "202")),
            access_token_lifetime=_number(
                acc.get("access_token_lifetime", DEFAULT_ACCESS_TOKEN_LIFETIME),
                "access_token_lifetime",
            ),
            app_update_required=_flag(
                acc.get("app_update_required", False), "app_update_required"
            ),
        )
        world = cls(
            account,
            name=name or str(data.get("name", "custom")),
            internet=InternetProfile(**data.get("internet", {})),
            clock=clock,
            epoch=data.get("epoch"),
        )
        now = world.now()
        for net in data["networks"]:
            network = Network(
                id=int(net["id"]),
                name=_text(net["name"], "network.name"),
                armed=_flag(net.get("armed", False), "network.armed"),
                time_zone=net.get("time_zone", "America/New_York"),
            )
            if network.id in world.networks:
                raise ScenarioError(f"duplicate network id {network.id}")
            world.networks[network.id] = network
        for raw in data.get("sync_modules", []):
            sync = SyncModule(
                id=int(raw["id"]),
                serial=_text(raw["serial"], "sync_module.serial"),
                network_id=int(raw["network_id"]),
                name=raw.get("name") or world.network(int(raw["network_id"])).name,
                type=raw.get("type", "sm2"),
                fw_version=str(raw.get("fw_version", "4.4.8")),
                status=_status(raw.get("status", "online")),
                wifi=_bars(raw.get("wifi", 4), "sync_module.wifi"),
            )
            world.network(sync.network_id)
            if sync.status == "offline":
                sync.offline_at = now - float(
                    raw.get("offline_seconds", DEFAULT_OFFLINE_SECONDS)
                )
            if world.sync_module_for(sync.network_id) is not None:
                raise ScenarioError(f"network {sync.network_id} has two Sync Modules")
            world._check_new_serial(sync.serial)
            world.sync_modules[sync.serial] = sync
        for raw in data.get("devices", []):
            world._insert_device(raw, now, thumbnail_ts=raw.get("thumbnail_ts"))
        for plug_id, raw in data.get("plugs", {}).items():
            plug = Plug(
                id=plug_id,
                on=_flag(raw.get("on", True), "plug.on"),
                boot_seconds=_number(
                    raw.get("boot_seconds", 30.0), "plug.boot_seconds"
                ),
                devices=[
                    _text(serial, "plug.devices[]") for serial in raw.get("devices", [])
                ],
            )
            if not plug.on:
                plug.off_at = now - float(
                    raw.get("off_seconds", DEFAULT_OFFLINE_SECONDS)
                )
            world.plugs[plug_id] = plug
        return world

    def _check_new_serial(self, serial: str) -> None:
        """Refuse a serial that is already in use."""
        if serial in self.devices or serial in self.sync_modules:
            raise ScenarioError(f"serial {serial} is already in use")

    def _insert_device(
        self, raw: Mapping[str, Any], now: float, thumbnail_ts: Any = None
    ) -> Device:
        """Validate a device description and add it with a fresh id unless one is given."""
        serial = _text(raw["serial"], "device.serial")
        self._check_new_serial(serial)
        device_type = _text(raw.get("type", "catalina"), "device.type")
        device_id = (
            int(raw["id"]) if raw.get("id") is not None else self._next_device_id
        )
        if self.device_by_id(device_id) is not None:
            raise ScenarioError(f"device id {device_id} is already in use")
        wifi = _bars(raw.get("wifi", 4), "wifi")
        lfr = _bars(raw.get("lfr", 5), "lfr")
        device = Device(
            id=device_id,
            serial=serial,
            type=device_type,
            name=_text(raw.get("name", serial), "device.name"),
            network_id=int(raw["network_id"]),
            status=_status(raw.get("status", "online")),
            enabled=_flag(raw.get("enabled", True), "enabled"),
            wifi=wifi,
            lfr=lfr,
            wifi_rssi=_dbm(raw.get("wifi_rssi", WIFI_RSSI_BY_BARS[wifi]), "wifi_rssi"),
            lfr_rssi=_dbm(raw.get("lfr_rssi", LFR_RSSI_BY_BARS[lfr]), "lfr_rssi"),
            battery=_battery(raw.get("battery", "ok")),
            battery_bars=_bars(raw.get("battery_bars", 3), "battery_bars"),
            battery_voltage=int(
                _number(raw.get("battery_voltage", 160), "battery_voltage")
            ),
            temperature=_number(raw.get("temperature", 68), "temperature"),
            fw_version=str(raw.get("fw_version", "10.72")),
            thumbnail_ts=int(thumbnail_ts)
            if thumbnail_ts is not None
            else int(self.wall(now).timestamp()) - 600,
        )
        self._check_placement(device, device.network_id)
        if device.status == "offline":
            device.offline_at = now - float(
                raw.get("offline_seconds", DEFAULT_OFFLINE_SECONDS)
            )
        if any(
            other.name.lower() == device.name.lower() for other in self.devices.values()
        ):
            # blinkpy keys cameras by name, case-insensitively (blink_api.md §4.2 step 6).
            raise ScenarioError(f"device name {device.name!r} is already in use")
        self.devices[serial] = device
        self._next_device_id = max(self._next_device_id, device_id + 1)
        return device

    def _check_placement(self, device: Device, network_id: int) -> None:
        """Refuse a network that cannot hold this device."""
        self.network(network_id)
        if device.kind == "camera" and self.sync_module_for(network_id) is None:
            raise ScenarioError(
                f"camera {device.serial} needs a network with a Sync Module"
            )

    # ----- lookups ----------------------------------------------------------------------

    def network(self, network_id: int) -> Network:
        """Return a network by id."""
        try:
            return self.networks[network_id]
        except KeyError:
            raise UnknownItemError(f"no network {network_id}") from None

    def device(self, serial: str) -> Device:
        """Return a camera, Mini or doorbell by serial."""
        try:
            return self.devices[serial]
        except KeyError:
            raise UnknownItemError(f"no device {serial}") from None

    def device_by_id(self, device_id: int) -> Device | None:
        """Return the device with this camera id, if any."""
        return next((d for d in self.devices.values() if d.id == device_id), None)

    def sync_module_for(self, network_id: int) -> SyncModule | None:
        """Return the Sync Module of a network, if it has one."""
        return next(
            (s for s in self.sync_modules.values() if s.network_id == network_id), None
        )

    def sync_networks(self) -> list[Network]:
        """Return the networks that have a Sync Module (what /networks lists)."""
        return [
            n for n in self.networks.values() if self.sync_module_for(n.id) is not None
        ]

    def devices_of(
        self, kind: DeviceKind, network_id: int | None = None
    ) -> list[Device]:
        """Return devices of one kind, optionally on one network, in id order."""
        found = [
            d
            for d in self.devices.values()
            if d.kind == kind and network_id in (None, d.network_id)
        ]
        return sorted(found, key=lambda d: d.id)

    def plug_for(self, serial: str) -> Plug | None:
        """Return the plug feeding a serial, if any."""
        return next((p for p in self.plugs.values() if serial in p.devices), None)

    # ----- derived, time-dependent state ------------------------------------------------

    def _last_seen(
        self, serial: str, offline_at: float | None, now: float
    ) -> float | None:
        """Return when a device or Sync Module was last up, or None if it is up now."""
        seen: list[float] = []
        if offline_at is not None:
            seen.append(offline_at)
        plug = self.plug_for(serial)
        if plug is not None and not plug.powered(now):
            seen.append(plug.off_at if plug.off_at is not None else now)
        return min(seen) if seen else None

    def sync_last_seen(
        self, sync: SyncModule, now: float | None = None
    ) -> float | None:
        """Return when a Sync Module was last online, or None if it is online."""
        now = self.now() if now is None else now
        return self._last_seen(sync.serial, sync.offline_at, now)

    def sync_online(self, sync: SyncModule, now: float | None = None) -> bool:
        """Return whether a Sync Module is online (configured up, powered and booted)."""
        return self.sync_last_seen(sync, now) is None

    def device_last_seen(
        self, device: Device, now: float | None = None
    ) -> float | None:
        """Return when a device was last online, or None if it is online now."""
        now = self.now() if now is None else now
        seen = self._last_seen(device.serial, device.offline_at, now)
        if (hung := self._hung_since(device, now)) is not None:
            seen = hung if seen is None else min(seen, hung)
        if device.kind == "camera":
            # Battery cameras reach the cloud through their Sync Module over LFR.
            sync = self.sync_module_for(device.network_id)
            sync_seen = None if sync is None else self.sync_last_seen(sync, now)
            if sync_seen is not None:
                seen = sync_seen if seen is None else min(seen, sync_seen)
        return seen

    def _hung_since(self, device: Device, now: float) -> float | None:
        """Return when a hung device froze, or None once its plug has power-cycled it since."""
        if device.hung_at is None:
            return None
        plug = self.plug_for(device.serial)
        if (
            plug is not None
            and plug.off_at is not None
            and plug.off_at >= device.hung_at
            and plug.powered(now)
        ):
            return None
        return device.hung_at

    def device_online(self, device: Device, now: float | None = None) -> bool:
        """Return whether a device is online."""
        return self.device_last_seen(device, now) is None

    # ----- control operations -----------------------------------------------------------

    def patch_device(self, serial: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Change what a device or Sync Module reports; returns its new state."""
        if serial in self.sync_modules:
            return self._patch_sync(self.sync_modules[serial], changes)
        device = self.device(serial)
        unknown = set(changes) - DEVICE_PATCH_KEYS
        if unknown:
            raise ScenarioError(f"unknown device fields: {sorted(unknown)}")
        now = self.now()
        if "sync_module" in changes:
            target = self.sync_modules.get(changes["sync_module"])
            if target is None:
                raise UnknownItemError(f"no Sync Module {changes['sync_module']}")
            changes = {**changes, "network_id": target.network_id}
        if "network_id" in changes:
            network_id = int(changes["network_id"])
            self._check_placement(device, network_id)
            device.network_id = network_id
        if "name" in changes:
            device.name = _text(changes["name"], "name")
        if "status" in changes:
            status = _status(changes["status"])
            if status == "offline" and device.status == "online":
                device.offline_at = now
            if status == "online":
                device.offline_at = None
            device.status = status
        if "enabled" in changes:
            device.enabled = _flag(changes["enabled"], "enabled")
        if "wifi" in changes:
            device.wifi = _bars(changes["wifi"], "wifi")
            device.wifi_rssi = WIFI_RSSI_BY_BARS[device.wifi]
        if "wifi_rssi" in changes:
            device.wifi_rssi = _dbm(changes["wifi_rssi"], "wifi_rssi")
        if "lfr" in changes:
            device.lfr = _bars(changes["lfr"], "lfr")
            device.lfr_rssi = LFR_RSSI_BY_BARS[device.lfr]
        if "lfr_rssi" in changes:
            device.lfr_rssi = _dbm(changes["lfr_rssi"], "lfr_rssi")
        if "battery" in changes:
            device.battery = _battery(changes["battery"])
        if "battery_bars" in changes:
            device.battery_bars = _bars(changes["battery_bars"], "battery_bars")
        if "battery_voltage" in changes:
            device.battery_voltage = int(
                _number(changes["battery_voltage"], "battery_voltage")
            )
        if "temperature" in changes:
            device.temperature = _number(changes["temperature"], "temperature")
        if "fw_version" in changes:
            device.fw_version = _text(str(changes["fw_version"]), "fw_version")
        if changes.get("thumbnail"):
            device.thumbnail_ts = self._new_thumbnail_ts(device)
        if "hung" in changes:
            if not _flag(changes["hung"], "hung"):
                device.hung_at = None
            elif self._hung_since(device, now) is None:
                device.hung_at = now
        return self.device_state(device)

    def _patch_sync(
        self, sync: SyncModule, changes: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Change what a Sync Module reports."""
        unknown = set(changes) - SYNC_PATCH_KEYS
        if unknown:
            raise ScenarioError(f"unknown Sync Module fields: {sorted(unknown)}")
        if "name" in changes:
            sync.name = _text(changes["name"], "name")
        if "status" in changes:
            status = _status(changes["status"])
            if status == "offline" and sync.status == "online":
                sync.offline_at = self.now()
            if status == "online":
                sync.offline_at = None
            sync.status = status
        if "wifi" in changes:
            sync.wifi = _bars(changes["wifi"], "wifi")
        if "fw_version" in changes:
            sync.fw_version = _text(str(changes["fw_version"]), "fw_version")
        if "type" in changes:
            sync.type = _text(changes["type"], "type")
        if "sync_module_error" in changes:
            sync.sync_module_error = _flag(
                changes["sync_module_error"], "sync_module_error"
            )
        return self.sync_state(sync)

    def set_plug(self, plug_id: str, on: bool) -> dict[str, Any]:
        """Switch a smart plug; switching it on starts its devices' boot time."""
        plug = self.plugs.get(plug_id)
        if plug is None:
            raise UnknownItemError(f"no plug {plug_id}")
        on = _flag(on, "on")
        now = self.now()
        if on and not plug.on:
            plug.on_at = now
        if not on and plug.on:
            # Devices still booting never came up, so they keep their earlier last-seen time.
            if plug.powered(now) or plug.off_at is None:
                plug.off_at = now
        plug.on = on
        return self.plug_state(plug, now)

    def add_device(self, spec: Mapping[str, Any]) -> dict[str, Any]:
        """Add a device as the Blink app does; a returning serial gets a new camera id."""
        spec = {key: value for key, value in spec.items() if key != "id"}
        if "sync_module" in spec:
            sync = self.sync_modules.get(spec["sync_module"])
            if sync is None:
                raise UnknownItemError(f"no Sync Module {spec['sync_module']}")
            spec["network_id"] = sync.network_id
            del spec["sync_module"]
        try:
            device = self._insert_device(spec, self.now())
        except (KeyError, TypeError) as err:
            raise ScenarioError(f"invalid device: {err!r}") from err
        return self.device_state(device)

    def remove_device(self, serial: str) -> dict[str, Any]:
        """Remove a camera, Mini or doorbell from the account (the plug keeps feeding it)."""
        device = self.device(serial)
        state = self.device_state(device)
        del self.devices[serial]
        return state

    def update_account(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Switch 2FA, its PIN and form, token lifetime, app-update-required; expire or revoke tokens."""
        allowed = {
            "two_factor", "pin", "two_factor_form", "password", "access_token_lifetime",
            "app_update_required", "revoke_refresh_token", "expire_access_token",
        }  # fmt: skip
        unknown = set(changes) - allowed
        if unknown:
            raise ScenarioError(f"unknown account fields: {sorted(unknown)}")
        account = self.account
        if "two_factor" in changes:
            account.two_factor = _flag(changes["two_factor"], "two_factor")
        if "pin" in changes:
            account.pin = _text(str(changes["pin"]), "pin")
        if "two_factor_form" in changes:
            account.two_factor_form = _form(changes["two_factor_form"])
        if "password" in changes:
            account.password = _text(changes["password"], "password")
        if "access_token_lifetime" in changes:
            account.access_token_lifetime = _number(
                changes["access_token_lifetime"], "access_token_lifetime"
            )
        if "app_update_required" in changes:
            account.app_update_required = _flag(
                changes["app_update_required"], "app_update_required"
            )
        if changes.get("revoke_refresh_token"):
            self.tokens.revoke_refresh_tokens()
        if changes.get("expire_access_token"):
            self.tokens.expire_access_tokens()
        return account.public()

    def update_internet(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Change the internet profile (latency added to every response, speed, ping)."""
        unknown = set(changes) - {"latency_ms", "download_mbps", "ping_ms"}
        if unknown:
            raise ScenarioError(f"unknown internet fields: {sorted(unknown)}")
        for key, value in changes.items():
            setattr(self.internet, key, _number(value, key))
        return self.internet.public()

    # ----- cloud-side effects of REST calls ---------------------------------------------

    def new_command(self, network_id: int, command: str) -> Command:
        """Record an accepted command."""
        cmd = Command(
            id=self._next_command_id,
            network_id=network_id,
            command=command,
            created_at=self.now(),
        )
        self._next_command_id += 1
        self.commands[cmd.id] = cmd
        return cmd

    def _new_thumbnail_ts(self, device: Device) -> int:
        """Return a thumbnail timestamp newer than the device's current one."""
        return max(device.thumbnail_ts + 1, int(self.wall().timestamp()))

    def snap(self, device: Device) -> None:
        """Take a new picture: the thumbnail URL changes."""
        device.thumbnail_ts = self._new_thumbnail_ts(device)

    def record(self, device: Device) -> Media:
        """Record a clip: media/changed lists it from now on."""
        media = Media(
            id=self._next_media_id,
            device_id=device.id,
            device_name=device.name,
            device_type=device.type,
            network_id=device.network_id,
            created_at=self.now(),
        )
        self._next_media_id += 1
        self.media.append(media)
        return media

    # ----- state for the control API ----------------------------------------------------

    def device_state(self, device: Device, now: float | None = None) -> dict[str, Any]:
        """Describe a device as /_sim/state does."""
        now = self.now() if now is None else now
        last_seen = self.device_last_seen(device, now)
        plug = self.plug_for(device.serial)
        return {
            "serial": device.serial,
            "id": device.id,
            "type": device.type,
            "kind": device.kind,
            "name": device.name,
            "network_id": device.network_id,
            "status": "online" if last_seen is None else "offline",
            "configured_status": device.status,
            "hung": self._hung_since(device, now) is not None,
            "last_seen": self.iso(now if last_seen is None else last_seen),
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
        }

    def sync_state(self, sync: SyncModule, now: float | None = None) -> dict[str, Any]:
        """Describe a Sync Module as /_sim/state does."""
        now = self.now() if now is None else now
        last_seen = self.sync_last_seen(sync, now)
        plug = self.plug_for(sync.serial)
        return {
            "serial": sync.serial,
            "id": sync.id,
            "type": sync.type,
            "name": sync.name,
            "network_id": sync.network_id,
            "status": "online" if last_seen is None else "offline",
            "configured_status": sync.status,
            "last_hb": self.iso(now if last_seen is None else last_seen),
            "wifi": sync.wifi,
            "fw_version": sync.fw_version,
            "sync_module_error": sync.sync_module_error,
            "plug": None if plug is None else plug.id,
        }

    def plug_state(self, plug: Plug, now: float | None = None) -> dict[str, Any]:
        """Describe a plug as /_sim/state does."""
        now = self.now() if now is None else now
        return {
            "id": plug.id,
            "on": plug.on,
            "boot_seconds": plug.boot_seconds,
            "devices": list(plug.devices),
            "powered": plug.powered(now),
            "boot_remaining": plug.boot_remaining(now),
        }

    def state(self) -> dict[str, Any]:
        """Describe the whole world for GET /_sim/state."""
        now = self.now()
        return {
            "scenario": self.name,
            "time": self.iso(now),
            "account": self.account.public(),
            "internet": self.internet.public(),
            "networks": [
                {
                    "id": net.id,
                    "name": net.name,
                    "armed": net.armed,
                    "sync_module": None
                    if (sync := self.sync_module_for(net.id)) is None
                    else sync.serial,
                }
                for net in self.networks.values()
            ],
            "sync_modules": [
                self.sync_state(sync, now) for sync in self.sync_modules.values()
            ],
            "devices": [
                self.device_state(device, now) for device in self.devices.values()
            ],
            "plugs": {
                plug.id: self.plug_state(plug, now) for plug in self.plugs.values()
            },
        }


def _battery(value: Any) -> str:
    """Validate a battery state."""
    if value not in ("ok", "low"):
        raise ScenarioError(f"battery must be 'ok' or 'low', got {value!r}")
    return str(value)


def _form(value: Any) -> Literal["412", "202"]:
    """Validate the 2FA form."""
    value = str(value)
    if value == "412":
        return "412"
    if value == "202":
        return "202"
    raise ScenarioError(f"two_factor form must be '412' or '202', got {value!r}")
