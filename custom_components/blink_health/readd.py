"""Guided re-add of a camera: Home Assistant's side kept, the account watched, the camera rebound.

No public, verified Blink API adds a camera by serial (blink_api.md §6): adding takes the Blink
app and the device's own onboarding, so nothing here sends a request that changes the account.
A procedure snapshots the camera's Home Assistant side, keeps its device while the serial is away
(a claim on the coordinator), resets the camera through its smart plug when one feeds
it, and reads the normal polls: the serial leaves the account, comes back (maybe with a new
camera id, maybe on another Sync Module) and reports online. Then the snapshot is restored and
a final health check reported. Procedures are stored, so a restart resumes them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypedDict

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import DOMAIN, EVENT_READD, LOGGER, READD_POLL_INTERVAL
from .errors import translated_error
from .health import AccountHealth, CameraHealth, PowerSource
from .issues import READD_PREFIX, async_open_readd_issue
from .settings import async_set_plug, plug_for
from .storage import account_store

if TYPE_CHECKING:
    from .coordinator import BlinkHealthCoordinator

# Resets a camera through the plug that feeds it (the power slice's, wired in __init__.py).
type PlugReset = Callable[[str], Awaitable[object]]

STORE_NAME = "readd"
DEFAULT_TIMEOUT = timedelta(minutes=60)


class Phase(StrEnum):
    """Where a re-add stands: four phases wait for the account, three end the procedure."""

    # Waiting for the camera to leave the account (removed in the app).
    REMOVE = "remove"
    RESET = "reset"  # gone: its smart plug is switching it off and on
    ADD = "add"  # gone (and reset): waiting for it to be added again in the app
    ONLINE = "online"  # back on the account: waiting for it to report online
    DONE = "done"
    TIMEOUT = "timeout"
    CANCELLED = "cancelled"


ENDED = frozenset({Phase.CANCELLED, Phase.DONE, Phase.TIMEOUT})


class Reset(StrEnum):
    """How the camera was reset between being removed and added again."""

    PLUG = "plug"  # power-cycled through its smart plug
    # Left to the person: no plug, a battery camera, or the plug failed.
    MANUAL = "manual"


class NextStep(StrEnum):
    """What the person has to do next (on a timeout: what did not happen)."""

    ADD_IN_APP = "add_in_app"
    CHECK_POWER_AND_WIFI = "check_power_and_wifi"
    REMOVE_IN_APP = "remove_in_app"


_NEXT_STEP = {
    Phase.ADD: NextStep.ADD_IN_APP,
    Phase.ONLINE: NextStep.CHECK_POWER_AND_WIFI,
    Phase.REMOVE: NextStep.REMOVE_IN_APP,
    Phase.RESET: NextStep.ADD_IN_APP,
}


class EntitySnapshot(TypedDict):
    """One entity of the camera as Home Assistant had it, with the user's customisations."""

    unique_id: str
    domain: str
    entity_id: str
    name: str | None
    icon: str | None
    area_id: str | None
    disabled_by: str | None
    hidden_by: str | None
    labels: list[str]


class Snapshot(TypedDict):
    """The camera's Home Assistant side when the re-add started."""

    device_id: str | None
    name: str | None
    name_by_user: str | None
    area_id: str | None
    labels: list[str]
    entities: list[EntitySnapshot]
    plug: str | None


class _StoredProcedure(TypedDict):
    """A procedure as stored (datetimes as ISO strings)."""

    serial: str
    name: str
    power: str
    started: str
    deadline: str
    snapshot: Snapshot
    camera_id: int | None
    sync_module: str | None
    phase: str
    ended_in: str | None
    removed_at: str | None
    reset: str | None
    reset_error: str | None
    added_at: str | None
    new_camera_id: int | None
    new_sync_module: str | None
    online_at: str | None
    ended_at: str | None
    watched_since: str | None


class _StoredData(TypedDict):
    """Everything stored per account: the re-adds that run or timed out, by serial."""

    procedures: dict[str, _StoredProcedure]


def _iso(moment: datetime | None) -> str | None:
    """Return a datetime as ISO 8601, or None."""
    return moment.isoformat() if moment is not None else None


