"""Pure health model: raw Blink cloud JSON → AccountHealth (no Home Assistant, no blinkpy).

Where each value lives, its unit and the public captures that back it: docs/fidelity.md (the
captures themselves are in tests/fixtures/captures/). The cloud is an undocumented API whose
shapes drift, so every reader here tolerates missing keys, nulls, "" and oddly typed values:
anything it cannot make sense of becomes None, never an exception.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
import math
from typing import Any, NoReturn, Self

# Signal values are "bars" on a 0–5 scale (ha_blink_core.md §3.G; hunsalz get-signals.md).
MAX_BARS = 5
# A negative dBm reading below this is no radio measurement; Blink sends -255 for "unknown"
# (blink_api.md §5.2), and the quietest real Wi-Fi receptions sit around -100 dBm.
MIN_RSSI_DBM = -150
# Camera config reports battery voltage in hundredths of a volt: 163 → 1.63 V (§5.2, issue #865).
VOLTAGE_SCALE = 100


class FrozenMap[K, V](dict[K, V]):
    """A read-only dict: compares by value, hashes, copies, pickles and serialises like a dict.

    A dict subclass rather than MappingProxyType, because dataclasses.asdict, copy.deepcopy and
    Home Assistant's JSON encoder (diagnostics) all handle dicts but not mapping proxies.
    """

    __slots__ = ()

    def __hash__(self) -> int:  # type: ignore[override]
        """Hash the items, so frozen dataclasses holding a FrozenMap stay hashable."""
        return hash(frozenset(self.items()))

    def __reduce__(self) -> tuple[type[Self], tuple[dict[K, V]]]:
        """Rebuild from a plain dict: copy and pickle must not go through __setitem__."""
        return (type(self), (dict(self),))

    def _readonly(self, *args: Any, **kwargs: Any) -> NoReturn:
        """Refuse any change."""
        raise TypeError(f"{type(self).__name__} is read-only")

    __delitem__ = _readonly
    __ior__ = _readonly
    __setitem__ = _readonly
    clear = _readonly
    pop = _readonly
    popitem = _readonly
    setdefault = _readonly
    update = _readonly


# Device status strings → what they mean. "done" is what battery cameras and doorbells report
# while reachable (every captured camera entry that is not "offline"; blinkpy 0.25.9 `ONLINE`,
# constants.py:29, reads it as online), Minis and Sync Modules say "online". Only the meaning
# leaves this module: a raw "done" would read as nonsense to a person ("… reports Side Gate as
# done"); anything else Blink sends is unknown (None), never shown verbatim.
ONLINE = "online"
OFFLINE = "offline"
_STATUS_MEANING: Mapping[str, str] = FrozenMap(
    {"done": ONLINE, "offline": OFFLINE, "online": ONLINE}
)
# Battery states of the homescreen and camera config (§5.2).
_BATTERY_OK: Mapping[str, bool] = FrozenMap({"low": False, "ok": True})
# JSON booleans that arrive as strings.
_TRUE_STRINGS = frozenset({"1", "true", "yes"})


class PowerSource(StrEnum):
    """How a device is powered: decides offline grace, battery checks and power-cycling."""

    MAINS = "mains"
    BATTERY = "battery"
    EITHER = "either"
    # A product code nobody has published: it may be a battery camera or a wired one, so it is
    # neither power-cycled as if wired nor given battery advice as if it had batteries.
    UNKNOWN = "unknown"

    @property
    def mains_possible(self) -> bool:
        """Return whether the device is known to be able to run from a plug (power-cyclable)."""
        return self in (PowerSource.MAINS, PowerSource.EITHER)

    @property
    def battery_possible(self) -> bool:
        """Return whether the device is known to be able to run on batteries (battery checks)."""
        return self in (PowerSource.BATTERY, PowerSource.EITHER)


class DeviceKind(StrEnum):
    """Which homescreen list a device comes from (and so which detail request it has)."""

    SYNC_MODULE = "sync_module"
    CAMERA = "camera"
    MINI = "mini"
    DOORBELL = "doorbell"


@dataclass(frozen=True, slots=True, kw_only=True)
class Product:
    """A Blink product type: its marketed name, power source and two-way talk support."""

    type: str
    model: str
    power: PowerSource
    talk: bool | None  # two-way talk; None when unknown


# Blink product type codes (the `type` of homescreen cameras/owls/doorbells) → product.
# No cloud response says whether a model has two-way talk (blink_api.md §7), so this static
# table is the only source. Each row cites where its code was seen; the captures named are in
# tests/fixtures/captures/ (SOURCES). A code not listed gets a generic model and
# PowerSource.UNKNOWN (product_for): it is never power-cycled as if wired and never given
# battery advice as if it had batteries.
PRODUCTS: Mapping[str, Product] = FrozenMap(
    {
        # Seen: homescreen/homebridge_sample_2022.json ("Beta", fw 10.53),
        # homescreen/hunsalz_homescreen_2025.json, camera_config/hunsalz_flat_2025.json;
        # blinkpy PR #821 names an "Outdoor Gen3" camera of type catalina. The Indoor (2nd
        # gen) sharing the code is blink_api.md §5.2's reading. AA batteries; two-way talk.
        "catalina": Product(
            type="catalina",
            model="Blink Outdoor (3rd gen) / Indoor (2nd gen)",
            power=PowerSource.BATTERY,
            talk=True,
        ),
        # Seen: blinkpy issue #638 (a doorbell's attributes, "type": "lotus"); amattu2
        # blink-home typings ("lotus" thumbnail endpoint). The Video Doorbell runs on AA
        # batteries or the existing doorbell wiring; two-way talk.
        "lotus": Product(
            type="lotus",
            model="Blink Video Doorbell",
            power=PowerSource.EITHER,
            talk=True,
        ),
        # Seen: blinkpy issue #638 (2026-07-19 comment: "Battery Doorbell 2K+ (orchid)", with
        # its doorbell config, doorbell_config/blinkpy_638_orchid_2026.json). Named a battery
        # doorbell by its owner; two-way talk like every Blink doorbell.
        "orchid": Product(
            type="orchid",
            model="Blink Battery Doorbell 2K+",
            power=PowerSource.BATTERY,
            talk=True,
        ),
        # Seen: homescreen/homebridge_sample_2022.json and owl_config/homebridge_owl_2022.json,
        # homescreen/bling_viewer_7_2020.json; blinkpy PR #290 ("owl" is the Mini's codename).
        # USB powered; two-way talk.
        "owl": Product(
            type="owl", model="Blink Mini", power=PowerSource.MAINS, talk=True
        ),
        # Seen only in amattu2 blink-home typings (a "superior" thumbnail endpoint, listed with
        # the vision devices); no capture of its homescreen entry. Blink Wired Floodlight
        # Camera (Amazon's launch images are named blink-superior-…): hard-wired; two-way talk.
        "superior": Product(
            type="superior",
            model="Blink Wired Floodlight Camera",
            power=PowerSource.MAINS,
            talk=True,
        ),
        # Seen: blinkpy issue #638 (2026-07-19 comment: "Video Doorbell 2nd Gen (tulip)", with
        # its doorbell config, doorbell_config/blinkpy_638_tulip_2026.json). Batteries or the
        # doorbell wiring, like the first Video Doorbell; two-way talk.
        "tulip": Product(
            type="tulip",
            model="Blink Video Doorbell (2nd gen)",
            power=PowerSource.EITHER,
            talk=True,
        ),
        # Seen: homescreen/homebridge_sample_2022.json ("Alpha", fw 2.151) and
        # camera_config/homebridge_camera_list_2022.json, homescreen/matttw_homescreen_2020.json.
        # The original Blink camera (2016): AA batteries; microphone but no speaker, so no talk.
        "white": Product(
            type="white",
            model="Blink Indoor (1st gen)",
            power=PowerSource.BATTERY,
            talk=False,
        ),
        # Seen: homescreen/matttw_homescreen_2020.json, homescreen/hunsalz_homescreen_2025.json,
        # homescreen/homebridge_issue_10_2020.json. Blink XT (2017): AA batteries; no speaker,
        # so no talk (EDN Asia's Blink teardown series: the XT2 was the first with a speaker).
        "xt": Product(
            type="xt", model="Blink XT", power=PowerSource.BATTERY, talk=False
        ),
        # No capture shows this code: assumed from "xt" (issue titles name the XT2, never its
        # code). Blink XT2 (2019): AA batteries only, so the power source holds whatever
        # the code; the first Blink camera with a speaker and two-way talk (EDN Asia, see "xt").
        "xt2": Product(
            type="xt2", model="Blink XT2", power=PowerSource.BATTERY, talk=True
        ),
    }
)

# Sync Module types of homescreen sync_modules[].type. Its `subtype` ("none" with sm1; "vinnie",
# "billy" with sm2 in the captures) names no model anyone has published, so it is not read.
SYNC_MODULE_MODELS: Mapping[str, str] = FrozenMap(
    {
        # Only amattu2 blink-home typings list "sm" (beside "sm2"): taken to be the first
        # generation; no capture shows it.
        "sm": "Sync Module",
        # Seen: homescreen/homebridge_sample_2022.json (subtype "none"),
        # homescreen/homebridge_issue_10_2020.json; the device body of homebridge's sample
        # names sm1 the Sync Module's subtype ("fw_target": "sync_module").
        "sm1": "Sync Module",
        # Seen: homescreen/homebridge_sample_2022.json (subtype "vinnie"),
        # homescreen/homebridge_issue_108_2022.json (subtype "billy"); blinkpy issue #572.
        "sm2": "Sync Module 2",
    }
)
SYNC_MODULE_FALLBACK_MODEL = "Sync Module"

# Homescreen lists holding cameras, in the order their devices are listed.
_CAMERA_LISTS: tuple[tuple[str, DeviceKind], ...] = (
    ("cameras", DeviceKind.CAMERA),
    ("owls", DeviceKind.MINI),
    ("doorbells", DeviceKind.DOORBELL),
)


def product_for(product_type: str | None, kind: DeviceKind) -> Product:
    """Return the product of a Blink type code; unknown codes get a fallback from the kind."""
    code = product_type.strip().lower() if isinstance(product_type, str) else ""
    if kind is DeviceKind.SYNC_MODULE:
        model = SYNC_MODULE_MODELS.get(code, SYNC_MODULE_FALLBACK_MODEL)
        return Product(type=code, model=model, power=PowerSource.MAINS, talk=False)
    if (product := PRODUCTS.get(code)) is not None:
        return product
    model = f"Blink camera ({code})" if code else "Blink camera"
    # Not even the list says how it is powered: cameras[] holds wired floodlights beside
    # battery cameras, doorbells[] both kinds, and owls[] may hold Minis yet unpublished.
    return Product(type=code, model=model, power=PowerSource.UNKNOWN, talk=None)


@dataclass(frozen=True, slots=True, kw_only=True)
class SyncModuleHealth:
    """Health of one Sync Module, from the homescreen's sync_modules[]."""

    serial: str
    id: int | None
    network_id: int | None
    name: str
    network_name: str | None
    online: bool | None
    status: (
        str | None
    )  # what the status means: "online", "offline", or None when unknown
    raw_status: str | None  # as Blink sent it (diagnostics only; "done" means online)
    wifi_bars: int | None  # 0–5, sync_modules[].wifi_strength
    last_heartbeat: (
        datetime | None
    )  # last_hb: the Sync Module's own heartbeat, aware UTC
    firmware: str | None
    model: str
    # --- Local storage (Sync Module 2 with a USB drive), issue 20: the homescreen's own
    # sync_modules[] fields, no request of their own. Captures: an SM2 reporting
    # compatible true, enabled false, status "active" (colinbendell/homebridge-blink-for-home
    # issue #108); an SM1 compatible false, enabled false, status "unavailable" (the same
    # project's src/blink-api.js, getAccountHomescreen). blinkpy counts only "active" as on.
    local_storage_compatible: bool | None = None
    local_storage_enabled: bool | None = None
    local_storage_status: str | None = None  # raw: "active", "unavailable", …


