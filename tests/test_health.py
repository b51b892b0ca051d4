"""Tests of the pure health model: raw Blink JSON → AccountHealth."""

from __future__ import annotations

import copy
import dataclasses
from datetime import UTC, datetime
import json
from pathlib import Path
import pickle
from typing import Any

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.blink_health.health import (
    PRODUCTS,
    AccountHealth,
    CameraHealth,
    DeviceKind,
    FrozenMap,
    ParseMemo,
    PowerSource,
    Product,
    SyncModuleHealth,
    iter_devices,
    parse_account,
    product_for,
)

FIXTURES = Path(__file__).parent / "fixtures" / "health"

SYNC = "G8T10000000001"
FRONT_YARD = "G8T20000000001"
GARAGE = "G8T20000000002"
KITCHEN_MINI = "G8T30000000001"
HALL_MINI = "G8T30000000002"
FRONT_DOOR = "G8T40000000001"


def load(name: str) -> Any:
    """Load a JSON fixture."""
    return json.loads((FIXTURES / name).read_text())


def sample_details() -> dict[str, Any]:
    """Return the detail bodies of blink_api.md §5.6, keyed by serial."""
    return {
        FRONT_YARD: load("camera_config_4001.json"),
        KITCHEN_MINI: load("owl_config_5001.json"),
        FRONT_DOOR: load("doorbell_config_6001.json"),
        SYNC: load("syncmodules_2001.json"),
    }


def camera_of(
    entry: dict[str, Any], details: dict[str, Any] | None = None
) -> CameraHealth:
    """Parse a homescreen with one camera entry and return that camera."""
    entry = {"serial": "CAM1", **entry}
    health = parse_account({"cameras": [entry]}, {"CAM1": details} if details else None)
    return health.cameras["CAM1"]