def _parse(value: str | None) -> datetime | None:
    """Parse a stored ISO 8601 datetime."""
    return dt_util.parse_datetime(value) if value is not None else None


@dataclass(slots=True, kw_only=True)
class Procedure:
    """One camera's re-add: what it was at the start and what the account has shown since."""

    serial: str
    name: str  # the camera's Blink name at the start (what the person looks for in the app)
    power: PowerSource
    started: datetime
    deadline: datetime
    snapshot: Snapshot
    camera_id: int | None  # the camera id before the re-add
    sync_module: str | None  # the name of its Sync Module before the re-add
    phase: Phase = Phase.REMOVE
    ended_in: Phase | None = None  # the phase a timeout or a cancel interrupted
    removed_at: datetime | None = None
    reset: Reset | None = None
    reset_error: str | None = None
    added_at: datetime | None = None
    new_camera_id: int | None = None
    new_sync_module: str | None = None
    online_at: datetime | None = None
    ended_at: datetime | None = None
    # When it last started watching (a resume restarts it).
    watched_since: datetime | None = None
    final: dict[str, Any] | None = None  # the final health check
    entities: list[str] = field(default_factory=list)  # entity ids kept, once done

    @property
    def running(self) -> bool:
        """Return True while the procedure still watches the account."""
        return self.phase not in ENDED

    @property
    def next_step(self) -> NextStep | None:
        """Return what the person has to do now, or what did not happen before a timeout."""
        if self.phase is Phase.TIMEOUT and self.ended_in is not None:
            return _NEXT_STEP[self.ended_in]
        return _NEXT_STEP.get(self.phase)

    def as_stored(self) -> _StoredProcedure:
        """Return the procedure as JSON-serialisable stored data."""
        return {
            "serial": self.serial,
            "name": self.name,
            "power": str(self.power),
            "started": self.started.isoformat(),
            "deadline": self.deadline.isoformat(),
            "snapshot": self.snapshot,
            "camera_id": self.camera_id,
            "sync_module": self.sync_module,
            "phase": str(self.phase),
            "ended_in": str(self.ended_in) if self.ended_in is not None else None,
            "removed_at": _iso(self.removed_at),
            "reset": str(self.reset) if self.reset is not None else None,
            "reset_error": self.reset_error,
            "added_at": _iso(self.added_at),
            "new_camera_id": self.new_camera_id,
            "new_sync_module": self.new_sync_module,
            "online_at": _iso(self.online_at),
            "ended_at": _iso(self.ended_at),
            "watched_since": _iso(self.watched_since),
        }

    @classmethod
    def from_stored(cls, raw: _StoredProcedure) -> Procedure:
        """Rebuild a stored procedure (raises KeyError, TypeError or ValueError if unreadable)."""
        started, deadline = _parse(raw["started"]), _parse(raw["deadline"])
        if started is None or deadline is None:
            raise ValueError("a stored re-add has no start or deadline")
        return cls(
            serial=raw["serial"],
            name=raw["name"],
            power=PowerSource(raw["power"]),
            started=started,
            deadline=deadline,
            snapshot=raw["snapshot"],
            camera_id=raw["camera_id"],
            sync_module=raw["sync_module"],
            phase=Phase(raw["phase"]),
            ended_in=Phase(raw["ended_in"]) if raw["ended_in"] else None,
            removed_at=_parse(raw["removed_at"]),
            reset=Reset(raw["reset"]) if raw["reset"] else None,
            reset_error=raw["reset_error"],
            added_at=_parse(raw["added_at"]),
            new_camera_id=raw["new_camera_id"],
            new_sync_module=raw["new_sync_module"],
            online_at=_parse(raw["online_at"]),
            ended_at=_parse(raw["ended_at"]),
            watched_since=_parse(raw.get("watched_since")),
        )

    def report(self) -> dict[str, Any]:
        """Return what the procedure saw, as the readd_camera action's response."""
        return {
            "device": self.name,
            "serial": self.serial,
            "issue_id": f"{READD_PREFIX}{self.serial}",
            "phase": str(self.phase),
            "ended_in": str(self.ended_in) if self.ended_in is not None else None,
            "next_step": str(self.next_step) if self.next_step is not None else None,
            "started": self.started.isoformat(),
            "deadline": self.deadline.isoformat(),
            "removed_at": _iso(self.removed_at),
            "reset": str(self.reset) if self.reset is not None else None,
            "reset_error": self.reset_error,
            "added_at": _iso(self.added_at),
            "online_at": _iso(self.online_at),
            "ended_at": _iso(self.ended_at),
            "camera_id": {"before": self.camera_id, "after": self.new_camera_id},
            "sync_module": {"before": self.sync_module, "after": self.new_sync_module},
            "health": self.final,
            "entities": list(self.entities),
        }