@dataclass(frozen=True, slots=True, kw_only=True)
class CameraHealth:
    """Health of one camera, Mini or doorbell: homescreen values refined by its details."""

    serial: str
    id: int | None
    network_id: int | None
    name: str
    kind: DeviceKind
    product: Product
    sync_serial: str | None  # the Sync Module on the same network, if any
    online: bool | None
    status: (
        str | None
    )  # what the status means: "online", "offline", or None when unknown
    raw_status: str | None  # as Blink sent it (diagnostics only; "done" means online)
    wifi_bars: int | None  # 0–5: signals.wifi; Mini: owl config "wifi"
    sync_bars: int | None  # 0–5: signals.lfr (camera ↔ Sync Module radio link)
    wifi_rssi: int | None  # dBm: camera config wifi_strength; doorbell config wifi_rssi
    battery_ok: bool | None
    battery_bars: int | None
    battery_voltage: float | None  # volts
    temperature: float | None  # °F, calibrated (temperature + temp_adjust)
    # When the camera last reported its readings (camera config signals.updated_at, else
    # last_connect.updated_at), aware UTC. Not a heartbeat: Blink publishes none for cameras,
    # and its record-update times (updated_at) move for other reasons. None for Minis and
    # doorbells, whose bodies carry no such time (docs/fidelity.md).
    last_heartbeat: datetime | None
    firmware: str | None

    @property
    def power_source(self) -> PowerSource:
        """Return how the camera is powered."""
        return self.product.power

    @property
    def supports_talk(self) -> bool | None:
        """Return whether the camera has two-way talk (None when the model is unknown)."""
        return self.product.talk

    @property
    def has_sync_link(self) -> bool:
        """Return whether the camera reaches the cloud through a Sync Module's radio link."""
        return self.sync_serial is not None and self.kind is not DeviceKind.MINI


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountHealth:
    """Health of a whole Blink account at one poll."""

    account_id: int | None
    sync_modules: Mapping[str, SyncModuleHealth]  # by serial, in homescreen order
    cameras: Mapping[
        str, CameraHealth
    ]  # by serial: cameras, then Minis, then doorbells
    # Blink refuses this client until it is updated. A homescreen never says so: the flag in
    # its app_updates is about the app build the client names, stays true for years on
    # clients that keep working, and a client Blink really refuses gets an error body instead
    # of a homescreen (docs/fidelity.md). So parse_account leaves it False.
    app_update_required: bool
    app_update_message: str | None
    # The homescreen's app_updates.update_required, kept for diagnostics only.
    app_build_flagged: bool = False

    def device(self, serial: str) -> SyncModuleHealth | CameraHealth | None:
        """Return the Sync Module or camera with this serial, if the account has it."""
        if (sync := self.sync_modules.get(serial)) is not None:
            return sync
        return self.cameras.get(serial)

    @property
    def serials(self) -> frozenset[str]:
        """Return the serials of every device of the account."""
        return frozenset(self.sync_modules) | frozenset(self.cameras)