def utc(text: str) -> datetime:
    """Parse an ISO timestamp without offset as aware UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# --- the realistic sample (blink_api.md §5.5, §5.6) ------------------------------------------


def test_sample_homescreen_alone() -> None:
    """The homescreen alone gives every device with its live values."""
    health = parse_account(load("homescreen.json"))

    assert health.account_id == 1001
    assert list(health.sync_modules) == [SYNC]
    assert list(health.cameras) == [
        FRONT_YARD,
        GARAGE,
        KITCHEN_MINI,
        HALL_MINI,
        FRONT_DOOR,
    ]
    assert health.serials == {
        SYNC,
        FRONT_YARD,
        GARAGE,
        KITCHEN_MINI,
        HALL_MINI,
        FRONT_DOOR,
    }
    assert health.app_update_required is False
    assert health.app_update_message is None

    assert health.sync_modules[SYNC] == SyncModuleHealth(
        serial=SYNC,
        id=3001,
        network_id=2001,
        name="Home",
        network_name="Home",
        online=True,
        status="online",
        raw_status="online",
        wifi_bars=4,
        last_heartbeat=utc("2025-11-21T00:31:00"),
        firmware="4.4.8",
        model="Sync Module 2",
        local_storage_compatible=True,
        local_storage_enabled=False,
        local_storage_status="unavailable",
    )
    assert health.cameras[GARAGE] == CameraHealth(
        serial=GARAGE,
        id=4002,
        network_id=2001,
        name="Garage",
        kind=DeviceKind.CAMERA,
        product=PRODUCTS["xt"],
        sync_serial=SYNC,
        online=False,
        status="offline",
        raw_status="offline",
        wifi_bars=1,
        sync_bars=1,
        wifi_rssi=None,
        battery_ok=False,
        battery_bars=1,
        battery_voltage=None,
        temperature=75.0,
        # The homescreen's updated_at dates the record, not a report: no time without details.
        last_heartbeat=None,
        firmware="2.151",
    )
    front_yard = health.cameras[FRONT_YARD]
    # "done" means online; only the meaning is passed on.
    assert (front_yard.online, front_yard.status, front_yard.raw_status) == (
        True,
        "online",
        "done",
    )
    assert (front_yard.wifi_bars, front_yard.sync_bars, front_yard.wifi_rssi) == (
        4,
        5,
        None,
    )
    kitchen = health.cameras[KITCHEN_MINI]
    assert kitchen.kind is DeviceKind.MINI
    assert kitchen.sync_serial is None  # network 2002 has no Sync Module
    assert kitchen.wifi_bars is None  # Minis have no signals in the homescreen
    assert health.cameras[HALL_MINI].sync_serial == SYNC
    assert health.cameras[HALL_MINI].online is False
    door = health.cameras[FRONT_DOOR]
    assert door.kind is DeviceKind.DOORBELL
    assert door.power_source is PowerSource.EITHER
    assert door.supports_talk is True
    assert door.has_sync_link is False


def test_sample_with_details() -> None:
    """Detail bodies refine the homescreen: dBm, volts, temperature, Mini bars."""
    health = parse_account(load("homescreen.json"), sample_details())

    front_yard = health.cameras[FRONT_YARD]
    assert front_yard.wifi_rssi == -55
    assert front_yard.battery_voltage == 1.63
    assert front_yard.battery_ok is True
    assert front_yard.temperature == 68.0
    assert front_yard.power_source is PowerSource.BATTERY
    assert front_yard.supports_talk is True
    assert front_yard.has_sync_link is True
    kitchen = health.cameras[KITCHEN_MINI]
    assert kitchen.wifi_bars == 5
    assert kitchen.battery_ok is None
    assert kitchen.has_sync_link is False
    door = health.cameras[FRONT_DOOR]
    assert (door.wifi_rssi, door.temperature) == (-54, 86.0)
    # The homescreen's live values stay; /syncmodules details only fill gaps.
    assert health.sync_modules[SYNC].wifi_bars == 4


def test_equal_content_is_equal() -> None:
    """Two parses of the same data are equal and hash alike (coordinator always_update=False)."""
    first = parse_account(load("homescreen.json"), sample_details())
    second = parse_account(load("homescreen.json"), sample_details())
    assert first == second
    assert hash(first) == hash(second)
    assert first != parse_account(load("homescreen.json"))


def test_device_lookup() -> None:
    """device() finds Sync Modules and cameras; iter_devices lists them all."""
    health = parse_account(load("homescreen.json"))
    assert health.device(SYNC) is health.sync_modules[SYNC]
    assert health.device(GARAGE) is health.cameras[GARAGE]
    assert health.device("nope") is None
    assert [device.serial for device in iter_devices(health)] == [SYNC, *health.cameras]


# --- detail bodies ---------------------------------------------------------------------------


def test_camera_config_last_connect() -> None:
    """A -255 top-level RSSI falls back to last_connect, which also dates the heartbeat."""
    details = {
        "camera": [
            {
                "wifi_strength": -255,
                "battery_voltage": 0,
                "last_connect": {
                    "wifi_strength": -51,
                    "battery_voltage": 154,
                    "updated_at": "2025-11-21T01:02:03+01:00",
                },
            }
        ]
    }
    camera = camera_of({"updated_at": "2025-01-01T00:00:00+00:00"}, details)
    assert camera.wifi_rssi == -51
    assert camera.battery_voltage == 1.54
    assert camera.last_heartbeat == utc("2025-11-21T00:02:03")


def test_camera_config_signals_beside_camera() -> None:
    """Signals beside camera[0] (homebridge capture) fill what the homescreen lacks."""
    details = {
        "camera": [{"temperature": 70, "battery_state": "low"}],
        "signals": {"wifi": 2, "lfr": 3, "battery": 1, "temp": 71},
    }
    camera = camera_of({}, details)
    assert (camera.wifi_bars, camera.sync_bars, camera.battery_bars) == (2, 3, 1)
    assert camera.temperature == 71.0
    assert camera.battery_ok is False


def test_camera_config_temperature_fallback() -> None:
    """Without signals, the config's own temperature counts; absurd numbers do not."""
    assert camera_of({}, {"camera": [{"temperature": "69.5"}]}).temperature == 69.5
    assert camera_of({"signals": {"temp": 10**400}}).temperature is None