def _sync_name(health: AccountHealth, camera: CameraHealth) -> str | None:
    """Return the name of the Sync Module a camera is on, if any."""
    sync = health.sync_modules.get(camera.sync_serial or "")
    return sync.name if sync is not None else None


# ----- Home Assistant's side: snapshot and restore ------------------------------------------


def _device(
    hass: HomeAssistant, entry: ConfigEntry[Any], serial: str
) -> dr.DeviceEntry | None:
    """Return the camera's device of this entry."""
    return dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, serial), entry.entry_id
    )


@callback
def async_snapshot(
    hass: HomeAssistant, entry: ConfigEntry[Any], serial: str
) -> Snapshot:
    """Record the camera's device, its entities with their customisations, and its plug."""
    device = _device(hass, entry, serial)
    entities: list[EntitySnapshot] = []
    if device is not None:
        registry = er.async_get(hass)
        entities = [
            {
                "unique_id": item.unique_id,
                "domain": item.domain,
                "entity_id": item.entity_id,
                "name": item.name,
                "icon": item.icon,
                "area_id": item.area_id,
                "disabled_by": str(item.disabled_by) if item.disabled_by else None,
                "hidden_by": str(item.hidden_by) if item.hidden_by else None,
                "labels": sorted(item.labels),
            }
            for item in sorted(
                er.async_entries_for_device(
                    registry, device.id, include_disabled_entities=True
                ),
                key=lambda item: item.entity_id,
            )
            if item.config_entry_id == entry.entry_id
        ]
    return {
        "device_id": device.id if device is not None else None,
        "name": device.name if device is not None else None,
        "name_by_user": device.name_by_user if device is not None else None,
        "area_id": device.area_id if device is not None else None,
        "labels": sorted(device.labels) if device is not None else [],
        "entities": entities,
        "plug": plug_for(entry, serial),
    }


@callback
def async_restore(
    hass: HomeAssistant,
    entry: ConfigEntry[Any],
    serial: str,
    snapshot: Snapshot,
) -> list[str]:
    """Put the snapshot back on the camera's device and entities; return its entity ids.

    The device was kept while the camera was away, so mostly nothing differs. What can:
    Blink's name for the camera (the person typed a new one in the app: Home Assistant keeps
    showing the old one), customisations made while it was away, and the plug mapping (the
    options' plug page drops devices that are not on the account when it is saved).
    """
    device = _device(hass, entry, serial)
    if (
        device is None
    ):  # pragma: no cover - the device is retained while the camera is away
        return []
    name_by_user = snapshot["name_by_user"]
    if name_by_user is None and snapshot["name"] not in (None, device.name):
        name_by_user = snapshot["name"]
    device_changes: dict[str, Any] = {}
    if device.name_by_user != name_by_user:
        device_changes["name_by_user"] = name_by_user
    if device.area_id != snapshot["area_id"]:
        device_changes["area_id"] = snapshot["area_id"]
    if set(device.labels) != set(snapshot["labels"]):
        device_changes["labels"] = set(snapshot["labels"])
    if device_changes:
        dr.async_get(hass).async_update_device(device.id, **device_changes)
    registry = er.async_get(hass)
    for saved in snapshot["entities"]:
        entity_id = registry.async_get_entity_id(
            saved["domain"], DOMAIN, saved["unique_id"]
        )
        if entity_id is None or (current := registry.async_get(entity_id)) is None:
            continue  # not created yet: its platform adds it with the same unique id
        _restore_entity(hass, registry, current, saved)
    if (plug := snapshot["plug"]) is not None and plug_for(entry, serial) is None:
        async_set_plug(hass, entry, serial, plug)
    return sorted(
        item.entity_id
        for item in er.async_entries_for_device(
            registry, device.id, include_disabled_entities=True
        )
        if item.config_entry_id == entry.entry_id
    )


