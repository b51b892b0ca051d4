"""What the control API changes is what blinkpy sees on its next refresh."""

from __future__ import annotations

from blinksim.clock import ManualClock

from .conftest import BlinkClient, ClientFactory, SimFactory

FRONT_YARD = "G8T20000000001"
HALL_MINI = "G8T30000000001"
GARAGE_SYNC = "G8T10000000002"
DRIVEWAY = "G8T20000000004"


async def test_device_offline_and_back(demo: BlinkClient) -> None:
    """A camera patched offline reports status offline until patched online again."""
    demo.sim.patch_device(FRONT_YARD, status="offline")
    await demo.refresh()
    assert demo.blink.cameras["Front Yard"].online is False
    assert demo.homescreen_device("cameras", FRONT_YARD)["status"] == "offline"
    demo.sim.patch_device(FRONT_YARD, status="online")
    await demo.refresh()
    assert demo.blink.cameras["Front Yard"].online is True
    assert demo.blink.cameras["Front Yard"].status == "done"


async def test_weak_signal(demo: BlinkClient) -> None:
    """Wi-Fi and LFR bars, dBm, battery and temperature patches reach blinkpy's camera attributes."""
    demo.sim.patch_device(
        FRONT_YARD, wifi=1, lfr=2, battery="low", battery_voltage=119, temperature=40
    )
    await demo.refresh()
    camera = demo.blink.cameras["Front Yard"]
    assert camera.wifi_strength == -82  # derived from 1 bar
    assert camera.sync_signal_strength == 2
    assert camera.battery == "low" and camera.battery_voltage == 119
    assert camera.temperature == 40 and camera.temperature_calibrated == 40
    assert demo.homescreen_device("cameras", FRONT_YARD)["signals"] == {
        "lfr": 2,
        "wifi": 1,
        "temp": 40,
        "battery": 3,
    }
    demo.sim.patch_device(FRONT_YARD, wifi_rssi=-61)
    await demo.refresh()
    assert camera.wifi_strength == -61


async def test_plug_power_cycle_with_boot_delay(
    demo: BlinkClient, clock: ManualClock
) -> None:
    """A Mini on a plug is offline while it is off and for boot_seconds after it is on again."""
    before = demo.homescreen_device("owls", HALL_MINI)["updated_at"]
    demo.sim.set_plug("plug-hall-mini", on=False)
    clock.advance(10)
    await demo.refresh()
    assert demo.blink.cameras["Hall Mini"].online is False
    off_since = demo.homescreen_device("owls", HALL_MINI)["updated_at"]
    assert off_since >= before

    state = demo.sim.set_plug("plug-hall-mini", on=True)
    assert state["boot_remaining"] == 20 and state["powered"] is False
    clock.advance(19)
    await demo.refresh()
    assert demo.blink.cameras["Hall Mini"].online is False
    assert (
        demo.homescreen_device("owls", HALL_MINI)["updated_at"] == off_since
    )  # no heartbeat while down
    clock.advance(1)
    await demo.refresh()
    assert demo.blink.cameras["Hall Mini"].online is True
    assert demo.homescreen_device("owls", HALL_MINI)["updated_at"] > off_since


async def test_hung_mini_comes_back_after_a_power_cycle(
    demo: BlinkClient, clock: ManualClock
) -> None:
    """A hung Mini reports offline to blinkpy until its plug is cycled and it has booted."""
    demo.sim.patch_device(HALL_MINI, hung=True)
    await demo.refresh()
    assert demo.blink.cameras["Hall Mini"].online is False
    demo.sim.set_plug("plug-hall-mini", on=False)
    clock.advance(10)
    demo.sim.set_plug("plug-hall-mini", on=True)
    clock.advance(20)
    await demo.refresh()
    assert demo.blink.cameras["Hall Mini"].online is True


async def test_sync_module_plug_takes_its_cameras_offline(
    demo: BlinkClient, clock: ManualClock
) -> None:
    """Cutting the Garage Sync Module's plug stops its heartbeat and takes its cameras offline."""
    demo.sim.set_plug("plug-garage-sync", on=False)
    clock.advance(60)
    await demo.refresh()
    sync = demo.homescreen_device("sync_modules", GARAGE_SYNC)
    assert sync["status"] == "offline"
    assert demo.blink.cameras["Driveway"].online is False
    home = demo.homescreen_device("sync_modules", "G8T10000000001")
    assert home["status"] == "online" and home["last_hb"] > sync["last_hb"]
    demo.sim.set_plug("plug-garage-sync", on=True)
    clock.advance(45)
    await demo.refresh()
    assert demo.homescreen_device("sync_modules", GARAGE_SYNC)["status"] == "online"
    assert demo.blink.cameras["Driveway"].online is True


async def test_sync_module_error_skips_its_cameras(demo: BlinkClient) -> None:
    """sync_module_error in /update makes blinkpy mark the sync unavailable and skip its cameras (§3.6)."""
    demo.sim.patch_device(GARAGE_SYNC, sync_module_error=True)
    assert (
        await demo.refresh() == 16 - 1 - 2 * 2
    )  # no media/changed and no camera config/signals for Garage
    assert demo.blink.sync["Garage"].available is False


async def test_remove_and_readd_with_new_id(
    demo: BlinkClient, make_client: ClientFactory
) -> None:
    """A removed camera disappears; re-added with the same serial it has a new camera id."""
    sim = demo.sim
    removed = sim.remove_device(FRONT_YARD)
    assert removed["id"] == 4001
    await demo.refresh()
    assert all(c["serial"] != FRONT_YARD for c in demo.blink.homescreen["cameras"])

    added = sim.add_device(
        serial=FRONT_YARD,
        type="catalina",
        name="Front Yard",
        sync_module="G8T10000000002",
    )
    assert added["id"] != 4001 and added["network_id"] == 2002
    fresh = make_client(sim)
    assert await fresh.login()
    camera = fresh.blink.cameras["Front Yard"]
    assert camera.serial == FRONT_YARD and camera.camera_id == str(added["id"])
    assert camera.sync.name == "Garage"


async def test_app_update_required(demo: BlinkClient) -> None:
    """The account switch shows up as app_updates.update_required in the homescreen."""
    demo.sim.update_account(app_update_required=True)
    await demo.refresh()
    assert demo.blink.homescreen["app_updates"] == {
        "message": "An app update is required",
        "code": 105,
        "update_available": True,
        "update_required": True,
    }


async def test_move_camera_between_sync_modules(
    start_sim: SimFactory, make_client: ClientFactory
) -> None:
    """A camera moved to another Sync Module is listed under that network after a new setup."""
    sim = await start_sim("demo", two_factor=False)
    sim.patch_device(DRIVEWAY, network_id=2001)
    client = make_client(sim)
    assert await client.login()
    assert client.blink.cameras["Driveway"].sync.name == "Home"