def test_details_fill_missing_homescreen_fields() -> None:
    """A bare homescreen entry takes name, type, status and firmware from its details."""
    details = {
        "camera": {
            "id": "7",
            "network_id": 9,
            "name": "Shed",
            "type": "XT2",
            "status": "online",
            "fw_version": 2.2,
            "updated_at": "2025-11-20T10:00:00Z",
        }
    }
    camera = camera_of({}, details)
    assert (camera.id, camera.network_id, camera.name) == (7, 9, "Shed")
    assert camera.product == PRODUCTS["xt2"]
    assert (camera.online, camera.firmware) == (True, "2.2")
    # updated_at is when the record changed, not when the camera reported: no report time.
    assert camera.last_heartbeat is None


def test_owl_config_flat_values() -> None:
    """The owl config is flat: wifi bars, float firmware; its updated_at is no report time."""
    details = {
        "wifi": "3",
        "fw_version": 9.68,
        "updated_at": "2025-10-25T18:42:55+00:00",
    }
    health = parse_account({"owls": [{"serial": "M1", "type": "owl"}]}, {"M1": details})
    mini = health.cameras["M1"]
    assert (mini.wifi_bars, mini.firmware) == (3, "9.68")
    assert mini.last_heartbeat is None


def test_sync_module_details_fill_gaps() -> None:
    """/syncmodules details fill a sparse sync_modules[] entry."""
    health = parse_account(
        {"sync_modules": [{"serial": SYNC}]},
        {SYNC: load("syncmodules_2001.json")},
    )
    sync = health.sync_modules[SYNC]
    assert (sync.id, sync.network_id, sync.name, sync.online) == (
        3001,
        2001,
        "Home",
        True,
    )
    assert (sync.wifi_bars, sync.firmware) == (4, "4.4.8")
    assert sync.last_heartbeat == utc("2025-11-21T00:31:00")
    assert sync.network_name is None  # no networks[] in this homescreen
    assert sync.model == "Sync Module"  # no type: the fallback name


# --- tolerance --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "homescreen", [None, [], "homescreen", 42, 4.2, True, {}, {"cameras": None}]
)
def test_no_usable_homescreen(homescreen: Any) -> None:
    """Anything that is not a homescreen gives an empty account."""
    health = parse_account(homescreen, details=homescreen)
    assert health == AccountHealth(
        account_id=None,
        sync_modules={},
        cameras={},
        app_update_required=False,
        app_update_message=None,
    )
    assert health.serials == frozenset()


def test_malformed_lists_and_entries() -> None:
    """Dicts where lists belong, non-dict entries and serial-less devices are skipped."""
    homescreen = {
        "account": ["not", "a", "dict"],
        "networks": [None, {"id": "x", "name": "Bad"}, {"id": 2, "name": None}],
        "sync_modules": {"serial": "S1"},
        "cameras": [
            None,
            1,
            "x",
            [],
            {"name": "no serial"},
            {"serial": ""},
            {"serial": "  "},
        ],
        "owls": [{"serial_number": "V4SERIAL"}, {"serial": 12345}],
        "doorbells": "nope",
        "app_updates": [],
    }
    health = parse_account(homescreen, {"V4SERIAL": ["not", "a", "dict"]})
    assert health.account_id is None
    assert health.sync_modules == {}
    assert list(health.cameras) == ["V4SERIAL", "12345"]
    assert (
        health.cameras["V4SERIAL"].name == "V4SERIAL"
    )  # no name: the serial stands in


def test_duplicates_first_wins() -> None:
    """A serial listed twice keeps its first entry; a camera cannot shadow a Sync Module."""
    homescreen = {
        "sync_modules": [
            {"serial": "S1", "name": "First"},
            {"serial": "S1", "name": "Second"},
        ],
        "cameras": [{"serial": "C1", "name": "A"}, {"serial": "S1"}],
        "owls": [{"serial": "C1", "name": "B"}],
    }
    health = parse_account(homescreen)
    assert health.sync_modules["S1"].name == "First"
    assert list(health.cameras) == ["C1"]
    assert health.cameras["C1"].name == "A"