@dataclass(slots=True)
class ParseMemo:
    """What the last parse read for each camera entry, and what it made of it.

    A homescreen is mostly what it was at the last poll: comparing an entry with the one
    before costs a fraction of reading it again (docs/benchmarks.md), so an entry whose raw
    dict, detail body and Sync Module placement are unchanged gives the same CameraHealth.
    """

    # (device list, position) -> (raw entry, its detail body, the CameraHealth made of them)
    cameras: dict[tuple[str, int], tuple[Any, Any, CameraHealth | None]] = field(
        default_factory=dict
    )
    sync_by_network: dict[int, str] = field(default_factory=dict)


def parse_account(
    homescreen: Mapping[str, Any] | None,
    details: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    memo: ParseMemo | None = None,
) -> AccountHealth:
    """Build the account's health from a homescreen body and per-device detail bodies.

    `details` maps a serial to the body of its detail request (camera, owl or doorbell
    config); those refine the homescreen's values. Nothing in either is trusted. With a
    `memo` (the caller keeps it from poll to poll), unchanged camera entries are not read
    again.
    """
    root = _mapping(homescreen)
    all_details = _mapping(details)
    network_names = {
        network_id: name
        for network in _dicts(root.get("networks"))
        if (network_id := _int(network.get("id"))) is not None
        and (name := _str(network.get("name"))) is not None
    }

    sync_modules: dict[str, SyncModuleHealth] = {}
    for raw in _dicts(root.get("sync_modules")):
        if (sync := _parse_sync_module(raw, all_details, network_names)) is not None:
            # A serial listed twice: the first entry wins, so the result stays deterministic.
            sync_modules.setdefault(sync.serial, sync)
    sync_by_network: dict[int, str] = {}
    for sync in sync_modules.values():
        if sync.network_id is not None:
            sync_by_network.setdefault(sync.network_id, sync.serial)

    # Cameras are placed under Sync Modules by network: a new placement reads every entry.
    previous = (
        memo.cameras
        if memo is not None and memo.sync_by_network == sync_by_network
        else {}
    )
    read: dict[tuple[str, int], tuple[Any, Any, CameraHealth | None]] = {}
    cameras: dict[str, CameraHealth] = {}
    for key, kind in _CAMERA_LISTS:
        for index, raw in enumerate(_dicts(root.get(key))):
            body = all_details.get(device_serial(raw) or "")
            cached = previous.get((key, index))
            if cached is not None and cached[1] is body and cached[0] == raw:
                camera = cached[2]
            else:
                camera = _parse_camera(raw, kind, all_details, sync_by_network)
            read[key, index] = (raw, body, camera)
            if camera is not None and camera.serial not in sync_modules:
                cameras.setdefault(camera.serial, camera)
    if memo is not None:
        memo.cameras, memo.sync_by_network = read, sync_by_network

    app_updates = _mapping(root.get("app_updates"))
    flagged = _bool(app_updates.get("update_required")) is True
    return AccountHealth(
        account_id=_int(_mapping(root.get("account")).get("id")),
        sync_modules=FrozenMap(sync_modules),
        cameras=FrozenMap(cameras),
        app_update_required=False,
        # Blink's message is "OK" while nothing is flagged: only worth keeping when it is.
        app_update_message=_str(app_updates.get("message")) if flagged else None,
        app_build_flagged=flagged,
    )


