"""REST endpoints of rest-{tier}.immedia-semi.com that blinkpy 0.25.9 calls (blink_api.md §3.2)."""

from __future__ import annotations

from collections.abc import Callable
import datetime as dt
from typing import Any
from urllib.parse import unquote

from aiohttp import web

from . import payloads
from .http import Route, json_response, not_found
from .media import CLIP_MP4, THUMBNAIL_JPEG
from .tokens import Grant
from .world import Device, DeviceKind, Network, World

ACCOUNT = "/api/v1/accounts/{account_id}/networks/{network_id}"
THUMBNAIL = "/api/v3/media/accounts/{account_id}/networks/{network_id}/{device_type}/{camera_id}/thumbnail/thumbnail.jpg"
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
DEFAULT_NOTIFICATIONS = {
    "low_battery": True, "camera_offline": True, "camera_usage": True, "scheduling": True,
    "motion": True, "sync_module_offline": True, "temperature": True, "doorbell": True,
    "wifi": True, "lfr": True, "bandwidth": True, "battery_dead": True, "local_storage": True,
}  # fmt: skip


def parse_since(raw_query: str) -> float | None:
    """Return the `since` query value as epoch seconds, keeping its literal "+" (§5.6 notes).

    blinkpy sends `since=2025-11-21T00:20:01+0000` unencoded; form decoding would turn the
    "+" into a space, so the raw query string is split by hand and a space is read as "+".
    """
    for part in raw_query.split("&"):
        name, _, value = part.partition("=")
        if name != "since":
            continue
        text = unquote(value).replace(" ", "+")
        try:
            return dt.datetime.strptime(text, TIMESTAMP_FORMAT).timestamp()
        except ValueError:
            return None
    return None


