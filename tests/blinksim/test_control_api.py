"""The /_sim/ control API over HTTP, and the REST and OAuth edges blinkpy does not reach."""

from __future__ import annotations

from collections.abc import AsyncIterator
import time
from typing import Any

import aiohttp
import pytest

from blinksim.clock import ManualClock
from blinksim.oauth import s256
from blinksim.server import SimServer

from .conftest import SimFactory


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """Return a plain client session (no redirect) for talking to the simulator directly."""
    async with aiohttp.ClientSession() as session:
        yield session


async def call(
    http: aiohttp.ClientSession, method: str, url: str, **kwargs: Any
) -> tuple[int, Any]:
    """Send a request and return (status, JSON body)."""
    async with http.request(method, url, **kwargs) as response:
        return response.status, await response.json(content_type=None)


async def token_for(sim: SimServer) -> str:
    """Return a valid access token, issued directly by the world."""
    return sim.world.tokens.issue(sim.world.now()).access_token


async def test_state(start_sim: SimFactory, http: aiohttp.ClientSession) -> None:
    """GET /_sim/state lists the account, networks, Sync Modules, devices and plugs."""
    sim = await start_sim("demo")
    status, state = await call(http, "GET", f"{sim.url}/_sim/state")
    assert status == 200
    assert (
        state["account"].items()
        >= {
            "email": "demo@example.com",
            "password": "blink-demo",
            "two_factor": True,
            "pin": "123456",
        }.items()
    )
    assert [n["id"] for n in state["networks"]] == [2001, 2002, 2003]
    assert state["networks"][2]["sync_module"] is None
    assert [s["serial"] for s in state["sync_modules"]] == [
        "G8T10000000001",
        "G8T10000000002",
    ]
    workshop = next(d for d in state["devices"] if d["name"] == "Workshop")
    assert workshop["status"] == "offline" and workshop["signals"]["wifi"] == 2
    assert state["plugs"]["plug-hall-mini"] == {
        "id": "plug-hall-mini", "on": True, "boot_seconds": 20, "devices": ["G8T30000000001"],
        "powered": True, "boot_remaining": 0.0,
    }  # fmt: skip
    assert state["sync_modules"][1]["plug"] == "plug-garage-sync"
    assert sim.requests.total() == 0  # control requests are not Blink requests


async def test_device_patch_plug_add_remove(
    start_sim: SimFactory, http: aiohttp.ClientSession, clock: ManualClock
) -> None:
    """Devices are patched, plugs switched, devices removed and re-added over HTTP."""
    sim = await start_sim("demo")
    base = f"{sim.url}/_sim"
    status, body = await call(
        http,
        "POST",
        f"{base}/devices/G8T20000000001",
        json={"wifi": 2, "lfr": 1, "status": "offline"},
    )
    assert (
        status == 200
        and body["signals"]["wifi"] == 2
        and body["signals"]["lfr_rssi"] == -92
    )
    assert body["status"] == "offline"
    status, body = await call(
        http,
        "POST",
        f"{base}/devices/G8T10000000001",
        json={"wifi": 1, "status": "offline"},
    )
    assert status == 200 and body["wifi"] == 1 and body["status"] == "offline"
    status, body = await call(
        http,
        "POST",
        f"{base}/devices/G8T10000000001",
        json={"status": "online", "name": "Hub", "fw_version": "4.5", "type": "sm1"},
    )
    assert body["status"] == "online" and body["name"] == "Hub"

    status, body = await call(
        http, "POST", f"{base}/plugs/plug-hall-mini", json={"on": False}
    )
    assert status == 200 and body["on"] is False and body["powered"] is False
    clock.advance(5)
    status, body = await call(
        http, "POST", f"{base}/plugs/plug-hall-mini", json={"on": True}
    )
    assert body["boot_remaining"] == 20
    clock.advance(5)
    status, state = await call(http, "GET", f"{base}/state")
    assert state["plugs"]["plug-hall-mini"]["boot_remaining"] == 15
    mini = next(d for d in state["devices"] if d["serial"] == "G8T30000000001")
    assert mini["status"] == "offline" and mini["plug"] == "plug-hall-mini"

    status, body = await call(http, "DELETE", f"{base}/devices/G8T20000000002")
    assert status == 200 and body["id"] == 4002
    status, body = await call(
        http,
        "POST",
        f"{base}/devices",
        json={
            "serial": "G8T20000000002",
            "name": "Back Yard",
            "network_id": 2001,
            "id": 4002,
        },
    )
    assert status == 200 and body["id"] == 6002 and body["type"] == "catalina"