def _parse_sync_module(
    raw: Mapping[str, Any],
    details: Mapping[str, Any],
    network_names: Mapping[int, str],
) -> SyncModuleHealth | None:
    """Read one homescreen sync_modules[] entry; /syncmodules details fill what it lacks."""
    if (serial := device_serial(raw)) is None:
        return None
    body = _mapping(details.get(serial))
    extra = _mapping(body.get("syncmodule")) or body
    network_id = _first(_int(raw.get("network_id")), _int(extra.get("network_id")))
    raw_status = _first(_str(raw.get("status")), _str(extra.get("status")))
    return SyncModuleHealth(
        serial=serial,
        id=_first(_int(raw.get("id")), _int(extra.get("id"))),
        network_id=network_id,
        name=_first(_str(raw.get("name")), _str(extra.get("name"))) or serial,
        network_name=network_names.get(network_id) if network_id is not None else None,
        online=_online(raw_status),
        status=status_meaning(raw_status),
        raw_status=raw_status,
        wifi_bars=_first(
            _bars(raw.get("wifi_strength")), _bars(extra.get("wifi_strength"))
        ),
        last_heartbeat=_first(
            _datetime(raw.get("last_hb")), _datetime(extra.get("last_hb"))
        ),
        firmware=_first(_str(raw.get("fw_version")), _str(extra.get("fw_version"))),
        model=product_for(_str(raw.get("type")), DeviceKind.SYNC_MODULE).model,
        local_storage_compatible=_bool(raw.get("local_storage_compatible")),
        local_storage_enabled=_bool(raw.get("local_storage_enabled")),
        local_storage_status=_str(raw.get("local_storage_status")),
    )


