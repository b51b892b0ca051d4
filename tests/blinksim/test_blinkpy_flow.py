"""Real blinkpy 0.25.9 logs in to and refreshes every scenario; request costs match §4.4."""

from __future__ import annotations

import time

from blinkpy import api
from blinkpy.auth import BlinkTwoFARequiredError, UnauthorizedError
import pytest

from blinksim.clock import ManualClock
from blinksim.world import World

from .conftest import ClientFactory, SimFactory

# Requests per refresh() measured against the simulator; the formula is 1 + 2S + P + 2D.
REFRESH_REQUESTS = {"minimal": 5, "demo": 16, "large": 221}
# Requests of a fresh start() without 2FA: 5 OAuth + tier + homescreen + /networks + usage + 2S + 2D + N.
START_REQUESTS = {"minimal": 14, "demo": 30, "large": 329}


def budget(world: World) -> tuple[int, int, int, int]:
    """Return (S, P, D, N) of blink_api.md §4.4 for a world."""
    sync_networks = {net.id for net in world.sync_networks()}
    syncless = [
        d
        for d in world.devices.values()
        if d.kind != "camera" and d.network_id not in sync_networks
    ]
    cameras = world.devices_of("camera")
    return len(sync_networks), len(syncless), len(cameras), len(world.devices)


@pytest.mark.parametrize("scenario", ["minimal", "demo", "large"])
@pytest.mark.parametrize("two_factor", [None, "412", "202"])
async def test_start_and_refresh(
    start_sim: SimFactory,
    make_client: ClientFactory,
    scenario: str,
    two_factor: str | None,
) -> None:
    """start() then refresh() succeed with and without 2FA, at the cost the reference predicts."""
    account = (
        {"two_factor": False}
        if two_factor is None
        else {"two_factor": True, "two_factor_form": two_factor}
    )
    sim = await start_sim(scenario, **account)
    client = make_client(sim)
    if two_factor:
        with pytest.raises(BlinkTwoFARequiredError):
            await client.blink.start()
        assert sim.requests.total() == 3  # authorize, sign-in page, sign-in
        assert await client.blink.send_2fa_code(sim.world.account.pin) is True
    else:
        assert await client.blink.start() is True
    syncs, syncless, cameras, devices = budget(sim.world)
    assert sim.requests.total() == START_REQUESTS[scenario] + (1 if two_factor else 0)
    assert sim.requests.total() == 9 + 2 * syncs + 2 * cameras + devices + (
        1 if two_factor else 0
    )
    assert client.blink.available
    assert len(client.blink.cameras) == devices

    per_refresh = await client.refresh()
    assert (
        per_refresh
        == 1 + 2 * syncs + syncless + 2 * cameras
        == REFRESH_REQUESTS[scenario]
    )
    # A second refresh costs the same: thumbnails are cached because their URLs are stable.
    assert await client.refresh() == per_refresh


async def test_demo_devices_as_blinkpy_sees_them(demo: object) -> None:
    """The demo's weak, low and offline devices come out of blinkpy as designed."""
    from .conftest import BlinkClient

    assert isinstance(demo, BlinkClient)
    cams = demo.blink.cameras
    assert cams["Front Yard"].online and cams["Front Yard"].wifi_strength == -55
    # Back Yard answers like homebridge's 2022 capture: signals beside camera[], -255 at the top
    # level. blinkpy passes the -255 on, has no bars, and reads the raw temperature (64 + 15);
    # its calibrated one comes from /signals.
    back = cams["Back Yard"]
    assert (back.wifi_strength, back.sync_signal_strength) == (-255, None)
    assert (back.temperature, back.temperature_calibrated) == (79, 64)
    assert cams["Side Gate"].sync_signal_strength == 1
    assert cams["Driveway"].battery == "low" and cams["Driveway"].battery_voltage == 118
    assert cams["Workshop"].online is False
    assert (
        cams["Hall Mini"].online
        and type(cams["Hall Mini"]).__name__ == "BlinkCameraMini"
    )
    assert type(demo.blink.sync["Front Door"]).__name__ == "BlinkLotus"
    assert (
        cams["Front Yard"].temperature == 68
        and cams["Front Yard"].temperature_calibrated == 68
    )
    assert cams["Front Yard"].image_from_cache.startswith(b"\xff\xd8\xff")
    assert demo.blink.client_id is not None and demo.blink.user_id == "9001"
    assert demo.blink.homescreen["app_updates"]["update_required"] is False