class RestApi:
    """Handlers for the Blink REST API, reading and changing one World."""

    def __init__(self, world: World) -> None:
        """Serve `world`."""
        self.world = world

    def routes(self) -> list[Route]:
        """Return (method, path, handler) for every REST route."""
        routes: list[Route] = [
            ("GET", "/api/v3/accounts/{account_id}/homescreen", self.homescreen),
            ("GET", "/networks", self.networks),
            ("GET", "/api/v1/camera/usage", self.camera_usage),
            ("GET", "/network/{network_id}/syncmodules", self.syncmodules),
            ("POST", "/network/{network_id}/update", self.network_update),
            (
                "GET",
                "/network/{network_id}/camera/{camera_id}/config",
                self.camera_config,
            ),
            (
                "GET",
                "/network/{network_id}/camera/{camera_id}/signals",
                self.camera_signals,
            ),
            ("GET", "/api/v1/accounts/{account_id}/media/changed", self.media_changed),
            ("GET", "/network/{network_id}/command/{command_id}", self.command_status),
            (
                "POST",
                "/network/{network_id}/command/{command_id}/done/",
                self.command_done,
            ),
            ("POST", ACCOUNT + "/state/arm", self.system_arm(armed=True)),
            ("POST", ACCOUNT + "/state/disarm", self.system_arm(armed=False)),
            ("GET", ACCOUNT + "/owls/{camera_id}/config", self.owl_config),
            ("POST", ACCOUNT + "/owls/{camera_id}/config", self.owl_config_update),
            ("GET", ACCOUNT + "/doorbells/{camera_id}/config", self.doorbell_config),
            ("GET", "/events/network/{network_id}", self.events),
            (
                "GET",
                "/api/v1/accounts/{account_id}/notifications/configuration",
                self.notifications,
            ),
            (
                "POST",
                "/api/v1/accounts/{account_id}/notifications/configuration",
                self.set_notifications,
            ),
            (
                "POST",
                "/api/v4/account/{account_id}/client/{client_id}/logout",
                self.logout,
            ),
            ("GET", THUMBNAIL, self.thumbnail),
            (
                "GET",
                "/api/v2/accounts/{account_id}/media/clip/{media_id}.mp4",
                self.clip,
            ),
        ]
        # Camera actions (§3.3): enable/disable, thumbnail (snap), clip (record), liveview.
        bases: tuple[tuple[DeviceKind, str], ...] = (
            ("camera", "/network/{network_id}/camera/{camera_id}"),
            ("owl", ACCOUNT + "/owls/{camera_id}"),
            ("doorbell", ACCOUNT + "/doorbells/{camera_id}"),
        )
        for kind, base in bases:
            actions = (
                ("thumbnail", "clip")
                if kind == "owl"
                else ("enable", "disable", "thumbnail", "clip")
            )
            routes.extend(
                ("POST", f"{base}/{action}", self.camera_action(kind, action))
                for action in actions
            )
        routes.extend(
            [
                ("POST", "/api/v6/accounts/{account_id}/networks/{network_id}/cameras/{camera_id}/liveview",
                 self.camera_action("camera", "liveview")),
                ("POST", "/api/v2/accounts/{account_id}/networks/{network_id}/owls/{camera_id}/liveview",
                 self.camera_action("owl", "liveview")),
                ("POST", "/api/v2/accounts/{account_id}/networks/{network_id}/doorbells/{camera_id}/liveview",
                 self.camera_action("doorbell", "liveview")),
            ]
        )  # fmt: skip
        return routes

    # ----- lookups from the path ----------------------------------------------------------

    def _network(self, request: web.Request) -> Network | None:
        """Return the network named in the path."""
        try:
            return self.world.networks.get(int(request.match_info["network_id"]))
        except ValueError:
            return None

    def _device(self, request: web.Request, kind: DeviceKind) -> Device | None:
        """Return the device of `kind` named by network_id and camera_id in the path."""
        try:
            device = self.world.device_by_id(int(request.match_info["camera_id"]))
            network_id = int(request.match_info["network_id"])
        except ValueError:
            return None
        if device is None or device.kind != kind or device.network_id != network_id:
            return None
        return device

    # ----- account-level documents ---------------------------------------------------------

    async def homescreen(self, request: web.Request) -> web.Response:
        """GET homescreen v3, with the Client-Id and User-Id headers blinkpy stores (§4.1)."""
        grant: Grant = request["grant"]
        response = json_response(200, payloads.homescreen(self.world))
        response.headers["Client-Id"] = str(grant.client_id)
        response.headers["User-Id"] = str(self.world.account.user_id)
        return response

    async def networks(self, request: web.Request) -> web.Response:
        """GET /networks."""
        return json_response(200, payloads.networks(self.world))

    async def camera_usage(self, request: web.Request) -> web.Response:
        """GET /api/v1/camera/usage."""
        return json_response(200, payloads.camera_usage(self.world))

    async def media_changed(self, request: web.Request) -> web.Response:
        """GET media/changed?since=...+0000&page=N."""
        since = parse_since(request.rel_url.raw_query_string)
        try:
            page = int(request.rel_url.query.get("page", "1"))
        except ValueError:
            page = 1
        return json_response(200, payloads.media_changed(self.world, since, page))

    async def events(self, request: web.Request) -> web.Response:
        """GET /events/network/{n}: no events are simulated."""
        if self._network(request) is None:
            return not_found("Network not found")
        return json_response(200, {"event": []})

    async def notifications(self, request: web.Request) -> web.Response:
        """GET notification flags."""
        return json_response(
            200,
            {"notifications": {**DEFAULT_NOTIFICATIONS, **self.world.notifications}},
        )

    async def set_notifications(self, request: web.Request) -> web.Response:
        """POST notification flags {"notifications": {...}}."""
        try:
            body = await request.json()
            changes = {str(k): bool(v) for k, v in body["notifications"].items()}
        except ValueError, KeyError, TypeError, AttributeError:
            return json_response(400, {"message": "Invalid notifications", "code": 400})
        self.world.notifications.update(changes)
        return json_response(200, {"message": "Notifications updated", "code": 200})

    async def logout(self, request: web.Request) -> web.Response:
        """POST logout: the bearer token stops working."""
        grant: Grant = request["grant"]
        self.world.tokens.logout(grant.access_token)
        return json_response(200, {"message": "logout", "code": 200})

    # ----- networks and Sync Modules -------------------------------------------------------

    async def syncmodules(self, request: web.Request) -> web.Response:
        """GET /network/{n}/syncmodules."""
        network = self._network(request)
        sync = None if network is None else self.world.sync_module_for(network.id)
        if sync is None:
            return not_found("Sync module not found")
        return json_response(200, payloads.syncmodule(self.world, sync))

    async def network_update(self, request: web.Request) -> web.Response:
        """POST /network/{n}/update."""
        network = self._network(request)
        if network is None:
            return not_found("Network not found")
        return json_response(200, payloads.network_update(self.world, network))

    def system_arm(self, *, armed: bool) -> Callable[[web.Request], Any]:
        """Return the handler that arms or disarms a network and answers with a command."""

        async def handler(request: web.Request) -> web.Response:
            """POST state/arm or state/disarm."""
            network = self._network(request)
            if network is None:
                return not_found("Network not found")
            network.armed = armed
            cmd = self.world.new_command(network.id, "arm" if armed else "disarm")
            return json_response(200, payloads.command(self.world, cmd))

        return handler

    async def command_status(self, request: web.Request) -> web.Response:
        """GET /network/{n}/command/{id}: every command is complete at once (§8.5)."""
        cmd = self._command(request)
        if cmd is None:
            return not_found("Command not found")
        return json_response(200, payloads.command_status(self.world, cmd))

    async def command_done(self, request: web.Request) -> web.Response:
        """POST /network/{n}/command/{id}/done/ (the body from blinkpy's tests/test_api.py:14)."""
        cmd = self._command(request)
        if cmd is None:
            return not_found("Command not found")
        cmd.done = True
        return json_response(
            200, {"message": f"Command {cmd.id} set to :done", "code": 902}
        )

    def _command(self, request: web.Request) -> Any:
        """Return the command named in the path on its network, or None."""
        try:
            cmd = self.world.commands.get(int(request.match_info["command_id"]))
            network_id = int(request.match_info["network_id"])
        except ValueError:
            return None
        return cmd if cmd is not None and cmd.network_id == network_id else None

    # ----- devices ---------------------------------------------------------------------------

    async def camera_config(self, request: web.Request) -> web.Response:
        """GET /network/{n}/camera/{c}/config."""
        device = self._device(request, "camera")
        if device is None:
            return not_found("Camera not found")
        return json_response(200, payloads.camera_config(self.world, device))

    async def camera_signals(self, request: web.Request) -> web.Response:
        """GET /network/{n}/camera/{c}/signals."""
        device = self._device(request, "camera")
        if device is None:
            return not_found("Camera not found")
        return json_response(200, payloads.camera_signals(self.world, device))

    async def owl_config(self, request: web.Request) -> web.Response:
        """GET owls/{id}/config."""
        device = self._device(request, "owl")
        if device is None:
            return not_found("Owl not found")
        return json_response(200, payloads.owl_config(self.world, device))

    async def owl_config_update(self, request: web.Request) -> web.Response:
        """POST owls/{id}/config: blinkpy arms a Mini with {"enabled": bool} (§3.3)."""
        device = self._device(request, "owl")
        if device is None:
            return not_found("Owl not found")
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return json_response(400, {"message": "Invalid body", "code": 400})
        if isinstance(body.get("enabled"), bool):
            device.enabled = body["enabled"]
        cmd = self.world.new_command(device.network_id, "config_set")
        return json_response(200, payloads.command(self.world, cmd))

    async def doorbell_config(self, request: web.Request) -> web.Response:
        """GET doorbells/{id}/config."""
        device = self._device(request, "doorbell")
        if device is None:
            return not_found("Doorbell not found")
        return json_response(200, payloads.doorbell_config(self.world, device))

    def camera_action(
        self, kind: DeviceKind, action: str
    ) -> Callable[[web.Request], Any]:
        """Return the handler for one camera action; each answers with a command."""

        async def handler(request: web.Request) -> web.Response:
            """POST a camera action."""
            device = self._device(request, kind)
            if device is None:
                return not_found("Device not found")
            if action in ("enable", "disable"):
                device.enabled = action == "enable"
            elif action == "thumbnail":
                self.world.snap(device)
            elif action == "clip":
                self.world.record(device)
            cmd = self.world.new_command(device.network_id, action)
            if action == "liveview":
                return json_response(200, payloads.liveview(self.world, cmd, device))
            return json_response(200, payloads.command(self.world, cmd))

        return handler

    # ----- media -------------------------------------------------------------------------------

    async def thumbnail(self, request: web.Request) -> web.Response:
        """GET a thumbnail: the same small JPEG for every device that exists."""
        try:
            device = self.world.device_by_id(int(request.match_info["camera_id"]))
        except ValueError:
            device = None
        if device is None:
            return not_found("Media not found")
        return web.Response(body=THUMBNAIL_JPEG, content_type="image/jpeg")

    async def clip(self, request: web.Request) -> web.Response:
        """GET a recorded clip."""
        media_id = request.match_info["media_id"]
        if not any(str(media.id) == media_id for media in self.world.media):
            return not_found("Media not found")
        return web.Response(body=CLIP_MP4, content_type="video/mp4")