def _parse_camera(
    raw: Mapping[str, Any],
    kind: DeviceKind,
    details: Mapping[str, Any],
    sync_by_network: Mapping[int, str],
) -> CameraHealth | None:
    """Read one homescreen camera, owl or doorbell entry, refined by its detail body."""
    if (serial := device_serial(raw)) is None:
        return None
    body = _mapping(details.get(serial))
    # Camera config nests the camera in "camera": [{…}]; owl and doorbell configs are flat.
    config = _first_dict(body.get("camera")) or body
    last_connect = _mapping(config.get("last_connect"))
    signals = _mapping(raw.get("signals"))
    # Where "signals" sits in camera config varies between captures (§5.2): inside or beside.
    config_signals = _mapping(config.get("signals")) or _mapping(body.get("signals"))

    product = product_for(_first(_str(raw.get("type")), _str(config.get("type"))), kind)
    network_id = _first(_int(raw.get("network_id")), _int(config.get("network_id")))
    raw_status = _first(_str(raw.get("status")), _str(config.get("status")))
    battery_ok = _first(
        _battery_ok(raw.get("battery")),
        _battery_ok(raw.get("battery_state")),
        _battery_ok(config.get("battery_state")),
        _battery_ok(config_signals.get("battery_state")),
    )
    return CameraHealth(
        serial=serial,
        id=_first(_int(raw.get("id")), _int(config.get("id"))),
        network_id=network_id,
        name=_first(_str(raw.get("name")), _str(config.get("name"))) or serial,
        kind=kind,
        product=product,
        sync_serial=sync_by_network.get(network_id) if network_id is not None else None,
        online=_online(raw_status),
        status=status_meaning(raw_status),
        raw_status=raw_status,
        wifi_bars=_first(
            _bars(signals.get("wifi")),
            _bars(config_signals.get("wifi")),
            # The owl (Mini) config has its bars as a flat "wifi" (§5.4).
            _bars(config.get("wifi")),
        ),
        sync_bars=_first(_bars(signals.get("lfr")), _bars(config_signals.get("lfr"))),
        wifi_rssi=_first(
            _rssi(config.get("wifi_strength")),
            # -255 at the top level with a real reading in last_connect (§5.2).
            _rssi(last_connect.get("wifi_strength")),
            _rssi(config.get("wifi_rssi")),
        ),
        # Kept as reported even for mains products: the playbook only judges the battery of
        # battery-powered ones, and a mislabelled product must not hide a flat battery.
        battery_ok=battery_ok,
        battery_bars=_first(
            _bars(signals.get("battery")), _bars(config_signals.get("battery"))
        ),
        battery_voltage=_first(
            _volts(config.get("battery_voltage")),
            _volts(last_connect.get("battery_voltage")),
        ),
        # All °F: the Blink app shows a camera's value in °F (blinkpy #865) and the config's
        # alert bounds (temp_min 50, temp_max 88) are °F. "signals.temp" is the calibrated
        # reading: camera config temperature 78 with temp_adjust -15 beside signals.temp 63
        # (camera_config/homebridge_camera_list_2022.json).
        temperature=_first(
            _float(signals.get("temp")),
            _float(config_signals.get("temp")),
            _calibrated(config.get("temperature"), config.get("temp_adjust")),
            _float(raw.get("temperature")),
            # The doorbell config calls it "temp" (doorbell_config/blinkpy_638_*.json).
            _float(config.get("temp")),
        ),
        # Only cameras have a time of their last readings; Minis and doorbells none (their
        # updated_at is the record's: a year old on an online Mini in the homebridge sample).
        last_heartbeat=_first(
            _datetime(config_signals.get("updated_at")),
            _datetime(last_connect.get("updated_at")),
        )
        if kind is DeviceKind.CAMERA
        else None,
        firmware=_first(_str(raw.get("fw_version")), _str(config.get("fw_version"))),
    )