@pytest.mark.parametrize(
    ("method", "path", "payload", "expected"),
    [
        ("POST", "/devices/NOPE", {"wifi": 1}, 404),
        ("DELETE", "/devices/NOPE", None, 404),
        ("POST", "/devices/G8T20000000001", {"wifi": 9}, 400),
        ("POST", "/devices/G8T20000000001", {"colour": "red"}, 400),
        ("POST", "/devices/G8T20000000001", {"wifi_rssi": 5}, 400),
        ("POST", "/devices/G8T20000000001", {"status": "sleeping"}, 400),
        ("POST", "/devices/G8T20000000001", {"battery": "dead"}, 400),
        ("POST", "/devices/G8T20000000001", {"enabled": "yes"}, 400),
        ("POST", "/devices/G8T20000000001", {"temperature": "hot"}, 400),
        ("POST", "/devices/G8T20000000001", {"name": ""}, 400),
        ("POST", "/devices/G8T20000000001", {"network_id": 2003}, 400),
        ("POST", "/devices/G8T20000000001", {"network_id": 9999}, 404),
        ("POST", "/devices/G8T20000000001", {"sync_module": "NOPE"}, 404),
        ("POST", "/devices/G8T10000000001", {"lfr": 1}, 400),
        ("POST", "/devices/G8T20000000001", [1, 2], 400),
        ("POST", "/devices", {"serial": "G8T20000000001", "network_id": 2001}, 400),
        (
            "POST",
            "/devices",
            {"serial": "NEW", "name": "Front Yard", "network_id": 2001},
            400,
        ),
        ("POST", "/devices", {"serial": "NEW", "network_id": 2003}, 400),
        ("POST", "/devices", {"serial": "NEW"}, 400),
        ("POST", "/devices", {"serial": "NEW", "sync_module": "NOPE"}, 404),
        ("POST", "/plugs/nope", {"on": True}, 404),
        ("POST", "/plugs/plug-hall-mini", {}, 400),
        ("POST", "/plugs/plug-hall-mini", {"on": 1}, 400),
        ("POST", "/account", {"colour": 1}, 400),
        ("POST", "/account", {"two_factor_form": "500"}, 400),
        ("POST", "/internet", {"bandwidth": 1}, 400),
        ("POST", "/faults", {"endpoint": "*"}, 400),
        ("POST", "/faults", {"status": 42}, 400),
        ("POST", "/faults", {"status": 500, "count": 0}, 400),
        ("POST", "/faults", {"delay": -1}, 400),
        ("POST", "/faults", {"status": 500, "duration": "long"}, 400),
        ("POST", "/faults", {"status": 500, "endpoint": ""}, 400),
        ("POST", "/faults", {"status": 500, "colour": 1}, 400),
    ],
)
async def test_control_errors(
    start_sim: SimFactory,
    http: aiohttp.ClientSession,
    *,
    method: str,
    path: str,
    payload: Any,
    expected: int,
) -> None:
    """Bad control requests get 400, unknown serials/plugs/networks 404, and nothing changes."""
    sim = await start_sim("demo")
    status, body = await call(http, method, f"{sim.url}/_sim{path}", json=payload)
    assert status == expected and "error" in body