async def test_access_token_expiry_takes_blinkpy_refresh_path(
    start_sim: SimFactory, make_client: ClientFactory, clock: ManualClock
) -> None:
    """Past the token lifetime blinkpy's legacy refresh grant (client_id=android) keeps the run going."""
    sim = await start_sim("demo", access_token_lifetime=3600)
    client = make_client(sim)
    assert await client.login()
    old_token = client.blink.auth.token
    clock.advance(3601)
    # blinkpy decides on its own wall clock (need_refresh, §2.5): let its hour pass too.
    client.blink.auth.expiration_date = time.time() + 30
    assert await client.refresh() == REFRESH_REQUESTS["demo"] + 1
    assert client.blink.auth.token != old_token
    assert (
        sim.requests["POST /oauth/token"] == 2
    )  # the code exchange, then the refresh grant
    assert "sync_modules" in client.blink.homescreen
    assert await client.refresh() == REFRESH_REQUESTS["demo"]


async def test_expired_token_unknown_to_blinkpy(
    start_sim: SimFactory, make_client: ClientFactory
) -> None:
    """An access token the cloud expired early gives 401s: homescreen data, then UnauthorizedError (§3.6)."""
    sim = await start_sim("minimal")
    client = make_client(sim)
    assert await client.login()
    sim.update_account(expire_access_token=True)
    client.blink.last_refresh -= client.blink.refresh_rate
    with pytest.raises(UnauthorizedError):
        await client.blink.refresh()
    assert client.blink.homescreen == {"message": "Unauthorized Access", "code": 101}


async def test_start_with_saved_credentials(
    start_sim: SimFactory, make_client: ClientFactory
) -> None:
    """Saved tokens start with one ios refresh grant and no login pages; revoked ones fall back to login."""
    sim = await start_sim("demo")
    first = make_client(sim)
    assert await first.login()
    saved = dict(first.blink.auth.login_attributes)
    sim.reset_requests()
    second = make_client(sim, dict(saved))
    assert await second.blink.start() is True
    assert sim.requests["POST /oauth/token"] == 1
    assert "GET /oauth/v2/authorize" not in sim.requests
    assert sim.requests.total() == 1 + 3 + 2 * 2 + 2 * 5 + 7

    sim.update_account(revoke_refresh_token=True)
    third = make_client(sim, dict(saved))
    with pytest.raises(BlinkTwoFARequiredError):
        await third.blink.start()
    assert await third.blink.send_2fa_code("123456") is True


async def test_revoked_refresh_token_mid_session(
    start_sim: SimFactory, make_client: ClientFactory
) -> None:
    """A revoked refresh token makes blinkpy's mid-session refresh raise UnauthorizedError (§2.5)."""
    sim = await start_sim("minimal")
    client = make_client(sim)
    assert await client.login()
    sim.update_account(revoke_refresh_token=True)
    client.blink.auth.expiration_date = time.time() + 30
    client.blink.last_refresh -= client.blink.refresh_rate
    with pytest.raises(UnauthorizedError):
        await client.blink.refresh()


async def test_wrong_password_and_wrong_pin(
    start_sim: SimFactory, make_client: ClientFactory
) -> None:
    """A wrong password fails start(); a wrong PIN fails send_2fa_code() until the right one comes."""
    sim = await start_sim("demo")
    wrong = make_client(sim, {"username": "demo@example.com", "password": "nope"})
    assert await wrong.blink.start() is False
    assert wrong.blink.available is False

    client = make_client(sim)
    with pytest.raises(BlinkTwoFARequiredError):
        await client.blink.start()
    assert await client.blink.send_2fa_code("000000") is False
    assert await client.blink.send_2fa_code("123456") is True