def _first[T](*values: T | None) -> T | None:
    """Return the first value that is not None."""
    # A plain loop: this runs some 30 times per camera on every poll.
    for value in values:
        if value is not None:
            return value
    return None


# Shared by every missing object: read-only, so one instance serves them all.
_EMPTY: Mapping[str, Any] = FrozenMap()


def _mapping(value: object) -> Mapping[str, Any]:
    """Return the value if it is a JSON object, else an empty one."""
    # JSON objects arrive as dicts: checked first, as the Mapping ABC check is slow.
    return value if isinstance(value, dict | Mapping) else _EMPTY


def _dicts(value: object) -> Iterator[Mapping[str, Any]]:
    """Yield the JSON objects of a JSON array; anything else yields nothing."""
    if isinstance(value, list | tuple):
        yield from (item for item in value if isinstance(item, Mapping))


def _first_dict(value: object) -> Mapping[str, Any]:
    """Return the first JSON object of an array (or the object itself), else an empty one."""
    if isinstance(value, Mapping):
        return value
    return next(_dicts(value), _EMPTY)


def device_serial(raw: Mapping[str, Any]) -> str | None:
    """Return a device entry's serial: `serial` (v3), else `serial_number` (some v4 typings)."""
    return _first(_str(raw.get("serial")), _str(raw.get("serial_number")))