async def test_control_body_must_be_json(
    start_sim: SimFactory, http: aiohttp.ClientSession
) -> None:
    """A body that is not JSON is a 400."""
    sim = await start_sim("minimal")
    status, body = await call(http, "POST", f"{sim.url}/_sim/account", data=b"not json")
    assert status == 400 and body["error"] == "the body must be JSON"


async def test_faults_and_request_counts(
    start_sim: SimFactory, http: aiohttp.ClientSession, clock: ManualClock
) -> None:
    """Faults are listed, applied N times or for a duration, cleared; counts are per template and reset."""
    sim = await start_sim("minimal")
    headers = {"Authorization": f"Bearer {await token_for(sim)}"}
    status, fault = await call(
        http, "POST", f"{sim.url}/_sim/faults",
        json={"endpoint": "GET /networks", "status": 429, "retry_after": 30, "count": 2},
    )  # fmt: skip
    assert status == 200 and fault["count"] == 2
    await call(
        http,
        "POST",
        f"{sim.url}/_sim/faults",
        json={
            "endpoint": "/api/v1/camera/usage",
            "body": {"custom": True},
            "duration": 10,
        },
    )
    await call(
        http,
        "POST",
        f"{sim.url}/_sim/faults",
        json={
            "endpoint": "GET /network/2001/syncmodules",
            "body": "plain",
            "status": 500,
            "count": None,
        },
    )
    status, faults = await call(http, "GET", f"{sim.url}/_sim/faults")
    assert [f["endpoint"] for f in faults] == [
        "GET /networks",
        "/api/v1/camera/usage",
        "GET /network/2001/syncmodules",
    ]

    for _ in range(2):
        async with http.get(f"{sim.url}/networks", headers=headers) as response:
            assert response.status == 429 and response.headers["Retry-After"] == "30"
    status, body = await call(http, "GET", f"{sim.url}/networks", headers=headers)
    assert status == 200 and "summary" in body
    status, body = await call(
        http, "GET", f"{sim.url}/api/v1/camera/usage", headers=headers
    )
    assert body == {"custom": True}
    clock.advance(10)
    status, body = await call(
        http, "GET", f"{sim.url}/api/v1/camera/usage", headers=headers
    )
    assert "networks" in body
    async with http.get(
        f"{sim.url}/network/2001/syncmodules", headers=headers
    ) as response:
        assert response.status == 500 and await response.text() == "plain"
        assert response.content_type == "text/plain"

    status, counts = await call(http, "GET", f"{sim.url}/_sim/requests")
    assert counts == {
        "total": 6,
        "by_endpoint": {
            "GET /api/v1/camera/usage": 2,
            "GET /network/{network_id}/syncmodules": 1,
            "GET /networks": 3,
        },
    }
    status, faults = await call(http, "DELETE", f"{sim.url}/_sim/faults")
    assert faults == []
    status, counts = await call(http, "DELETE", f"{sim.url}/_sim/requests")
    assert counts == {"total": 0, "by_endpoint": {}}


async def test_fault_bodies(start_sim: SimFactory, http: aiohttp.ClientSession) -> None:
    """html, invalid_json and empty bodies; a wildcard fault hits OAuth too; content types hold."""
    sim = await start_sim("minimal")
    sim.add_fault("*", status=502, body="html")
    async with http.post(f"{sim.url}/oauth/token") as response:
        assert response.status == 502 and response.content_type == "text/html"
    sim.add_fault("/networks", body="invalid_json")
    async with http.get(f"{sim.url}/networks") as response:
        assert response.status == 200 and (await response.text()).startswith(
            '{"message"'
        )
    sim.add_fault(
        "/networks", status=204, body="empty", content_type="application/json"
    )
    async with http.get(f"{sim.url}/networks") as response:
        assert response.status == 204
    sim.clear_faults()
    assert sim.faults.active(sim.world.now()) == []