def test_first_sync_module_of_a_network_is_the_link() -> None:
    """A camera links to the first Sync Module listed for its network."""
    homescreen = {
        "sync_modules": [
            {"serial": "S1", "network_id": 1},
            {"serial": "S2", "network_id": 1},
            {"serial": "S3"},
        ],
        "cameras": [{"serial": "C1", "network_id": "1"}, {"serial": "C2"}],
    }
    health = parse_account(homescreen)
    assert health.cameras["C1"].sync_serial == "S1"
    assert health.cameras["C2"].sync_serial is None


@pytest.mark.parametrize(
    ("raw", "bars"),
    [
        (0, 0),
        (5, 5),
        ("5", 5),
        (" 3 ", 3),
        (4.0, 4),
        ("4.0", 4),
        (4.5, None),
        (6, None),
        (-1, None),
        ("abc", None),
        (True, None),
        (None, None),
        ([4], None),
        ({"v": 4}, None),
        (float("nan"), None),
        (float("inf"), None),
        ("1e400", None),
        (10**400, None),
    ],
)
def test_bars(raw: Any, bars: int | None) -> None:
    """Bars are whole numbers 0–5, also from strings; anything else is unknown."""
    camera = camera_of({"signals": {"wifi": raw, "lfr": raw, "battery": raw}})
    assert (camera.wifi_bars, camera.sync_bars, camera.battery_bars) == (
        bars,
        bars,
        bars,
    )


@pytest.mark.parametrize(
    ("raw", "rssi"),
    [
        (-63, -63),
        ("-70", -70),
        (-150, -150),
        (-255, None),
        (-151, None),
        (0, None),
        (12, None),
    ],
)
def test_rssi(raw: Any, rssi: int | None) -> None:
    """RSSI is a negative dBm reading; -255, zero and positive values are unknown."""
    assert camera_of({}, {"camera": [{"wifi_strength": raw}]}).wifi_rssi == rssi
    doorbell = parse_account(
        {"doorbells": [{"serial": "D"}]}, {"D": {"wifi_rssi": raw}}
    )
    assert doorbell.cameras["D"].wifi_rssi == rssi


@pytest.mark.parametrize(
    ("raw", "volts"), [(163, 1.63), ("154", 1.54), (0, None), (-5, None), ("x", None)]
)
def test_battery_voltage(raw: Any, volts: float | None) -> None:
    """Camera config voltage is in hundredths of a volt."""
    assert (
        camera_of({}, {"camera": [{"battery_voltage": raw}]}).battery_voltage == volts
    )


@pytest.mark.parametrize(
    ("status", "online", "meaning", "kept"),
    [
        ("online", True, "online", "online"),
        ("done", True, "online", "done"),
        (" ONLINE ", True, "online", "ONLINE"),
        ("offline", False, "offline", "offline"),
        ("sleeping", None, None, "sleeping"),
        (None, None, None, None),
        (5, None, None, "5"),
        (True, None, None, None),
        ("", None, None, None),
    ],
)
def test_status(
    status: Any, online: bool | None, meaning: str | None, kept: str | None
) -> None:
    """Map "online"/"done" to online, "offline" to offline, anything else to unknown.

    `status` carries only the meaning (what a person is shown); the raw string stays in
    `raw_status` for diagnostics.
    """
    camera = camera_of({"status": status})
    assert (camera.online, camera.status, camera.raw_status) == (online, meaning, kept)
    sync = parse_account({"sync_modules": [{"serial": "S", "status": status}]})
    assert sync.sync_modules["S"].online is online
    assert (sync.sync_modules["S"].status, sync.sync_modules["S"].raw_status) == (
        meaning,
        kept,
    )


@pytest.mark.parametrize(
    ("entry", "ok"),
    [
        ({"battery": "ok"}, True),
        ({"battery": "low"}, False),
        ({"battery": "LOW"}, False),
        ({"battery_state": "ok"}, True),
        ({"battery": "unknown", "battery_state": "low"}, False),
        ({"battery": 3}, None),
        ({}, None),
    ],
)
def test_battery_state(entry: dict[str, Any], ok: bool | None) -> None:
    """Battery "ok" is fine, "low" is low, anything else unknown."""
    assert camera_of(entry).battery_ok is ok


