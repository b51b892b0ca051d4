"""The World data model, scenarios, clocks and counters without any HTTP."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from blinksim.clock import ManualClock
from blinksim.counts import RequestCounts
from blinksim.scenarios import ScenarioError, available, load_scenario
from blinksim.world import World, kind_of

MINIMAL: dict[str, Any] = load_scenario("minimal")[1]


def minimal(**changes: Any) -> dict[str, Any]:
    """Return a copy of the minimal scenario with top-level keys replaced."""
    data = copy.deepcopy(MINIMAL)
    data.update(changes)
    return data


def test_bundled_scenarios() -> None:
    """minimal, demo and large load; their shapes match the issue."""
    assert available() == ["demo", "large", "minimal"]
    large = World.from_scenario("large")
    assert len(large.sync_modules) == 10 and len(large.devices_of("camera")) == 100
    demo = World.from_scenario("demo")
    assert demo.account.two_factor and demo.account.pin == "123456"
    assert {d.kind for d in demo.devices.values()} == {"camera", "owl", "doorbell"}
    assert sorted(demo.plugs) == ["plug-garage-sync", "plug-hall-mini"]
    assert [d.name for d in demo.devices.values() if not demo.device_online(d)] == [
        "Workshop"
    ]


def test_scenario_by_path(tmp_path: Path) -> None:
    """A scenario file is loaded by path; its name defaults to the file name."""
    path = tmp_path / "mine.json"
    data = minimal()
    del data["name"]
    path.write_text(json.dumps(data))
    assert World.from_scenario(path).name == "mine"
    (tmp_path / "list.json").write_text("[]")
    with pytest.raises(ScenarioError):
        World.from_scenario(tmp_path / "list.json")
    with pytest.raises(FileNotFoundError, match="bundled: demo, large, minimal"):
        World.from_scenario("nope")


@pytest.mark.parametrize(
    "changes",
    [
        {"account": {}},
        {"networks": [{"id": 1, "name": "A"}, {"id": 1, "name": "B"}]},
        {
            "sync_modules": [
                MINIMAL["sync_modules"][0],
                {**MINIMAL["sync_modules"][0], "id": 2, "serial": "X"},
            ]
        },
        {"sync_modules": [{**MINIMAL["sync_modules"][0], "network_id": 9}]},
        {
            "devices": [
                MINIMAL["devices"][0],
                {**MINIMAL["devices"][0], "serial": "OTHER", "name": "Other"},
            ]
        },
        {
            "devices": [
                MINIMAL["devices"][0],
                {**MINIMAL["devices"][0], "id": 4002, "name": "Other"},
            ]
        },
        {
            "devices": [
                MINIMAL["devices"][0],
                {
                    **MINIMAL["devices"][0],
                    "id": 4002,
                    "serial": "B",
                    "name": "FRONT YARD",
                },
            ]
        },
        {"devices": [{**MINIMAL["devices"][0], "serial": "G8T10000000001"}]},
        {"plugs": {"p": {"on": "yes"}}},
        {"account": {**MINIMAL["account"], "two_factor": {"form": "302"}}},
    ],
)
def test_invalid_scenarios(changes: dict[str, Any]) -> None:
    """Missing keys, duplicates and bad values are ScenarioErrors."""
    with pytest.raises(ScenarioError):
        World.from_dict(minimal(**changes))


def test_offline_at_start_and_plug_off_at_start() -> None:
    """Offline Sync Modules and plugs that start off were last seen offline_seconds/off_seconds ago."""
    clock = ManualClock(5000)
    data = minimal(
        sync_modules=[
            {**MINIMAL["sync_modules"][0], "status": "offline", "offline_seconds": 100}
        ],
        plugs={"p": {"on": False, "off_seconds": 50, "devices": ["G8T20000000001"]}},
    )
    world = World.from_dict(data, clock=clock, name="x")
    sync = world.sync_modules["G8T10000000001"]
    camera = world.devices["G8T20000000001"]
    assert world.sync_online(sync) is False and world.sync_last_seen(sync) == 4900
    assert world.device_last_seen(camera) == 4900  # the Sync Module went first
    world.patch_device(sync.serial, {"status": "online"})
    assert world.device_last_seen(camera) == 4950  # now only the plug keeps it down
    world.set_plug("p", on=True)
    assert world.plugs["p"].boot_remaining(clock()) == 30
    clock.advance(10)
    world.set_plug("p", on=False)  # switched off again while booting: it never came up
    assert world.device_last_seen(camera) == 4950
    assert world.plugs["p"].boot_remaining(clock()) == 0


def test_hung_until_its_plug_cycles_it() -> None:
    """A hung device stays offline whatever its status, until its plug is switched off and on."""
    clock = ManualClock(1000)
    world = World.from_scenario("demo", clock=clock)
    mini = world.devices["G8T30000000001"]
    state = world.patch_device(mini.serial, {"hung": True})
    assert state["hung"] is True and state["status"] == "offline"
    assert state["configured_status"] == "online"
    world.set_plug("plug-hall-mini", on=True)  # already on: no power cut, still hung
    clock.advance(60)
    assert world.device_last_seen(mini) == 1000
    world.patch_device(mini.serial, {"status": "offline"})
    world.patch_device(
        mini.serial, {"status": "online"}
    )  # a status change does not cure it
    assert world.device_online(mini) is False
    world.set_plug("plug-hall-mini", on=False)
    clock.advance(10)
    world.set_plug("plug-hall-mini", on=True)
    clock.advance(19)
    assert (
        world.device_last_seen(mini) == 1000
    )  # still booting: last seen when it froze
    world.use_clock(later := ManualClock(5000))
    later.advance(1)
    assert world.device_state(mini)["hung"] is False and world.device_online(mini)
    world.patch_device(mini.serial, {"hung": True})  # hangs again, long after the cycle
    assert world.device_last_seen(mini) == 5001
    world.patch_device(mini.serial, {"hung": False})
    assert world.device_online(mini)
    front_yard = world.devices[
        "G8T20000000001"
    ]  # a battery camera: no plug, hung for good
    world.patch_device(front_yard.serial, {"hung": True})
    world.use_clock(ManualClock(9000))
    assert (
        world.device_last_seen(front_yard) == 9000
    )  # the clock switch keeps it in place
    with pytest.raises(ScenarioError, match="hung must be true or false"):
        world.patch_device(front_yard.serial, {"hung": "yes"})


def test_use_clock_keeps_wall_time_and_timers() -> None:
    """Switching clocks keeps wall time and pending boots where they were."""
    first = ManualClock(100)
    world = World.from_scenario("demo", clock=first)
    world.set_plug("plug-hall-mini", on=False)
    world.patch_device("G8T10000000001", {"status": "offline"})
    world.record(world.devices["G8T20000000001"])
    wall = world.wall()
    first.advance(5)
    world.set_plug("plug-hall-mini", on=True)
    second = ManualClock(9000)
    world.use_clock(second)
    assert abs((world.wall() - wall).total_seconds() - 5) < 1e-6
    assert world.plugs["plug-hall-mini"].boot_remaining(second()) == 20
    assert world.iso(world.media[0].created_at) == world.iso(second() - 5)
    assert world.sync_last_seen(world.sync_modules["G8T10000000001"]) == second() - 5


def test_device_patches_and_kinds() -> None:
    """Patches reach every field; power and kind follow the product type."""
    world = World.from_scenario("demo", clock=ManualClock())
    state = world.patch_device(
        "G8T20000000001",
        {
            "lfr_rssi": -80,
            "battery_bars": 1,
            "fw_version": 11,
            "thumbnail": True,
            "sync_module": "G8T10000000002",
            "enabled": False,
        },
    )
    assert state["signals"]["lfr_rssi"] == -80 and state["signals"]["battery_bars"] == 1
    assert (
        state["fw_version"] == "11"
        and state["network_id"] == 2002
        and state["enabled"] is False
    )
    assert world.devices["G8T20000000001"].thumbnail_ts > 0
    assert world.devices["G8T30000000001"].power == "usb"
    assert world.devices["G8T20000000001"].power == "battery"
    assert (
        kind_of("superior") == "camera"
        and kind_of("tulip") == "doorbell"
        and kind_of("owl") == "owl"
    )
    world.add_device(
        {"serial": "FLOOD", "type": "superior", "name": "Flood", "network_id": 2001}
    )
    assert world.devices["FLOOD"].power == "wired" and world.devices["FLOOD"].id == 6002


def test_manual_clock_and_counts() -> None:
    """ManualClock only moves forward; RequestCounts tells REST from OAuth requests."""
    clock = ManualClock(1)
    assert clock.advance(2) == 3
    with pytest.raises(ValueError):
        clock.advance(-1)
    counts = RequestCounts({"POST /oauth/token": 2, "GET /networks": 3})
    assert counts.rest() == 3 and counts.total() == 5
    counts.reset()
    assert counts.public() == {"total": 0, "by_endpoint": {}}