async def test_account_and_internet(
    start_sim: SimFactory, http: aiohttp.ClientSession
) -> None:
    """The account switches and the internet profile are set over HTTP; latency slows responses."""
    sim = await start_sim("minimal")
    status, account = await call(
        http, "POST", f"{sim.url}/_sim/account",
        json={"two_factor": True, "pin": 654321, "two_factor_form": "412", "password": "new-pass",
              "access_token_lifetime": 60, "app_update_required": True},
    )  # fmt: skip
    assert (
        status == 200
        and account["pin"] == "654321"
        and account["two_factor_form"] == "412"
    )
    assert account["password"] == "new-pass" and account["access_token_lifetime"] == 60
    status, internet = await call(
        http,
        "POST",
        f"{sim.url}/_sim/internet",
        json={"latency_ms": 60, "ping_ms": 150, "download_mbps": 1.5},
    )
    assert internet == {"latency_ms": 60, "download_mbps": 1.5, "ping_ms": 150}
    started = time.perf_counter()
    await call(http, "GET", f"{sim.url}/networks")
    assert time.perf_counter() - started >= 0.06
    started = time.perf_counter()
    await call(http, "GET", f"{sim.url}/_sim/state")
    assert time.perf_counter() - started < 0.06  # control calls are not delayed


async def test_rest_auth_and_unknown_routes(
    start_sim: SimFactory, http: aiohttp.ClientSession, clock: ManualClock
) -> None:
    """REST needs a current bearer token for this account; unknown paths are JSON 404s."""
    sim = await start_sim("minimal", access_token_lifetime=100)
    token = await token_for(sim)
    auth = {"Authorization": f"Bearer {token}"}
    assert await call(http, "GET", f"{sim.url}/networks") == (
        401,
        {"message": "Unauthorized Access", "code": 101},
    )
    assert (
        await call(
            http, "GET", f"{sim.url}/networks", headers={"Authorization": "Basic x"}
        )
    )[0] == 401
    assert (
        await call(
            http, "GET", f"{sim.url}/api/v3/accounts/42/homescreen", headers=auth
        )
    )[0] == 403
    assert (await call(http, "GET", f"{sim.url}/no/such/path", headers=auth))[0] == 404
    assert (await call(http, "GET", f"{sim.url}/no/such/path"))[0] == 401
    assert (await call(http, "DELETE", f"{sim.url}/networks", headers=auth))[0] == 405
    assert sim.requests["GET /no/such/path"] == 2
    clock.advance(100)
    assert (await call(http, "GET", f"{sim.url}/networks", headers=auth))[0] == 401
    # Only the requests without a bearer token are anonymous (an expired one still counts).
    assert sim.requests.anonymous == {"GET /networks": 2, "GET /no/such/path": 1}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/network/9/syncmodules"),
        ("GET", "/network/x/syncmodules"),
        ("GET", "/network/2003/syncmodules"),
        ("POST", "/network/9/update"),
        ("GET", "/network/2001/camera/5001/config"),
        ("GET", "/network/2001/camera/x/config"),
        ("GET", "/network/2002/camera/4001/signals"),
        ("GET", "/api/v1/accounts/1001/networks/2001/owls/4001/config"),
        ("POST", "/api/v1/accounts/1001/networks/2001/owls/4001/config"),
        ("GET", "/api/v1/accounts/1001/networks/2001/doorbells/4001/config"),
        ("POST", "/network/2001/camera/9999/thumbnail"),
        ("POST", "/api/v1/accounts/1001/networks/9/state/arm"),
        ("GET", "/network/2001/command/x"),
        ("POST", "/network/2001/command/1/done/"),
        ("GET", "/events/network/9"),
        (
            "GET",
            "/api/v3/media/accounts/1001/networks/2001/catalina/9999/thumbnail/thumbnail.jpg",
        ),
        (
            "GET",
            "/api/v3/media/accounts/1001/networks/2001/catalina/x/thumbnail/thumbnail.jpg",
        ),
        ("GET", "/api/v2/accounts/1001/media/clip/1.mp4"),
    ],
)
async def test_rest_not_found(
    start_sim: SimFactory, http: aiohttp.ClientSession, method: str, path: str
) -> None:
    """Unknown networks, cameras of the wrong kind, commands and media are JSON 404s."""
    sim = await start_sim("demo")
    status, body = await call(
        http,
        method,
        f"{sim.url}{path}",
        headers={"Authorization": f"Bearer {await token_for(sim)}"},
    )
    assert status == 404 and body["code"] == 404