def test_battery_state_kept_for_any_product() -> None:
    """A mains product's battery state is kept as reported; the playbook judges power."""
    health = parse_account({"owls": [{"serial": "M", "type": "owl", "battery": "low"}]})
    assert health.cameras["M"].battery_ok is False
    assert health.cameras["M"].power_source is PowerSource.MAINS


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-11-20T18:57:49+00:00", utc("2025-11-20T18:57:49")),
        ("2025-11-20T18:57:49Z", utc("2025-11-20T18:57:49")),
        ("2025-11-20T20:57:49+02:00", utc("2025-11-20T18:57:49")),
        ("2025-11-20T18:57:49", utc("2025-11-20T18:57:49")),
        ("9999-12-31T23:00:00-05:00", None),
        ("yesterday", None),
        ("", None),
        (1732500000, None),
        (None, None),
    ],
)
def test_timestamps(raw: Any, expected: datetime | None) -> None:
    """ISO 8601 becomes aware UTC (no offset means UTC); anything else is unknown."""
    config = {"camera": [{"last_connect": {"updated_at": raw}}]}
    assert camera_of({}, config).last_heartbeat == expected
    sync = parse_account({"sync_modules": [{"serial": "S", "last_hb": raw}]})
    assert sync.sync_modules["S"].last_heartbeat == expected


@pytest.mark.parametrize(
    ("app_updates", "flagged", "message"),
    [
        ({"message": "OK", "code": 103, "update_required": False}, False, None),
        (
            {"message": "An app update is required", "update_required": True},
            True,
            "An app update is required",
        ),
        ({"message": "Update!", "update_required": "true"}, True, "Update!"),
        ({"message": None, "update_required": True}, True, None),
        ({"update_required": "no"}, False, None),
        ({"update_required": 1}, False, None),
    ],
)
def test_app_updates(
    app_updates: dict[str, Any], flagged: bool, message: str | None
) -> None:
    """The homescreen's app-build flag is kept for diagnostics, never as "update required".

    Published homescreens of clients that kept working carry it (docs/fidelity.md); a client
    Blink refuses gets an error body instead of a homescreen.
    """
    health = parse_account({"app_updates": app_updates})
    assert health.app_update_required is False
    assert health.app_build_flagged is flagged
    assert health.app_update_message == message


# --- products ---------------------------------------------------------------------------------


def test_product_table_is_sorted_and_consistent() -> None:
    """Rows are in alphabetical order and each row's type is its key."""
    assert list(PRODUCTS) == sorted(PRODUCTS)
    for code, product in PRODUCTS.items():
        assert product.type == code
        assert product.model.startswith("Blink ")


@pytest.mark.parametrize(
    ("code", "kind", "model", "power", "talk"),
    [
        (
            "catalina",
            DeviceKind.CAMERA,
            "Blink Outdoor (3rd gen) / Indoor (2nd gen)",
            "battery",
            True,
        ),
        ("white", DeviceKind.CAMERA, "Blink Indoor (1st gen)", "battery", False),
        ("xt", DeviceKind.CAMERA, "Blink XT", "battery", False),
        (" XT2 ", DeviceKind.CAMERA, "Blink XT2", "battery", True),
        ("owl", DeviceKind.MINI, "Blink Mini", "mains", True),
        (
            "tulip",
            DeviceKind.DOORBELL,
            "Blink Video Doorbell (2nd gen)",
            "either",
            True,
        ),
        ("orchid", DeviceKind.DOORBELL, "Blink Battery Doorbell 2K+", "battery", True),
        ("superior", DeviceKind.MINI, "Blink Wired Floodlight Camera", "mains", True),
        ("lotus", DeviceKind.DOORBELL, "Blink Video Doorbell", "either", True),
        # Codes nobody published (hawk and sedona were guesses): generic, power unknown.
        ("hawk", DeviceKind.MINI, "Blink camera (hawk)", "unknown", None),
        ("sedona", DeviceKind.CAMERA, "Blink camera (sedona)", "unknown", None),
        ("mystery", DeviceKind.CAMERA, "Blink camera (mystery)", "unknown", None),
        ("mystery", DeviceKind.MINI, "Blink camera (mystery)", "unknown", None),
        ("mystery", DeviceKind.DOORBELL, "Blink camera (mystery)", "unknown", None),
        (None, DeviceKind.CAMERA, "Blink camera", "unknown", None),
        ("sm2", DeviceKind.SYNC_MODULE, "Sync Module 2", "mains", False),
        ("sm1", DeviceKind.SYNC_MODULE, "Sync Module", "mains", False),
        ("sm_xr", DeviceKind.SYNC_MODULE, "Sync Module", "mains", False),
        (None, DeviceKind.SYNC_MODULE, "Sync Module", "mains", False),
    ],
)
def test_product_for(
    code: str | None, kind: DeviceKind, model: str, power: str, talk: bool | None
) -> None:
    """Known codes give their row; unknown ones a generic model with power unknown."""
    product = product_for(code, kind)
    assert (product.model, product.power, product.talk) == (
        model,
        PowerSource(power),
        talk,
    )


