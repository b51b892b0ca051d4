"""The simulated Blink account: its parts, the clock, lookups and what is derived from time.

Everything time-dependent (a device booting after its plug is switched back on, the last
heartbeat of an offline device) is computed from the injectable clock when asked, never by a
timer. Loading a scenario lives in loader.py, changes in mutations.py, JSON views in views.py;
World keeps one-line methods for them so callers keep one object to talk to.
"""

from __future__ import annotations

from collections.abc import Mapping
import datetime as dt
from pathlib import Path
import time
from typing import Any

from . import loader, mutations, views
from .clock import Clock, monotonic
from .model import (
    Account,
    Command,
    Device,
    DeviceKind,
    InternetProfile,
    Media,
    Network,
    Plug,
    SyncModule,
    UnknownItemError,
    kind_of,
)
from .scenarios import ScenarioError, load_scenario
from .tokens import TokenStore

__all__ = [
    "Account", "Command", "Device", "DeviceKind", "InternetProfile", "Media", "Network", "Plug",
    "ScenarioError", "SyncModule", "UnknownItemError", "World", "kind_of",
]  # fmt: skip


class World:
    """The whole simulated account, read by the REST handlers and changed by the control API."""

    def __init__(
        self,
        account: Account,
        *,
        name: str = "custom",
        internet: InternetProfile | None = None,
        clock: Clock = monotonic,
        epoch: float | None = None,
    ) -> None:
        """Create an empty world for `account`; use from_scenario() to fill one."""
        self.name = name
        self.account = account
        self.internet = internet or InternetProfile()
        self.networks: dict[int, Network] = {}
        self.sync_modules: dict[str, SyncModule] = {}
        self.devices: dict[str, Device] = {}
        self.plugs: dict[str, Plug] = {}
        self.media: list[Media] = []
        self.commands: dict[int, Command] = {}
        self.notifications: dict[str, bool] = {}
        self.tokens = TokenStore()
        self.next_device_id = 4001
        self.next_command_id = 800000001
        self.next_media_id = 7000001
        self.clock = clock
        self._origin = clock()
        self._epoch = time.time() if epoch is None else epoch

    # ----- time -------------------------------------------------------------------------

    def use_clock(self, clock: Clock) -> None:
        """Switch to another clock, keeping wall time continuous and device timers in place."""
        shift = clock() - self.clock()
        self._origin += shift
        for plug in self.plugs.values():
            plug.on_at += shift
            if plug.off_at is not None:
                plug.off_at += shift
        for device in self.devices.values():
            if device.offline_at is not None:
                device.offline_at += shift
            if device.hung_at is not None:
                device.hung_at += shift
            if device.changed_at is not None:
                device.changed_at += shift
        for sync in self.sync_modules.values():
            if sync.offline_at is not None:
                sync.offline_at += shift
        for media in self.media:
            media.created_at += shift
        self.clock = clock

    def now(self) -> float:
        """Return the clock's current time."""
        return self.clock()

    def wall(self, moment: float | None = None) -> dt.datetime:
        """Return the UTC wall time of a clock reading (now by default)."""
        if moment is None:
            moment = self.now()
        return dt.datetime.fromtimestamp(self._epoch + moment - self._origin, dt.UTC)

    def iso(self, moment: float | None = None) -> str:
        """Return a clock reading as Blink writes timestamps: 2025-11-21T00:31:00+00:00."""
        return self.wall(moment).isoformat(timespec="seconds")

    # ----- loading ----------------------------------------------------------------------

    @classmethod
    def from_scenario(cls, name_or_path: str | Path, clock: Clock = monotonic) -> World:
        """Load a bundled scenario by name (minimal, demo, large) or a JSON file by path."""
        name, data = load_scenario(name_or_path)
        return cls.from_dict(data, clock=clock, name=name)

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], clock: Clock = monotonic, name: str | None = None
    ) -> World:
        """Build a world from scenario data (see blinksim/README.md for the schema)."""
        try:
            return loader.world_from_dict(cls, data, clock, name)
        except (KeyError, TypeError, UnknownItemError) as err:
            raise ScenarioError(f"invalid scenario: {err!r}") from err

    # ----- lookups ----------------------------------------------------------------------

    def network(self, network_id: int) -> Network:
        """Return a network by id."""
        try:
            return self.networks[network_id]
        except KeyError:
            raise UnknownItemError(f"no network {network_id}") from None

    def device(self, serial: str) -> Device:
        """Return a camera, Mini or doorbell by serial."""
        try:
            return self.devices[serial]
        except KeyError:
            raise UnknownItemError(f"no device {serial}") from None

    def device_by_id(self, device_id: int) -> Device | None:
        """Return the device with this camera id, if any."""
        return next((d for d in self.devices.values() if d.id == device_id), None)

    def sync_module_for(self, network_id: int) -> SyncModule | None:
        """Return the Sync Module of a network, if it has one."""
        return next(
            (s for s in self.sync_modules.values() if s.network_id == network_id), None
        )

    def sync_networks(self) -> list[Network]:
        """Return the networks that have a Sync Module (what /networks lists)."""
        return [
            n for n in self.networks.values() if self.sync_module_for(n.id) is not None
        ]

    def devices_of(
        self, kind: DeviceKind, network_id: int | None = None
    ) -> list[Device]:
        """Return devices of one kind, optionally on one network, in id order."""
        found = [
            d
            for d in self.devices.values()
            if d.kind == kind and network_id in (None, d.network_id)
        ]
        return sorted(found, key=lambda d: d.id)

    def plug_for(self, serial: str) -> Plug | None:
        """Return the plug feeding a serial, if any."""
        return next((p for p in self.plugs.values() if serial in p.devices), None)

    # ----- derived, time-dependent state ------------------------------------------------

    def _last_seen(
        self, serial: str, offline_at: float | None, now: float
    ) -> float | None:
        """Return when a device or Sync Module was last up, or None if it is up now."""
        seen: list[float] = []
        if offline_at is not None:
            seen.append(offline_at)
        plug = self.plug_for(serial)
        if plug is not None and not plug.powered(now):
            seen.append(plug.off_at if plug.off_at is not None else now)
        return min(seen) if seen else None

    def sync_last_seen(
        self, sync: SyncModule, now: float | None = None
    ) -> float | None:
        """Return when a Sync Module was last online, or None if it is online."""
        now = self.now() if now is None else now
        return self._last_seen(sync.serial, sync.offline_at, now)

    def sync_online(self, sync: SyncModule, now: float | None = None) -> bool:
        """Return whether a Sync Module is online (configured up, powered and booted)."""
        return self.sync_last_seen(sync, now) is None

    def device_last_seen(
        self, device: Device, now: float | None = None
    ) -> float | None:
        """Return when a device was last online, or None if it is online now."""
        now = self.now() if now is None else now
        seen = self._last_seen(device.serial, device.offline_at, now)
        if (hung := self.hung_since(device, now)) is not None:
            seen = hung if seen is None else min(seen, hung)
        if device.kind == "camera":
            # Battery cameras reach the cloud through their Sync Module over LFR.
            sync = self.sync_module_for(device.network_id)
            sync_seen = None if sync is None else self.sync_last_seen(sync, now)
            if sync_seen is not None:
                seen = sync_seen if seen is None else min(seen, sync_seen)
        return seen

    def hung_since(self, device: Device, now: float) -> float | None:
        """Return when a hung device froze, or None once its plug has power-cycled it since."""
        if device.hung_at is None:
            return None
        plug = self.plug_for(device.serial)
        if (
            plug is not None
            and plug.off_at is not None
            and plug.off_at >= device.hung_at
            and plug.powered(now)
        ):
            return None
        return device.hung_at

    def device_online(self, device: Device, now: float | None = None) -> bool:
        """Return whether a device is online."""
        return self.device_last_seen(device, now) is None

    # ----- changes (mutations.py) -------------------------------------------------------

    def patch_device(self, serial: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Change what a device or Sync Module reports; returns its new state."""
        return mutations.patch_device(self, serial, changes)

    def set_plug(self, plug_id: str, on: bool) -> dict[str, Any]:
        """Switch a smart plug; switching it on starts its devices' boot time."""
        return mutations.set_plug(self, plug_id, on)

    def add_device(self, spec: Mapping[str, Any]) -> dict[str, Any]:
        """Add a device as the Blink app does; a returning serial gets a new camera id."""
        return mutations.add_device(self, spec)

    def remove_device(self, serial: str) -> dict[str, Any]:
        """Remove a camera, Mini or doorbell from the account (the plug keeps feeding it)."""
        return mutations.remove_device(self, serial)

    def update_account(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Switch 2FA, its PIN and form, token lifetime, app-update-required; expire or revoke tokens."""
        return mutations.update_account(self, changes)

    def update_internet(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Change the internet profile (latency added to every response, speed, ping)."""
        return mutations.update_internet(self, changes)

    def new_command(self, network_id: int, command: str) -> Command:
        """Record an accepted command."""
        return mutations.new_command(self, network_id, command)

    def snap(self, device: Device) -> None:
        """Take a new picture: the thumbnail URL changes."""
        mutations.snap(self, device)

    def record(self, device: Device) -> Media:
        """Record a clip: media/changed lists it from now on."""
        return mutations.record(self, device)

    # ----- state for the control API (views.py) -----------------------------------------

    def device_state(self, device: Device, now: float | None = None) -> dict[str, Any]:
        """Describe a device as /_sim/state does."""
        return views.device_state(self, device, now)

    def sync_state(self, sync: SyncModule, now: float | None = None) -> dict[str, Any]:
        """Describe a Sync Module as /_sim/state does."""
        return views.sync_state(self, sync, now)

    def plug_state(self, plug: Plug, now: float | None = None) -> dict[str, Any]:
        """Describe a plug as /_sim/state does."""
        return views.plug_state(self, plug, now)

    def state(self) -> dict[str, Any]:
        """Describe the whole world for GET /_sim/state."""
        return views.state(self)