async def test_rest_details(start_sim: SimFactory, http: aiohttp.ClientSession) -> None:
    """Owl and doorbell config, bad bodies, the since parameter and the thumbnail bytes."""
    sim = await start_sim("demo")
    auth = {"Authorization": f"Bearer {await token_for(sim)}"}
    base = f"{sim.url}/api/v1/accounts/1001/networks"
    status, owl = await call(http, "GET", f"{base}/2001/owls/5001/config", headers=auth)
    assert owl["wifi"] == 4 and owl["status"] == "online"
    status, bell = await call(
        http, "GET", f"{base}/2003/doorbells/6001/config", headers=auth
    )
    assert (
        bell.items()
        >= {
            "temp": 72,
            "wifi_rssi": -54,
            "lfr_rssi": -100,
            "battery_state": "ok",
            "status": "done",
        }.items()
    )
    assert (
        await call(
            http, "POST", f"{base}/2001/owls/5001/config", headers=auth, data="[1]"
        )
    )[0] == 400
    assert (
        await call(
            http, "POST", f"{base}/2001/owls/5001/config", headers=auth, data="nope"
        )
    )[0] == 400
    assert (
        await call(
            http,
            "POST",
            f"{sim.url}/api/v1/accounts/1001/notifications/configuration",
            headers=auth,
            data="{}",
        )
    )[0] == 400
    sim.world.record(sim.world.devices["G8T20000000001"])
    url = f"{sim.url}/api/v1/accounts/1001/media/changed"
    assert (
        len(
            (
                await call(
                    http,
                    "GET",
                    f"{url}?since=2000-01-01T00:00:00+0000&page=1",
                    headers=auth,
                )
            )[1]["media"]
        )
        == 1
    )
    assert (
        len(
            (
                await call(
                    http,
                    "GET",
                    f"{url}?since=2000-01-01T00:00:00%2B0000&page=x",
                    headers=auth,
                )
            )[1]["media"]
        )
        == 1
    )
    assert (
        len(
            (
                await call(
                    http,
                    "GET",
                    f"{url}?page=1&since=2999-01-01T00:00:00+0000",
                    headers=auth,
                )
            )[1]["media"]
        )
        == 0
    )
    assert (
        len((await call(http, "GET", f"{url}?since=garbage", headers=auth))[1]["media"])
        == 1
    )
    assert (
        len((await call(http, "GET", f"{url}?page=2", headers=auth))[1]["media"]) == 0
    )
    async with http.get(
        f"{sim.url}/api/v2/accounts/1001/media/clip/7000001.mp4", headers=auth
    ) as response:
        assert response.content_type == "video/mp4"
    status, sync = await call(
        http, "GET", f"{sim.url}/network/2001/syncmodules", headers=auth
    )
    assert (
        sync["syncmodule"]["serial"] == "G8T10000000001"
        and sync["syncmodule"]["status"] == "online"
    )
    status, update = await call(
        http, "POST", f"{sim.url}/network/2002/update", headers=auth
    )
    assert update["network"]["camera_error"] is True and "id" not in update