def test_unknown_camera_type_in_homescreen() -> None:
    """A camera of a type the table lacks still parses, with talk and power unknown."""
    camera = camera_of({"type": "orca"})
    assert camera.product == Product(
        type="orca", model="Blink camera (orca)", power=PowerSource.UNKNOWN, talk=None
    )
    assert camera.supports_talk is None
    # Neither wired nor on batteries as far as anyone knows: no power cycle, no battery advice.
    assert not camera.power_source.mains_possible
    assert not camera.power_source.battery_possible


@pytest.mark.parametrize(
    ("power", "mains", "battery"),
    [
        (PowerSource.MAINS, True, False),
        (PowerSource.BATTERY, False, True),
        (PowerSource.EITHER, True, True),
        (PowerSource.UNKNOWN, False, False),
    ],
)
def test_power_source_possibilities(
    power: PowerSource, mains: bool, battery: bool
) -> None:
    """Only a known power source allows a power cycle (mains) or battery checks."""
    assert (power.mains_possible, power.battery_possible) == (mains, battery)


# --- FrozenMap --------------------------------------------------------------------------------


def test_frozen_map() -> None:
    """FrozenMap is a read-only, hashable dict that copies, pickles and serialises."""
    frozen = FrozenMap({"a": 1})
    assert frozen == {"a": 1}
    assert hash(frozen) == hash(FrozenMap({"a": 1}))
    for change in (
        lambda: frozen.__setitem__("b", 2),
        lambda: frozen.__delitem__("a"),
        lambda: frozen.update(b=2),
        lambda: frozen.pop("a"),
        frozen.popitem,
        lambda: frozen.setdefault("b", 2),
        frozen.clear,
        lambda: frozen.__ior__({"b": 2}),
    ):
        with pytest.raises(TypeError, match="read-only"):
            change()
    assert frozen == {"a": 1}
    assert copy.deepcopy(frozen) == frozen
    assert type(pickle.loads(pickle.dumps(frozen))) is FrozenMap
    assert json.dumps(frozen) == '{"a": 1}'


def test_health_converts_for_diagnostics() -> None:
    """Dataclass conversion and deepcopy work on a parsed account (diagnostics dump it)."""
    health = parse_account(load("homescreen.json"), sample_details())
    dumped = dataclasses.asdict(health)
    assert dumped["cameras"][GARAGE]["product"]["model"] == "Blink XT"
    assert copy.deepcopy(health) == health