def _restore_entity(
    hass: HomeAssistant,
    registry: er.EntityRegistry,
    current: er.RegistryEntry,
    saved: EntitySnapshot,
) -> None:
    """Give one entity back its entity id (when free) and customisations."""
    changes: dict[str, Any] = {
        key: value
        for key, value in (
            ("name", saved["name"]),
            ("icon", saved["icon"]),
            ("area_id", saved["area_id"]),
        )
        if getattr(current, key) != value
    }
    target = saved["entity_id"]
    if (
        current.entity_id != target
        and not registry.async_is_registered(target)
        and hass.states.get(target) is None
    ):
        changes["new_entity_id"] = target
    disabled_by = (
        er.RegistryEntryDisabler(saved["disabled_by"]) if saved["disabled_by"] else None
    )
    if current.disabled_by != disabled_by:
        changes["disabled_by"] = disabled_by
    hidden_by = (
        er.RegistryEntryHider(saved["hidden_by"]) if saved["hidden_by"] else None
    )
    if current.hidden_by != hidden_by:
        changes["hidden_by"] = hidden_by
    if set(current.labels) != set(saved["labels"]):
        changes["labels"] = set(saved["labels"])
    if changes:
        registry.async_update_entity(current.entity_id, **changes)


def final_check(health: AccountHealth, camera: CameraHealth) -> dict[str, Any]:
    """Return the camera's health once it is back: online, signal, where it is."""
    return {
        "online": camera.online,
        "status": camera.status,
        "wifi_bars": camera.wifi_bars,
        "sync_bars": camera.sync_bars if camera.has_sync_link else None,
        "wifi_rssi": camera.wifi_rssi,
        "camera_id": camera.id,
        "sync_module": _sync_name(health, camera),
    }


# ----- the procedures of one account ---------------------------------------------------------


def _ask_to_reset(proc: Procedure) -> None:
    """Go on to adding a camera whose reset through its plug was cut short: the person resets it."""
    proc.phase = Phase.ADD
    if proc.reset is None:
        proc.reset = Reset.MANUAL