async def test_oauth_edges(start_sim: SimFactory, http: aiohttp.ClientSession) -> None:
    """The OAuth steps refuse what blinkpy would never send but a broken client might."""
    sim = await start_sim("demo")
    oauth = f"{sim.url}/oauth"
    status, body = await call(http, "GET", f"{oauth}/v2/signin")
    assert status == 400  # no authorize request yet
    async with http.get(f"{oauth}/v2/authorize", allow_redirects=False) as response:
        assert (
            response.status == 302
            and response.headers["Location"] == "/oauth/v2/signin"
        )
    assert (
        await call(
            http,
            "GET",
            f"{oauth}/v2/authorize",
            params={"code_challenge": "x", "response_type": "token"},
        )
    )[0] == 400
    verifier = "v" * 43
    params = {
        "code_challenge": s256(verifier),
        "code_challenge_method": "S256",
        "response_type": "code",
    }
    async with http.get(f"{oauth}/v2/authorize", params=params) as response:
        assert response.status == 200
    async with http.get(f"{oauth}/v2/signin") as response:
        page = await response.text()
    csrf = page.split('"csrf-token": "')[1].split('"')[0]
    assert (await call(http, "POST", f"{oauth}/v2/signin", data={"csrf-token": "bad"}))[
        0
    ] == 403
    assert (
        await call(
            http,
            "POST",
            f"{oauth}/v2/2fa/verify",
            data={"csrf-token": csrf, "2fa_code": "123456"},
        )
    )[0] == 403
    assert (
        await call(
            http,
            "POST",
            f"{oauth}/v2/signin",
            data={"csrf-token": csrf, "username": "demo@example.com", "password": "x"},
        )
    )[0] == 401
    status, body = await call(
        http,
        "POST",
        f"{oauth}/v2/signin",
        data={
            "csrf-token": csrf,
            "username": "DEMO@example.com",
            "password": "blink-demo",
        },
    )
    assert status == 202 and body["tsv_state"] == "sms"
    assert (
        await call(
            http,
            "POST",
            f"{oauth}/v2/2fa/verify",
            data={"csrf-token": csrf, "2fa_code": "1"},
        )
    )[0] == 400
    assert (
        await call(
            http,
            "POST",
            f"{oauth}/v2/2fa/verify",
            data={"csrf-token": csrf, "2fa_code": "123456"},
        )
    ) == (201, {"status": "auth-completed"})
    async with http.get(f"{oauth}/v2/authorize", allow_redirects=False) as response:
        code = response.headers["Location"].split("code=")[1].split("&")[0]
    assert (
        await call(
            http,
            "POST",
            f"{oauth}/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "code_verifier": "w" * 43,
            },
        )
    )[0] == 400
    assert (
        await call(
            http,
            "POST",
            f"{oauth}/token",
            data={
                "grant_type": "authorization_code",
                "code": "nope",
                "code_verifier": verifier,
            },
        )
    )[0] == 400
    status, tokens = await call(
        http,
        "POST",
        f"{oauth}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "code_verifier": verifier,
        },
    )
    assert (
        status == 200
        and tokens["expires_in"] == 14400
        and tokens["token_type"] == "Bearer"
    )
    assert (
        await call(
            http, "POST", f"{oauth}/token", data={"grant_type": "client_credentials"}
        )
    )[0] == 400
    assert (
        await call(
            http,
            "POST",
            f"{oauth}/token",
            data={
                "grant_type": "password",
                "username": "demo@example.com",
                "password": "x",
            },
        )
    )[0] == 401
    assert (
        await call(
            http,
            "POST",
            f"{oauth}/token",
            data={"grant_type": "refresh_token", "refresh_token": "nope"},
        )
    )[0] == 401
    status, refreshed = await call(
        http, "POST", f"{oauth}/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "client_id": "android"},
    )  # fmt: skip
    assert status == 200 and refreshed["client_id"] == tokens["client_id"]


async def test_many_pending_logins_are_bounded(
    start_sim: SimFactory, http: aiohttp.ClientSession
) -> None:
    """Abandoned logins do not pile up: only the latest 64 are remembered."""
    sim = await start_sim("minimal")
    for _ in range(70):
        async with http.get(
            f"{sim.url}/oauth/v2/authorize",
            params={"code_challenge": "c", "response_type": "code"},
        ):
            pass
    assert sim.requests["GET /oauth/v2/authorize"] == 70
