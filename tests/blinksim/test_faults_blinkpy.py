"""Injected faults produce the blinkpy behaviour recorded in blink_api.md §3.6."""

from __future__ import annotations

from aiohttp import ContentTypeError
from blinkpy import api
from blinkpy.auth import Auth, UnauthorizedError
import pytest

from .conftest import BlinkClient, ClientFactory, SimFactory

HOMESCREEN = "GET /api/v3/accounts/{account_id}/homescreen"
CAMERA_CONFIG = "GET /network/{network_id}/camera/{camera_id}/config"


async def test_homescreen_401_json_is_accepted_as_data(demo: BlinkClient) -> None:
    """A 401 JSON homescreen becomes blink.homescreen and refresh() still returns True."""
    demo.sim.add_fault(HOMESCREEN, status=401)
    demo.blink.last_refresh -= demo.blink.refresh_rate
    assert await demo.blink.refresh() is True
    assert demo.blink.homescreen == {"message": "Unauthorized Access", "code": 101}
    assert demo.blink.available is True


async def test_homescreen_5xx_html_raises_content_type_error(demo: BlinkClient) -> None:
    """A 503 HTML homescreen makes refresh() raise aiohttp's ContentTypeError."""
    demo.sim.add_fault(HOMESCREEN, status=503, body="html")
    demo.blink.last_refresh -= demo.blink.refresh_rate
    with pytest.raises(ContentTypeError):
        await demo.blink.refresh()


async def test_slow_homescreen_raises_attribute_error(
    demo: BlinkClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A homescreen slower than the client timeout gives None, then AttributeError from refresh()."""
    # blinkpy's timeout is 10 s (TIMEOUT, frozen as query's default); shorten it to keep the test fast.
    defaults = list(Auth.query.__defaults__ or ())
    defaults[7] = 0.2
    monkeypatch.setattr(Auth.query, "__defaults__", tuple(defaults))
    demo.sim.add_fault(HOMESCREEN, delay=1.0)
    demo.blink.last_refresh -= demo.blink.refresh_rate
    with pytest.raises(AttributeError):
        await demo.blink.refresh()


async def test_delay_only_fault_still_answers(demo: BlinkClient) -> None:
    """A delay without a status slows the real answer down."""
    demo.sim.add_fault(HOMESCREEN, delay=0.05)
    assert await demo.refresh() == 16
    assert "sync_modules" in demo.blink.homescreen


async def test_invalid_json_becomes_none_and_stale_values(demo: BlinkClient) -> None:
    """Invalid JSON is BlinkBadResponse inside query → None; the camera keeps its stale values."""
    demo.sim.add_fault(CAMERA_CONFIG, body="invalid_json")
    assert await api.request_camera_info(demo.blink, 2001, 4001) is None
    demo.sim.patch_device("G8T20000000001", wifi=1)
    demo.sim.add_fault(CAMERA_CONFIG, body="invalid_json", count=5)
    await demo.refresh()
    assert demo.blink.cameras["Front Yard"].wifi_strength == -55  # stale
    await demo.refresh()
    assert demo.blink.cameras["Front Yard"].wifi_strength == -82


async def test_429_with_retry_after_is_returned_as_data(demo: BlinkClient) -> None:
    """A 429 JSON body comes back as data (blinkpy has no backoff); Retry-After is on the response."""
    demo.sim.add_fault("GET /networks", status=429, retry_after=120)
    assert await api.request_networks(demo.blink) == {
        "message": "Too many requests",
        "code": 429,
    }
    demo.sim.add_fault("GET /networks", status=429, retry_after=120)
    response = await demo.session.get(
        "https://rest-e006.immedia-semi.com/networks", headers=demo.blink.auth.header
    )
    assert response.status == 429 and response.headers["Retry-After"] == "120"
    assert await api.request_networks(
        demo.blink
    ) is not None and "summary" in await api.request_networks(demo.blink)


async def test_update_401_raises_unauthorized(demo: BlinkClient) -> None:
    """A 401 on POST /network/{n}/update makes refresh() raise UnauthorizedError."""
    demo.sim.add_fault("POST /network/{network_id}/update", status=401)
    demo.blink.last_refresh -= demo.blink.refresh_rate
    with pytest.raises(UnauthorizedError):
        await demo.blink.refresh()


async def test_camera_config_429_and_503_keep_stale_values(demo: BlinkClient) -> None:
    """Camera config 429 (JSON) and 503 (HTML) leave the camera's values as they were.

    Back Yard's config carries signals beside camera[], so blinkpy's temperature is the
    sensor's raw reading: calibrated 64 (then 99) with temp_adjust -15.
    """
    demo.sim.patch_device("G8T20000000002", temperature=99)
    demo.sim.add_fault(
        "/network/{network_id}/camera/{camera_id}/config", status=429, count=5
    )
    await demo.refresh()
    assert demo.blink.cameras["Back Yard"].temperature == 79
    demo.sim.add_fault(
        "/network/{network_id}/camera/{camera_id}/config",
        status=503,
        body="html",
        count=5,
    )
    await demo.refresh()
    assert demo.blink.cameras["Back Yard"].temperature == 79
    await demo.refresh()
    assert demo.blink.cameras["Back Yard"].temperature == 114


async def test_thumbnail_never_cached_is_refetched_every_refresh(
    start_sim: SimFactory, make_client: ClientFactory
) -> None:
    """A thumbnail that never downloaded is not cached, so every refresh fetches it again."""
    sim = await start_sim("demo", two_factor=False)
    sim.add_fault(
        "GET /api/v3/media/accounts/1001/networks/2001/catalina/4001/thumbnail/thumbnail.jpg",
        status=500,
        count=2,
    )
    client = make_client(sim)
    assert await client.login()
    assert client.blink.cameras["Front Yard"].image_from_cache is None
    assert await client.refresh() == 16 + 1  # fails again
    assert await client.refresh() == 16 + 1  # fetched, now with success
    assert client.blink.cameras["Front Yard"].image_from_cache is not None
    assert await client.refresh() == 16


async def test_signals_404_falls_back_to_temperature(demo: BlinkClient) -> None:
    """A 404 on /signals makes temperature_calibrated fall back to temperature (§3.6)."""
    demo.sim.patch_device("G8T20000000001", temperature=50)
    demo.sim.add_fault(
        "GET /network/{network_id}/camera/{camera_id}/signals", status=404, count=10
    )
    await demo.refresh()
    assert demo.blink.cameras["Front Yard"].temperature_calibrated == 50
