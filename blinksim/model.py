"""The simulated account's parts: account, networks, Sync Modules, devices, plugs, media, commands."""

from __future__ import annotations

from dataclasses import dataclass, field
import math
from typing import Any, Literal

type DeviceKind = Literal["camera", "owl", "doorbell"]
# How a camera config is shaped (captures in tests/fixtures/captures/camera_config): "nested"
# camera[] with signals inside and beside, "sibling" camera[] with signals only beside
# (homebridge 2022), "flat" the camera itself with signals inside (hunsalz 2025).
type ConfigShape = Literal["nested", "sibling", "flat"]
CONFIG_SHAPES: tuple[ConfigShape, ...] = ("nested", "sibling", "flat")
# The thumbnail as a path ending in "&ext=", or only its timestamp (a string), which blinkpy
# turns into that path itself ("API update only returns the timestamp!", camera.py).
type ThumbnailForm = Literal["path", "timestamp"]
THUMBNAIL_FORMS: tuple[ThumbnailForm, ...] = ("path", "timestamp")
# Homescreen device lists an account may leave out (published homescreens without doorbells).
OMITTABLE_LISTS = frozenset({"doorbells", "owls"})

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
    # The homescreen's app_updates flag (code 105), as working clients see it for years.
    app_update_required: bool = False
    # Device lists the homescreen leaves out, whatever they hold (OMITTABLE_LISTS).
    homescreen_omit: frozenset[str] = frozenset()

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
            "homescreen_omit": sorted(self.homescreen_omit),
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
    # sm2 captures say "vinnie" or "billy", sm1 ones "none" (homebridge sample, issue #108).
    subtype: str = "vinnie"
    # "unavailable" or "active" in the captures.
    local_storage_status: str = "unavailable"
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
    temperature: float = 68.0  # °F, calibrated: what signals.temp and the app show
    # The camera's calibration: its config's raw "temperature" is temperature - temp_adjust.
    temp_adjust: int = 0
    fw_version: str = "10.72"
    thumbnail_ts: int = 0
    config_shape: ConfigShape = "nested"
    # Top-level wifi_strength -255 ("unknown") with the reading under last_connect.
    wifi_strength_unknown: bool = False
    thumbnail_form: ThumbnailForm = "path"
    offline_at: float | None = None
    # When it froze: offline, whatever it is configured as, until its plug cuts the power.
    hung_at: float | None = None
    # When something it reports was last changed (a patch); None: as created.
    changed_at: float | None = None

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
