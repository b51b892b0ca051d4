"""The simulator's answers held against public captures, key path by key path.

parse_account reads the simulator's bodies through a recording dict, so the paths checked are
exactly the ones the integration reads (nothing listed by hand can drift from health.py).
Every path it reads with a value must exist in a capture of the same kind of body with the
same JSON type, or be listed in UNBACKED with the reason it is assumed. docs/fidelity.md has
the same table for people.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
import json
from pathlib import Path
from typing import Any

import pytest

from blinksim import payloads
from blinksim.scenarios import SCENARIO_DIR as SCENARIOS, ScenarioError
from blinksim.world import World
from custom_components.blink_health.health import parse_account

CAPTURES = Path(__file__).parents[1] / "fixtures" / "captures"
# Body kind → capture directories of that kind (fragments are parts of homescreens).
CAPTURE_DIRS = {
    "homescreen": ("homescreen", "fragments"),
    "camera_config": ("camera_config",),
    "owl_config": ("owl_config",),
    "doorbell_config": ("doorbell_config",),
    "sync_module": ("sync_module",),
}
# Paths the integration reads that no capture shows, with why the simulator sends them anyway.
UNBACKED = {
    ("doorbell_config", "status"): "no capture: assumed, because the doorbell config "
    "captures are trimmed to temp and wifi_rssi; the owl config (its sibling endpoint) "
    "has a status",
    (
        "doorbell_config",
        "name",
    ): "no capture: assumed like status (the owl config has name)",
    (
        "doorbell_config",
        "lfr_rssi",
    ): "no capture: named by blinkpy #638 among the doorbell "
    "config's fields, trimmed from its samples",
    ("doorbell_config", "battery_state"): "no capture: named by blinkpy #638 among the "
    "doorbell config's fields, trimmed from its samples",
    ("homescreen", "doorbells[].battery"): "no capture: assumed, because no published "
    "homescreen lists a doorbell; amattu2 typings give doorbells battery and signals",
    ("homescreen", "doorbells[].signals"): "no capture: as doorbells[].battery",
    ("homescreen", "doorbells[].signals.battery"): "no capture: as doorbells[].battery",
    ("homescreen", "doorbells[].signals.lfr"): "no capture: as doorbells[].battery",
    ("homescreen", "doorbells[].signals.wifi"): "no capture: as doorbells[].battery",
    ("homescreen", "doorbells[].serial"): "no capture: assumed like cameras[].serial "
    "(amattu2 typings name it serial_number, which health.py reads too)",
    ("homescreen", "doorbells[].id"): "no capture: assumed like cameras[].id",
    ("homescreen", "doorbells[].name"): "no capture: assumed like cameras[].name",
    (
        "homescreen",
        "doorbells[].type",
    ): "no capture: blinkpy #638 shows a doorbell's type "
    "(lotus) as blinkpy read it from this list",
    ("homescreen", "doorbells[].status"): "no capture: amattu2 typings (done, offline)",
    (
        "homescreen",
        "doorbells[].network_id",
    ): "no capture: assumed like owls[].network_id",
    (
        "homescreen",
        "doorbells[].fw_version",
    ): "no capture: assumed like owls[].fw_version",
}


class Recorder(dict[str, Any]):
    """A JSON object that notes every key read through get(), with the type it found."""

    def __init__(self, data: dict[str, Any], path: str, seen: set[tuple[str, str]]):
        """Wrap `data` found at `path`; reads are added to `seen`."""
        super().__init__(data)
        self._path = path
        self._seen = seen

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        """Return the value like dict.get, noting its path and type when it is there."""
        path = f"{self._path}.{key}" if self._path else key
        if key not in self:
            return default
        value = super().get(key)
        if value is not None:
            self._seen.add((path, json_type(value)))
        return wrap(value, path, self._seen)


def wrap(value: Any, path: str, seen: set[tuple[str, str]]) -> Any:
    """Wrap objects (and the objects in lists) so that their reads are noted."""
    if isinstance(value, dict):
        return Recorder(value, path, seen)
    if isinstance(value, list):
        return [wrap(item, f"{path}[]", seen) for item in value]
    return value


def json_type(value: Any) -> str:
    """Return the JSON type of a value (integers and decimals are both numbers)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else "null"


def paths(value: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """Yield (path, JSON type) for every value in a JSON document."""
    if prefix:
        yield prefix, json_type(value)
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, f"{prefix}.{key}" if prefix else key)
    elif isinstance(value, list):
        for item in value:
            yield from paths(item, f"{prefix}[]")


def captured() -> dict[str, set[tuple[str, str]]]:
    """Return every (path, type) of the captures, by body kind."""
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for kind, dirs in CAPTURE_DIRS.items():
        for folder in dirs:
            for file in (CAPTURES / folder).glob("*.json"):
                found[kind] |= set(paths(json.loads(file.read_text(encoding="utf-8"))))
    return found


def read_by_the_integration(world: World) -> dict[str, set[tuple[str, str]]]:
    """Parse the simulator's answers for a world and return what was read, by body kind."""
    seen: dict[str, set[tuple[str, str]]] = defaultdict(set)
    details: dict[str, Any] = {}
    for device in world.devices.values():
        kind, body = {
            "camera": ("camera_config", payloads.camera_config),
            "owl": ("owl_config", payloads.owl_config),
            "doorbell": ("doorbell_config", payloads.doorbell_config),
        }[device.kind]
        details[device.serial] = Recorder(body(world, device), "", seen[kind])
    for sync in world.sync_modules.values():
        details[sync.serial] = Recorder(
            payloads.syncmodule(world, sync), "", seen["sync_module"]
        )
    homescreen = Recorder(payloads.homescreen(world), "", seen["homescreen"])
    parse_account(homescreen, details)
    return seen