def _str(value: object) -> str | None:
    """Return a non-empty string; numbers become strings (owl config sends fw_version 9.68)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return str(value)
    if isinstance(value, str) and (text := value.strip()):
        return text
    return None


def _bool(value: object) -> bool | None:
    """Return a JSON boolean, also when sent as a string; else None."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.strip().lower() in _TRUE_STRINGS
    return None


def _float(value: object) -> float | None:
    """Return a finite number (also from a numeric string), else None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:
            return None
        return number if math.isfinite(number) else None
    return None


def _int(value: object) -> int | None:
    """Return a whole number (also "5" or 5.0), else None."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number = _float(value)
    return int(number) if number is not None and number.is_integer() else None


def _non_negative(value: float | None) -> float | None:
    """Return the value unless it is negative."""
    return value if value is not None and value >= 0 else None


def _bars(value: object) -> int | None:
    """Return signal bars on Blink's 0–5 scale; anything outside is not bars."""
    bars = _int(value)
    return bars if bars is not None and 0 <= bars <= MAX_BARS else None


def _calibrated(temperature: object, adjust: object) -> float | None:
    """Return the sensor reading corrected by the camera's temp_adjust (0 when it has none)."""
    reading = _float(temperature)
    if reading is None:
        return None
    return reading + (_float(adjust) or 0.0)


def _volts(value: object) -> float | None:
    """Return volts from hundredths of a volt; zero or negative readings are unknown."""
    hundredths = _float(value)
    return (
        round(hundredths / VOLTAGE_SCALE, 2)
        if hundredths is not None and hundredths > 0
        else None
    )


def _rssi(value: object) -> int | None:
    """Return a plausible RSSI in dBm; -255 ("unknown"), zero and positive values are not."""
    rssi = _int(value)
    return rssi if rssi is not None and MIN_RSSI_DBM <= rssi < 0 else None


def _lookup(value: object, table: Mapping[str, bool]) -> bool | None:
    """Look a status-like string up, ignoring case and surrounding blanks."""
    return table.get(value.strip().lower()) if isinstance(value, str) else None


def status_meaning(status: object) -> str | None:
    """Return what a Blink status string means ("online", "offline"), None when unknown."""
    return (
        _STATUS_MEANING.get(status.strip().lower()) if isinstance(status, str) else None
    )


def _online(status: str | None) -> bool | None:
    """Map a device status: "online"/"done" → True, "offline" → False, else None."""
    meaning = status_meaning(status)
    return None if meaning is None else meaning == ONLINE


def _battery_ok(value: object) -> bool | None:
    """Map a battery state: "ok" → True, "low" → False, else None."""
    return _lookup(value, _BATTERY_OK)


def _datetime(value: object) -> datetime | None:
    """Parse an ISO 8601 timestamp into an aware UTC datetime (no offset means UTC)."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
        if parsed.tzinfo is None:
            # Blink's timestamps carry +00:00; one without an offset is taken as UTC too.
            return parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    except ValueError, OverflowError:
        return None


def iter_devices(health: AccountHealth) -> Iterator[SyncModuleHealth | CameraHealth]:
    """Yield every device of the account: Sync Modules first, then cameras."""
    yield from health.sync_modules.values()
    yield from health.cameras.values()