# --- fuzzing ----------------------------------------------------------------------------------

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(
        ["ok", "low", "online", "offline", "done", "5", "-255", "2025-11-20T18:57:49Z"]
    )
)
JSON = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
DEVICE_KEYS = st.sampled_from(
    [
        "serial",
        "serial_number",
        "id",
        "name",
        "network_id",
        "type",
        "status",
        "battery",
        "battery_state",
        "signals",
        "fw_version",
        "updated_at",
        "last_hb",
        "wifi_strength",
    ]
)
DEVICE = st.dictionaries(DEVICE_KEYS, JSON, max_size=8) | JSON
HOMESCREEN = st.fixed_dictionaries(
    {},
    optional={
        "account": st.fixed_dictionaries({}, optional={"id": JSON}) | JSON,
        "networks": st.lists(
            st.fixed_dictionaries({}, optional={"id": JSON, "name": JSON})
        )
        | JSON,
        "sync_modules": st.lists(DEVICE, max_size=3) | JSON,
        "cameras": st.lists(DEVICE, max_size=3) | JSON,
        "owls": st.lists(DEVICE, max_size=3) | JSON,
        "doorbells": st.lists(DEVICE, max_size=3) | JSON,
        "app_updates": st.fixed_dictionaries(
            {}, optional={"update_required": JSON, "message": JSON}
        )
        | JSON,
    },
)
DETAIL_KEYS = st.sampled_from(
    [
        "camera",
        "signals",
        "syncmodule",
        "wifi",
        "wifi_rssi",
        "wifi_strength",
        "temp",
        "temperature",
        "battery_voltage",
        "battery_state",
        "last_connect",
        "fw_version",
        "updated_at",
    ]
)
DETAILS = st.dictionaries(
    st.text(max_size=4) | st.sampled_from([SYNC, FRONT_YARD, "0", "1"]),
    st.dictionaries(DETAIL_KEYS, JSON, max_size=6) | JSON,
    max_size=4,
)


@settings(max_examples=300, deadline=None)
@given(homescreen=HOMESCREEN | JSON, details=DETAILS | JSON)
def test_parse_account_never_raises(homescreen: Any, details: Any) -> None:
    """Whatever the cloud sends, parsing gives an AccountHealth with sane values."""
    health = parse_account(homescreen, details)
    assert health == parse_account(homescreen, details)
    for device in iter_devices(health):
        assert isinstance(device.serial, str) and device.serial
        assert device.wifi_bars is None or 0 <= device.wifi_bars <= 5
        assert device.last_heartbeat is None or device.last_heartbeat.tzinfo is UTC
        if isinstance(device, CameraHealth):
            assert device.sync_bars is None or 0 <= device.sync_bars <= 5
            assert device.wifi_rssi is None or -150 <= device.wifi_rssi < 0
            assert device.product.model


@settings(max_examples=100, deadline=None)
@given(mutation=st.dictionaries(DEVICE_KEYS, JSON, max_size=5))
def test_sample_with_mutated_entries(mutation: dict[str, Any]) -> None:
    """Realistic entries with some fields replaced by garbage still parse."""
    homescreen = load("homescreen.json")
    for key in ("sync_modules", "cameras", "owls", "doorbells"):
        homescreen[key] = [{**entry, **mutation} for entry in homescreen[key]]
    health = parse_account(homescreen, sample_details())
    assert isinstance(health, AccountHealth)


def test_memo_reuses_unchanged_entries_only() -> None:
    """A memo gives back the same camera for an unchanged entry and reads a changed one again."""
    memo = ParseMemo()
    homescreen = load("homescreen.json")
    first = parse_account(homescreen, sample_details(), memo=memo)
    again = parse_account(copy.deepcopy(homescreen), sample_details(), memo=memo)
    assert again == first
    # Detail bodies are compared by identity: sample_details() made new ones, so read again.
    assert again.cameras[FRONT_YARD] is not first.cameras[FRONT_YARD]
    details = sample_details()
    second = parse_account(homescreen, details, memo=memo)
    third = parse_account(homescreen, details, memo=memo)
    assert third.cameras[FRONT_YARD] is second.cameras[FRONT_YARD]
    changed = copy.deepcopy(homescreen)
    changed["cameras"][0]["status"] = "offline"
    fourth = parse_account(changed, details, memo=memo)
    assert fourth.cameras[FRONT_YARD].online is False
    assert fourth == parse_account(changed, details)


@settings(max_examples=200, deadline=None)
@given(
    homescreens=st.lists(HOMESCREEN | JSON, min_size=1, max_size=4),
    details=DETAILS | JSON,
)
def test_memo_never_changes_the_result(homescreens: list[Any], details: Any) -> None:
    """Parsing a run of homescreens with one memo gives what parsing each alone gives."""
    memo = ParseMemo()
    for homescreen in homescreens:
        assert parse_account(homescreen, details, memo=memo) == parse_account(
            homescreen, details
        )