def scenario_worlds() -> list[World]:
    """Return the bundled scenarios, and demo with every camera in each config shape."""
    worlds = [World.from_scenario(name) for name in ("minimal", "demo", "large")]
    for shape in ("nested", "sibling", "flat"):
        world = World.from_scenario("demo")
        for device in world.devices.values():
            world.patch_device(
                device.serial, {"config_shape": shape, "thumbnail_form": "timestamp"}
            )
        worlds.append(world)
    return worlds


@pytest.mark.parametrize(
    "world",
    scenario_worlds(),
    ids=["minimal", "demo", "large", "nested", "sibling", "flat"],
)
def test_every_path_read_is_backed_by_a_capture(world: World) -> None:
    """What the integration reads in the simulator's answers, a capture shows the same way."""
    backed = captured()
    unbacked = {
        (kind, path, kind_of_value)
        for kind, reads in read_by_the_integration(world).items()
        for path, kind_of_value in reads
        if (path, kind_of_value) not in backed[kind] and (kind, path) not in UNBACKED
    }
    assert not unbacked


def test_unbacked_paths_are_really_unbacked() -> None:
    """A path listed as unbacked that a capture now shows must leave the list."""
    backed = {(kind, path) for kind, found in captured().items() for path, _ in found}
    assert not set(UNBACKED) & backed


def test_the_scenarios_meet_the_real_variants() -> None:
    """The bundled scenarios send the shapes real captures show, so every test meets them."""
    minimal = World.from_scenario("minimal")
    body = payloads.homescreen(minimal)
    assert "doorbells" not in body
    (camera,) = minimal.devices.values()
    config = payloads.camera_config(minimal, camera)
    assert "signals" not in config["camera"][0] and "signals" in config
    assert config["camera"][0]["wifi_strength"] == -255
    assert config["camera"][0]["last_connect"]["wifi_strength"] < 0
    assert config["camera"][0]["temperature"] != config["signals"]["temp"]
    assert config["camera"][0]["thumbnail"].isdigit()
    demo = World.from_scenario("demo")
    types = {
        (sync.type, sync.subtype, sync.local_storage_status)
        for sync in demo.sync_modules.values()
    }
    assert types == {("sm2", "billy", "unavailable"), ("sm1", "none", "unavailable")}
    mini = demo.device("G8T30000000001")
    assert isinstance(payloads.owl_config(demo, mini)["fw_version"], float)
    assert {d.config_shape for d in demo.devices.values()} == {"nested", "sibling"}


# --- the options that make these variants ---------------------------------------------------


def test_shape_options_patch_and_show() -> None:
    """Shape options change the answers at once and show in /_sim/state."""
    world = World.from_scenario("demo")
    front = world.device("G8T20000000001")
    state = world.patch_device(
        front.serial,
        {
            "config_shape": "flat",
            "wifi_strength_unknown": True,
            "temp_adjust": -4,
            "thumbnail_form": "timestamp",
        },
    )
    assert state["shape"] == {
        "config_shape": "flat",
        "wifi_strength_unknown": True,
        "temp_adjust": -4,
        "thumbnail_form": "timestamp",
    }
    flat = payloads.camera_config(world, front)
    assert "camera" not in flat and flat["signals"]["temp"] == 68
    assert set(flat) <= payloads.FLAT_CONFIG_KEYS | {"motion_enabled", "armed"}
    world.patch_device(front.serial, {"config_shape": "nested"})
    config = payloads.camera_config(world, front)
    camera = config["camera"][0]
    assert (camera["wifi_strength"], camera["last_connect"]["wifi_strength"]) == (
        -255,
        -55,
    )
    assert (camera["temperature"], camera["temp_adjust"]) == (72, -4)
    assert camera["thumbnail"] == str(front.thumbnail_ts)
    sync = world.patch_device(
        "G8T10000000001", {"subtype": "vinnie", "local_storage_status": "active"}
    )
    assert (sync["subtype"], sync["local_storage_status"]) == ("vinnie", "active")
    assert world.update_account({"homescreen_omit": ["owls"]})["homescreen_omit"] == [
        "owls"
    ]
    assert "owls" not in payloads.homescreen(world)
    assert "doorbells" in payloads.homescreen(world)


@pytest.mark.parametrize(
    "changes",
    [
        {"config_shape": "round"},
        {"thumbnail_form": 5},
        {"wifi_strength_unknown": "yes"},
        {"temp_adjust": "cold"},
    ],
)
def test_shape_options_are_checked(changes: dict[str, Any]) -> None:
    """An unknown shape is refused with the field named."""
    world = World.from_scenario("demo")
    with pytest.raises(ScenarioError, match=next(iter(changes))):
        world.patch_device("G8T20000000001", changes)


@pytest.mark.parametrize("omit", [["cameras"], "doorbells", [1]])
def test_only_optional_lists_can_be_left_out(omit: Any) -> None:
    """Only doorbells and owls may be left out of a homescreen (as published ones do)."""
    data = json.loads((SCENARIOS / "minimal.json").read_text(encoding="utf-8"))
    data["account"]["homescreen_omit"] = omit
    with pytest.raises(ScenarioError, match="homescreen_omit"):
        World.from_dict(data)


def test_firmware_number() -> None:
    """The owl config's firmware is a number where it reads as one, else kept as text."""
    assert payloads.firmware_number("9.63") == 9.63
    assert payloads.firmware_number("4.4.8") == "4.4.8"