class Readds:
    """The re-adds of one account: at most one per camera, stored while it runs or timed out."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry[Any],
        coordinator: BlinkHealthCoordinator,
        reset: PlugReset,
    ) -> None:
        """Prepare the account's store; nothing is read before async_load."""
        self.coordinator = coordinator
        self.hass = hass
        self.entry = entry
        self._reset = reset
        # Claims on the coordinator: devices kept while away, and the faster pace.
        self._kept: dict[str, CALLBACK_TYPE] = {}
        self._release_pace: CALLBACK_TYPE | None = None
        self._unsub_poll: CALLBACK_TYPE | None = None
        self._store: Store[_StoredData] = account_store(hass, entry, STORE_NAME)
        self._procedures: dict[str, Procedure] = {}
        self._timers: dict[str, CALLBACK_TYPE] = {}
        self._resets: dict[str, asyncio.Task[None]] = {}
        self._waiters: dict[str, list[asyncio.Future[None]]] = {}
        self._stopped = False

    @property
    def active(self) -> bool:
        """Return True until the account unloads (then a new Readds takes over)."""
        return not self._stopped

    @property
    def watching(self) -> bool:
        """Return True while any re-add watches the account."""
        return any(proc.running for proc in self._procedures.values())

    def get(self, serial: str) -> Procedure | None:
        """Return the camera's latest re-add (running or ended), if any."""
        return self._procedures.get(serial)

    # ----- lifecycle ------------------------------------------------------------------------

    async def async_load(self) -> None:
        """Read the stored re-adds before the first poll, so their devices are kept from it on."""
        self._unsub_poll = self.coordinator.async_add_poll_listener(self.async_on_poll)
        stored = await self._store.async_load()
        for raw in (stored or {"procedures": {}})["procedures"].values():
            try:
                proc = Procedure.from_stored(raw)
            except (KeyError, TypeError, ValueError) as err:
                LOGGER.warning("A stored camera re-add could not be read: %s", err)
                continue
            if proc.phase is Phase.RESET:
                # Interrupted with Home Assistant while its plug cycled (power.py switches the
                # plug back on): whether it was reset is unknown, so the person is asked to.
                _ask_to_reset(proc)
            self._procedures[proc.serial] = proc
            if proc.running:
                self._keep(proc.serial)

    @callback
    def async_start_watching(self) -> None:
        """After the first poll: deadlines, the issues, and the poll interval of running re-adds."""
        for proc in self._procedures.values():
            if proc.running:
                self._schedule_deadline(proc)
            if proc.running or proc.phase is Phase.TIMEOUT:
                async_open_readd_issue(self.hass, self.entry, proc.serial, proc.name)
        self._update_pace()

    async def async_shutdown(self) -> None:
        """Stop watching (unload, stop); stored re-adds resume at the next setup."""
        self._stopped = True
        if self._unsub_poll is not None:
            self._unsub_poll()
            self._unsub_poll = None
        for unsub in self._timers.values():
            unsub()
        self._timers.clear()
        resets = list(self._resets.values())
        for task in resets:
            # Only the wait ends: the power cycle itself is shielded, and PowerCycles'
            # shutdown switches its plug back on.
            task.cancel()
        await asyncio.gather(*resets, return_exceptions=True)
        for serial in list(self._waiters):
            self._notify(serial)
        if self._procedures:
            await self._store.async_save(self._stored())

    # ----- starting, stopping, waiting ------------------------------------------------------

    async def async_start(self, serial: str, duration: timedelta) -> Procedure:
        """Start a camera's re-add; join the one running, or resume one that timed out."""
        now = dt_util.utcnow()
        proc = self._procedures.get(serial)
        if proc is not None and proc.running:
            return proc
        if proc is not None and proc.phase is Phase.TIMEOUT:
            # Watch again from where it stopped: the snapshot still describes Home Assistant's
            # side as it was before the camera left.
            proc.phase, proc.ended_in, proc.ended_at = (
                proc.ended_in or Phase.REMOVE,
                None,
                None,
            )
            if proc.phase is Phase.RESET:
                _ask_to_reset(proc)  # its plug's cycle ended with the timeout
            proc.deadline, proc.watched_since = now + duration, now
        else:
            proc = self._new(serial, now, duration)
        self._procedures[serial] = proc
        self._keep(serial)
        self._schedule_deadline(proc)
        async_open_readd_issue(self.hass, self.entry, serial, proc.name)
        await self._store.async_save(self._stored())
        # The next poll comes within the re-add interval, not minutes later.
        self._update_pace()
        self._notify(serial)
        LOGGER.info("Watching the account while %s is re-added", proc.name)
        return proc

    def _new(self, serial: str, now: datetime, duration: timedelta) -> Procedure:
        """Begin a re-add of a camera that is on the account: snapshot it first."""
        health = self.coordinator.data
        camera = health.cameras.get(serial) if health is not None else None
        if health is None or camera is None:
            if health is not None and (sync := health.sync_modules.get(serial)):
                raise translated_error("readd_not_a_camera", device=sync.name)
            raise translated_error("device_not_on_account", serial=serial)
        return Procedure(
            serial=serial,
            name=camera.name,
            power=camera.power_source,
            started=now,
            deadline=now + duration,
            watched_since=now,
            snapshot=async_snapshot(self.hass, self.entry, serial),
            camera_id=camera.id,
            sync_module=_sync_name(health, camera),
        )

    async def async_cancel(self, serial: str) -> None:
        """Stop a running re-add; the camera's device is then no longer kept while it is away."""
        proc = self._procedures.get(serial)
        if proc is not None and proc.running:
            self._end(proc, Phase.CANCELLED, dt_util.utcnow())
            await self._store.async_save(self._stored())

    async def async_forget(self, serial: str) -> None:
        """Drop an ended re-add (one that timed out) and its issue."""
        proc = self._procedures.get(serial)
        if proc is not None and not proc.running:
            del self._procedures[serial]
            ir.async_delete_issue(self.hass, DOMAIN, f"{READD_PREFIX}{serial}")
            await self._store.async_save(self._stored())

    async def async_wait_change(self, serial: str, phase: Phase) -> None:
        """Return once the re-add has left `phase` (at once if it already has, or unloads)."""
        proc = self._procedures.get(serial)
        if self._stopped or proc is None or proc.phase is not phase:
            return
        waiter: asyncio.Future[None] = self.hass.loop.create_future()
        self._waiters.setdefault(serial, []).append(waiter)
        try:
            await waiter
        finally:
            waiters = self._waiters.get(serial, [])
            if waiter in waiters:
                waiters.remove(waiter)

    async def async_wait_end(self, serial: str) -> Procedure:
        """Wait until the re-add ends and return it; raise if the account unloads first."""
        while not self._stopped:
            proc = self._procedures[serial]
            if not proc.running:
                return proc
            await self.async_wait_change(serial, proc.phase)
        raise translated_error(
            "readd_interrupted",
            HomeAssistantError,
            device=self._procedures[serial].name,
        )

    # ----- watching the polls ---------------------------------------------------------------

    @callback
    def async_on_poll(self, health: AccountHealth) -> None:
        """Move each running re-add on by what this good poll shows; end those past deadline."""
        now = dt_util.utcnow()
        changed = False
        for proc in list(self._procedures.values()):
            if not proc.running:
                continue
            if self._advance(proc, health, now):
                changed = True
                self._notify(proc.serial)
            if proc.running and now >= proc.deadline:
                self._end(proc, Phase.TIMEOUT, now)
        if changed:
            self._save()

    def _advance(self, proc: Procedure, health: AccountHealth, now: datetime) -> bool:
        """Apply one poll to one re-add; return whether it changed."""
        camera = health.cameras.get(proc.serial)
        if camera is None:
            if proc.phase is Phase.REMOVE:
                proc.removed_at = now
                self._begin_reset(proc)
                return True
            if proc.phase is Phase.ONLINE:
                # Gone again before it reported online: removed once more in the app.
                proc.phase, proc.removed_at = Phase.ADD, now
                return True
            return False
        new_id = (
            camera.id is not None
            and proc.camera_id is not None
            and camera.id != proc.camera_id
        )
        if proc.phase is Phase.REMOVE and not new_id:
            return False  # still on the account under its old id
        changed = False
        if proc.phase is not Phase.ONLINE:
            # Back: seen gone earlier, or (added again between two polls) under a new id.
            proc.added_at = now
            changed = True
        seen = (camera.id, _sync_name(health, camera))
        if (proc.new_camera_id, proc.new_sync_module) != seen:
            proc.new_camera_id, proc.new_sync_module = seen
            changed = True
        if camera.online:
            self._finish(proc, health, camera, now)
            return True
        if proc.phase is not Phase.ONLINE:
            proc.phase = Phase.ONLINE
        return changed

    def _begin_reset(self, proc: Procedure) -> None:
        """Reset a camera that left the account through its plug, or leave it to the person."""
        if (
            proc.power is PowerSource.BATTERY
            or plug_for(self.entry, proc.serial) is None
        ):
            proc.phase, proc.reset = Phase.ADD, Reset.MANUAL
            return
        proc.phase = Phase.RESET
        serial = proc.serial
        # Owned here (not by Home Assistant's task tracking): it waits for the plug's
        # cycle, and shutdown cancels the wait.
        task = self.hass.loop.create_task(
            self._async_reset(proc), name=f"{DOMAIN} re-add reset {serial}"
        )
        self._resets[serial] = task
        task.add_done_callback(lambda _: self._resets.pop(serial, None))

    async def _async_reset(self, proc: Procedure) -> None:
        """Power-cycle the camera through its plug (off 10 s, on), then wait for it to be added."""
        reset, error = Reset.PLUG, None
        try:
            await self._reset(proc.serial)
        except HomeAssistantError as err:
            LOGGER.warning("%s could not be reset through its plug: %s", proc.name, err)
            reset, error = Reset.MANUAL, str(err)
        if self._procedures.get(proc.serial) is not proc:
            return  # pragma: no cover - replaced while its plug cycled
        proc.reset, proc.reset_error = reset, error
        if proc.phase is Phase.RESET:
            proc.phase = Phase.ADD
        self._save()
        self._notify(proc.serial)

    def _finish(
        self,
        proc: Procedure,
        health: AccountHealth,
        camera: CameraHealth,
        now: datetime,
    ) -> None:
        """Rebind a camera that is back and online: restore the snapshot, keep its health."""
        proc.online_at = now
        proc.entities = async_restore(self.hass, self.entry, proc.serial, proc.snapshot)
        proc.final = final_check(health, camera)
        LOGGER.info("%s is back on the account and online", proc.name)
        self._end(proc, Phase.DONE, now)

    def _end(self, proc: Procedure, phase: Phase, now: datetime) -> None:
        """End a re-add: release its device, stop its deadline, keep the issue only on timeout."""
        proc.ended_in = None if phase is Phase.DONE else proc.phase
        proc.phase, proc.ended_at = phase, now
        if (release := self._kept.pop(proc.serial, None)) is not None:
            release()
        if (unsub := self._timers.pop(proc.serial, None)) is not None:
            unsub()
        if phase is Phase.TIMEOUT:
            LOGGER.warning(
                "%s was not re-added in time (it stopped at: %s)",
                proc.name,
                proc.ended_in,
            )
        else:
            ir.async_delete_issue(self.hass, DOMAIN, f"{READD_PREFIX}{proc.serial}")
        self._save()
        self._update_pace()
        self._notify(proc.serial)
        # --- issue 20 (alerts): outage history and the logbook hear of the re-add's end. ---
        device = dr.async_get(self.hass).async_get_device_by_identifier(
            (DOMAIN, proc.serial), self.entry.entry_id
        )
        self.hass.bus.async_fire(
            EVENT_READD,
            {
                "entry_id": self.entry.entry_id,
                "device_id": device.id if device else None,
                "name": proc.name,
                "outcome": str(phase),
            },
        )

    def _schedule_deadline(self, proc: Procedure) -> None:
        """End the re-add at its deadline (a poll past it ends it too).

        Called only for a re-add that starts running: an ended one has no timer left.
        """
        serial = proc.serial

        @callback
        def _deadline(now: datetime) -> None:
            """Time is up: end the re-add with what was seen."""
            self._timers.pop(serial, None)
            if proc.running:
                self._end(proc, Phase.TIMEOUT, now)

        self._timers[serial] = async_track_point_in_utc_time(
            self.hass, _deadline, proc.deadline
        )

    # ----- claims on the coordinator ----------------------------------------------------------

    @callback
    def _keep(self, serial: str) -> None:
        """Keep the camera's device while it is away from the account."""
        if serial not in self._kept:
            self._kept[serial] = self.coordinator.async_keep_device(serial)

    @callback
    def _update_pace(self) -> None:
        """Poll at the re-add pace while any re-add is watched, at the usual pace otherwise."""
        if self.watching and self._release_pace is None:
            self._release_pace = self.coordinator.async_poll_faster(READD_POLL_INTERVAL)
        elif not self.watching and self._release_pace is not None:
            self._release_pace()
            self._release_pace = None

    # ----- bookkeeping ----------------------------------------------------------------------

    def _stored(self) -> _StoredData:
        """Return what is stored: re-adds that run, and those that timed out (their issue)."""
        return {
            "procedures": {
                serial: proc.as_stored()
                for serial, proc in self._procedures.items()
                if proc.running or proc.phase is Phase.TIMEOUT
            }
        }

    @callback
    def _save(self) -> None:
        """Store the re-adds now, from callbacks (the poll, the deadline); the last write wins."""
        self.entry.async_create_task(
            self.hass,
            self._store.async_save(self._stored()),
            f"{DOMAIN} store re-adds",
        )

    @callback
    def _notify(self, serial: str) -> None:
        """Wake whoever waits on the camera's re-add (its fix flow, the action)."""
        for waiter in self._waiters.pop(serial, []):
            if not waiter.done():
                waiter.set_result(None)
