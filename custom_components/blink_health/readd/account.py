"""Pure: what a poll's AccountHealth says about a camera being re-added."""

from __future__ import annotations

from typing import Any

from custom_components.blink_health.health import AccountHealth, CameraHealth

from .procedure import Seen


def sync_module_name(health: AccountHealth, camera: CameraHealth) -> str | None:
    """Return the name of the Sync Module a camera is on, if any."""
    sync = health.sync_modules.get(camera.sync_serial or "")
    return sync.name if sync is not None else None


def seen_in(health: AccountHealth, serial: str, *, plug: bool) -> Seen:
    """Return what the poll shows of the camera (`plug`: a smart plug is mapped to it)."""
    camera = health.cameras.get(serial)
    if camera is None:
        return Seen(present=False, plug=plug)
    return Seen(
        present=True,
        camera_id=camera.id,
        sync_module=sync_module_name(health, camera),
        online=bool(camera.online),
        plug=plug,
    )


def final_check(health: AccountHealth, camera: CameraHealth) -> dict[str, Any]:
    """Return the camera's health once it is back: online, signal, where it is."""
    return {
        "online": camera.online,
        "status": camera.status,
        "wifi_bars": camera.wifi_bars,
        "sync_bars": camera.sync_bars if camera.has_sync_link else None,
        "wifi_rssi": camera.wifi_rssi,
        "camera_id": camera.id,
        "sync_module": sync_module_name(health, camera),
    }