async def test_legacy_password_grant(
    start_sim: SimFactory, make_client: ClientFactory
) -> None:
    """The legacy password grant answers 200 without 2FA and 412 (BlinkTwoFARequiredError) with it."""
    sim = await start_sim("minimal")
    client = make_client(sim)
    tokens = await client.blink.auth.login()
    assert set(tokens) >= {"access_token", "refresh_token", "expires_in"}
    sim.update_account(two_factor=True)
    with pytest.raises(BlinkTwoFARequiredError):
        await client.blink.auth.login()
    client.blink.auth.data["2fa_code"] = "123456"
    assert "access_token" in await client.blink.auth.login()


async def test_commands_complete_at_once(demo: object) -> None:
    """Arm, camera arm, snap and record are accepted as commands that blinkpy sees complete."""
    from .conftest import BlinkClient

    assert isinstance(demo, BlinkClient)
    sim, blink = demo.sim, demo.blink
    assert sim.world.networks[2001].armed is False
    await blink.sync["Home"].async_arm(True)
    assert sim.world.networks[2001].armed is True
    await blink.sync["Home"].async_arm(False)
    assert sim.world.networks[2001].armed is False

    await blink.cameras["Front Yard"].async_arm(False)
    await blink.cameras["Hall Mini"].async_arm(False)
    await blink.cameras["Front Door"].async_arm(False)
    assert not any(
        sim.world.devices[s].enabled
        for s in ("G8T20000000001", "G8T30000000001", "G8T40000000001")
    )
    assert sim.requests["GET /network/{network_id}/command/{command_id}"] == 5

    old_thumbnail = blink.cameras["Front Yard"].thumbnail
    await blink.cameras["Front Yard"].snap_picture()
    await blink.cameras["Front Door"].record()
    await blink.cameras["Hall Mini"].snap_picture()
    assert (
        await demo.refresh() == REFRESH_REQUESTS["demo"] + 2 + 1
    )  # 2 new thumbnails, 1 clip
    assert blink.cameras["Front Yard"].thumbnail != old_thumbnail
    assert blink.cameras["Front Door"].motion_detected is not None
    assert blink.cameras["Front Door"].video_from_cache is not None

    assert (await blink.cameras["Front Yard"].get_liveview()).startswith("immis://")
    command_id = max(sim.world.commands)
    assert await api.request_command_done(blink, 2001, command_id) == {
        "message": f"Command {command_id} set to :done",
        "code": 902,
    }
    assert await api.request_command_status(blink, 2001, 999) is None  # 404 → None
    assert (await blink.cameras["Hall Mini"].night_vision)[
        "illuminator_enable"
    ] == "auto"
    assert (await blink.cameras["Front Yard"].night_vision)[
        "illuminator_enable"
    ] == "auto"


async def test_other_blinkpy_calls(demo: object) -> None:
    """Notification flags, events, video metadata and logout work as blinkpy expects."""
    from .conftest import BlinkClient

    assert isinstance(demo, BlinkClient)
    blink = demo.blink
    assert (await blink.get_status())["motion"] is True
    response = await blink.set_status({"motion": False})
    assert response.status == 200
    assert (await blink.get_status())["motion"] is False
    assert await blink.sync["Home"].get_events() == []
    await blink.cameras["Front Yard"].record()
    videos = await blink.get_videos_metadata(since="2000/01/01 00:00:00", stop=3)
    assert [v["device_name"] for v in videos] == ["Front Yard"]
    assert await api.request_logout(blink) == {"message": "logout", "code": 200}
    with pytest.raises(UnauthorizedError):
        await api.request_networks(blink)
