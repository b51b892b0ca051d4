"""The measurements: each starts its own Home Assistant and simulator and returns plain figures."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
from dataclasses import dataclass, field
from pathlib import Path
import shutil
import time
import tracemalloc
from typing import Any
from unittest.mock import patch

from homeassistant.components.logbook import LOGBOOK_ENTRY_MESSAGE, LOGBOOK_ENTRY_NAME
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import Event, HomeAssistant, ServiceCall, State, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    async_mock_service,
    setup_test_component_platform,
)

from custom_components.blink_health.const import (
    DEFAULT_SCAN_INTERVAL,
    DETAILS_PER_POLL,
    EVENT_POWER_CYCLE,
)
from custom_components.blink_health.governor import hourly_ceiling
from custom_components.blink_health.logbook import async_describe_events
from custom_components.blink_health.outages import OutageHistory

from .harness import (
    BLINK_HEALTH,
    CORE_BLINK,
    Integration,
    Rig,
    all_have_state,
    async_add_entry,
    entity_ids,
    rig,
    wall_clock,
)
from .plug import SimPlug

# The demo's Mini on a smart plug: what the detection and power-cycle figures unplug.
HALL_MINI = "G8T30000000001"
HALL_PLUG = "plug-hall-mini"
HALL_PLUG_ENTITY = "switch.hall_mini_plug"
HOMESCREEN = "GET /api/v3/accounts/{account_id}/homescreen"
# Time steps while watching for a change: fine enough to place it within a poll interval.
STEP_SECONDS = 5.0
# Polls per day at the default 300 s interval of both integrations.
POLLS_PER_DAY = 288
HOUR_SECONDS = 3600.0
# Attributes that change on their own (the camera platform rotates its access token).
VOLATILE_ATTRIBUTES = frozenset({"access_token", "entity_picture"})


@dataclass(slots=True)
class CostRun:
    """One setup followed by steady-state polls, for one integration on one scenario."""

    scenario: str
    integration: str
    entities: int
    setup_requests: int
    setup_seconds: float
    setup_loop_ms: float
    poll_requests: list[int] = field(default_factory=list)
    poll_loop_ms: list[float] = field(default_factory=list)


@dataclass(slots=True)
class MemoryRun:
    """Memory traced while an entry is set up and polls (KiB above the baseline before it)."""

    scenario: str
    integration: str
    peak_kib: float
    retained_kib: float


@dataclass(slots=True)
class DetectionRun:
    """Seconds of Home Assistant time from a plug switching off to what each integration shows.

    None: nothing showed it within the watch window.
    """

    integration: str
    phase_seconds: float
    online_off_seconds: float | None
    online_off_polls: int | None
    issue_seconds: float | None
    watched_seconds: float


@dataclass(slots=True)
class PowerCycleRun:
    """Seconds of Home Assistant time from the power_cycle action to its answer."""

    seconds: float
    online_again: bool | None
    off_seconds: float
    boot_seconds: float
    requests: int


def loop_cpu_ms() -> float:
    """Return the CPU time of the calling thread (Home Assistant's event loop), in ms."""
    return time.thread_time() * 1000


async def _async_poll(rig_: Rig, interval: float) -> tuple[int, float]:
    """Let one polling interval pass; return the Blink requests and the loop's CPU ms it cost.

    One second more than the interval: Home Assistant adds up to a second of jitter.
    """
    before = rig_.sim.requests()
    cpu = loop_cpu_ms()
    await rig_.advance(interval + 1)
    spent = loop_cpu_ms() - cpu
    return rig_.sim.requests() - before, spent


async def async_measure_cost(
    scenario: str, integration: Integration, polls: int, *, warmup: int = 1
) -> CostRun:
    """Set the integration up through its config flow, then measure `polls` steady-state polls."""
    async with rig(scenario) as rig_:
        hass = rig_.hass
        rig_.sim.reset_requests()
        started = wall_clock()
        cpu = loop_cpu_ms()
        entry = await async_add_entry(rig_, integration)
        # Setup ends when every entity has a state; the loop is idle by now, so it is final.
        if not all_have_state(hass, entry):
            raise RuntimeError(f"{integration.domain}: entities without a state")
        run = CostRun(
            scenario=scenario,
            integration=integration.domain,
            entities=len(entity_ids(hass, entry)),
            setup_requests=rig_.sim.requests(),
            setup_seconds=wall_clock() - started,
            setup_loop_ms=loop_cpu_ms() - cpu,
        )
        for _ in range(warmup):
            await _async_poll(rig_, integration.interval)
        for _ in range(polls):
            requests, spent = await _async_poll(rig_, integration.interval)
            run.poll_requests.append(requests)
            run.poll_loop_ms.append(spent)
        return run


async def async_measure_idle(polls: int) -> list[float]:
    """Return the loop CPU ms of letting 301 s pass in a Home Assistant with no Blink entry."""
    async with rig("minimal") as rig_:
        await rig_.advance(301)
        spent = []
        for _ in range(polls):
            cpu = loop_cpu_ms()
            await rig_.advance(301)
            spent.append(loop_cpu_ms() - cpu)
        return spent


async def async_measure_day(scenario: str, integration: Integration) -> int:
    """Return the Blink requests of a simulated day of polls after setup (details included)."""
    async with rig(scenario) as rig_:
        await async_add_entry(rig_, integration)
        rig_.sim.reset_requests()
        for _ in range(round(86400 / integration.interval)):
            await rig_.advance(integration.interval)
        return rig_.sim.requests()


async def async_measure_memory(
    scenario: str, integration: Integration, polls: int
) -> MemoryRun:
    """Trace memory from before the entry to after setup and `polls` polls.

    tracemalloc sees every thread, so the peak includes the simulator thread's short-lived
    request buffers; the world itself is built before the baseline.
    """
    async with rig(scenario) as rig_:
        started_here = not tracemalloc.is_tracing()
        if started_here:
            tracemalloc.start()
        try:
            baseline = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            await async_add_entry(rig_, integration)
            for _ in range(polls):
                await rig_.advance(integration.interval + 1)
            current, peak = tracemalloc.get_traced_memory()
        finally:
            if started_here:
                tracemalloc.stop()
        return MemoryRun(
            scenario=scenario,
            integration=integration.domain,
            peak_kib=(peak - baseline) / 1024,
            retained_kib=(current - baseline) / 1024,
        )


def _device_entities(hass: HomeAssistant, entry: ConfigEntry, serial: str) -> list[str]:
    """Return the enabled entity ids of the entry's device with this serial."""
    device = dr.async_get(hass).async_get_device_by_identifier(
        (entry.domain, serial), entry.entry_id
    )
    if device is None:
        return []
    return [
        e.entity_id
        for e in er.async_entries_for_device(er.async_get(hass), device.id)
        if e.disabled_by is None
    ]


def _snapshot(states: list[State | None]) -> list[tuple[str, dict[str, Any]] | None]:
    """Return the states and stable attributes of some entities, to see whether any changed."""
    return [
        None
        if s is None
        else (
            s.state,
            {k: v for k, v in s.attributes.items() if k not in VOLATILE_ATTRIBUTES},
        )
        for s in states
    ]


async def async_measure_detection(
    integration: Integration, phase_seconds: float, *, watch_seconds: float = 1800
) -> DetectionRun:
    """Unplug the demo's Hall Mini `phase_seconds` after a poll; time what the integration shows.

    Blink Health: its `online` binary sensor turning off, then the `camera_offline_{serial}`
    issue. Core `blink` has neither: any change of any entity of the Mini's device counts.
    """
    async with rig("demo") as rig_:
        hass = rig_.hass
        entry = await async_add_entry(rig_, integration)
        await rig_.advance(integration.interval + 1)
        elapsed = 0.0
        while elapsed < phase_seconds:
            await rig_.advance(min(STEP_SECONDS, phase_seconds - elapsed))
            elapsed += STEP_SECONDS
        online = er.async_get(hass).async_get_entity_id(
            "binary_sensor", BLINK_HEALTH.domain, f"{HALL_MINI}-online"
        )
        watched = _device_entities(hass, entry, HALL_MINI)
        before = _snapshot([hass.states.get(e) for e in watched])
        homescreens = rig_.sim.call(lambda: rig_.sim.server.requests[HOMESCREEN])
        rig_.sim.call(lambda: rig_.sim.server.world.set_plug(HALL_PLUG, False))
        issues = ir.async_get(hass)
        run = DetectionRun(
            integration=integration.domain,
            phase_seconds=phase_seconds,
            online_off_seconds=None,
            online_off_polls=None,
            issue_seconds=None,
            watched_seconds=watch_seconds,
        )
        seconds = 0.0
        while seconds < watch_seconds and run.issue_seconds is None:
            await rig_.advance(STEP_SECONDS)
            seconds += STEP_SECONDS
            if run.online_off_seconds is None:
                if integration is BLINK_HEALTH:
                    state = hass.states.get(online) if online else None
                    shown = state is not None and state.state == "off"
                else:
                    now = _snapshot([hass.states.get(e) for e in watched])
                    shown = now != before
                if shown:
                    run.online_off_seconds = seconds
                    run.online_off_polls = (
                        rig_.sim.call(lambda: rig_.sim.server.requests[HOMESCREEN])
                        - homescreens
                    )
                elif integration is CORE_BLINK and seconds >= 3 * integration.interval:
                    break  # core has no issue to wait for: three polls showed nothing
            if issues.async_get_issue(
                integration.domain, f"camera_offline_{HALL_MINI}"
            ):
                run.issue_seconds = seconds
        return run


async def async_measure_power_cycle(
    *, timeout_seconds: float = 600
) -> PowerCycleRun | None:
    """Time blink_health.power_cycle on the demo's Hall Mini, from the action to its answer.

    None when the action is not available (power.py not present) or no plug can be mapped.
    """
    async with rig("demo") as rig_:
        hass = rig_.hass
        entry = await async_add_entry(rig_, BLINK_HEALTH)
        if not hass.services.has_service(BLINK_HEALTH.domain, "power_cycle"):
            return None
        plug = SimPlug(rig_.sim, HALL_PLUG, HALL_PLUG_ENTITY)
        setup_test_component_platform(hass, "switch", [plug])
        await async_setup_component(hass, "switch", {"switch": {"platform": "test"}})
        await hass.async_block_till_done()
        if not await _async_map_plug(hass, entry.entry_id, HALL_MINI, HALL_PLUG_ENTITY):
            return None
        await rig_.advance(BLINK_HEALTH.interval + 1)
        device = dr.async_get(hass).async_get_device_by_identifier(
            (BLINK_HEALTH.domain, HALL_MINI), entry.entry_id
        )
        if device is None:  # pragma: no cover - the demo always has it
            return None
        boot = rig_.sim.call(
            lambda: rig_.sim.server.world.plugs[HALL_PLUG].boot_seconds
        )
        before = rig_.sim.requests()
        # An untracked task: advance() waits for Home Assistant's tasks, and this one waits
        # for time to move on.
        call = asyncio.create_task(
            hass.services.async_call(
                BLINK_HEALTH.domain,
                "power_cycle",
                {"device_id": device.id},
                blocking=True,
                return_response=True,
            )
        )
        seconds = 0.0
        while not call.done() and seconds < timeout_seconds:
            await rig_.advance(1.0)
            for _ in range(5):
                await asyncio.sleep(0)
            seconds += 1.0
        if not call.done():
            call.cancel()
            return PowerCycleRun(
                seconds, None, 0.0, float(boot), rig_.sim.requests() - before
            )
        response: Any = call.result() or {}
        return PowerCycleRun(
            seconds=seconds,
            online_again=response.get("online_again"),
            off_seconds=float(response.get("off_seconds", 0.0)),
            boot_seconds=float(boot),
            requests=rig_.sim.requests() - before,
        )


async def _async_map_plug(
    hass: HomeAssistant, entry_id: str, serial: str, plug: str
) -> bool:
    """Map the device to the plug through the options flow's plugs step, if there is one."""
    options = hass.config_entries.options
    result = await options.async_init(entry_id)
    if "plugs" not in (result.get("menu_options") or ()):
        options.async_abort(result["flow_id"])
        return False
    result = await options.async_configure(result["flow_id"], {"next_step_id": "plugs"})
    # Choose the device, then give its plug (the Smart plugs pages).
    result = await options.async_configure(result["flow_id"], {"device": serial})
    if result.get("step_id") != "plug":
        options.async_abort(result["flow_id"])
        return False
    result = await options.async_configure(result["flow_id"], {"plug": plug})
    await hass.async_block_till_done(wait_background_tasks=True)
    return str(result.get("type")) == "create_entry"


@dataclass(slots=True)
class WorstHourRun:
    """The most requests a sequence of user actions made Blink Health send in one hour."""

    scenario: str
    actions: str
    requests: int
    most_in_a_minute: int
    ceiling: int


# What the worst hour does: the polling (no user option: Blink Health's 5 minutes), every
# on-demand door as often as Home Assistant lets a user knock (diagnose on each device in
# turn, options saves).
WORST_INTERVAL = DEFAULT_SCAN_INTERVAL.total_seconds()
WORST_DIAGNOSE_EVERY = 2.0
WORST_SAVE_EVERY = 300.0


async def async_measure_worst_hour(
    scenario: str = "demo", seconds: float = HOUR_SECONDS
) -> WorstHourRun:
    """Poll as Blink Health does, diagnose a device every 2 s, save the options every 5 min.

    Every door to a Blink request a user has: the polling interval, the diagnose action (each
    device in turn, so each brings its details), and reloads. Counted by the simulator over
    `seconds` (an hour; the smoke test runs a few minutes).
    """
    async with rig(scenario) as rig_:
        hass = rig_.hass
        entry = await async_add_entry(rig_, BLINK_HEALTH)
        devices = [
            device.id
            for device in dr.async_entries_for_config_entry(
                dr.async_get(hass), entry.entry_id
            )
            if (BLINK_HEALTH.domain, str(entry.unique_id)) not in device.identifiers
        ]
        rig_.sim.reset_requests()
        minutes: list[int] = []
        elapsed = 0.0
        minute_start = 0
        while elapsed < seconds:
            target = devices[int(elapsed / WORST_DIAGNOSE_EVERY) % len(devices)]
            # A device that left the account is refused without a request.
            with contextlib.suppress(HomeAssistantError):
                await hass.services.async_call(
                    BLINK_HEALTH.domain,
                    "diagnose",
                    {"device_id": target},
                    blocking=True,
                    return_response=True,
                )
            if elapsed % WORST_SAVE_EVERY == 0:
                await _async_save_options(hass, entry.entry_id)
            await rig_.advance(WORST_DIAGNOSE_EVERY)
            elapsed += WORST_DIAGNOSE_EVERY
            if elapsed % 60 == 0:
                sent = rig_.sim.requests()
                minutes.append(sent - minute_start)
                minute_start = sent
        return WorstHourRun(
            scenario=scenario,
            actions=(
                f"polling every {WORST_INTERVAL:.0f} s, diagnose every "
                f"{WORST_DIAGNOSE_EVERY:.0f} s, options saved every "
                f"{WORST_SAVE_EVERY / 60:.0f} min"
            ),
            requests=rig_.sim.requests(),
            most_in_a_minute=max(minutes),
            ceiling=hourly_ceiling(WORST_INTERVAL, DETAILS_PER_POLL),
        )


async def _async_save_options(hass: HomeAssistant, entry_id: str) -> None:
    """Save the options' settings page as it is (the entry reloads)."""
    options = hass.config_entries.options
    result = await options.async_init(entry_id)
    result = await options.async_configure(
        result["flow_id"], {"next_step_id": "settings"}
    )
    await options.async_configure(result["flow_id"], {})
    await hass.async_block_till_done(wait_background_tasks=True)


@dataclass(slots=True)
class AlertsRun:
    """Blink requests of one scripted outage and power cycle, with or without issue 20's features.

    `active`: the outage history follows the polls and events, the notify blueprint runs for
    every device and the logbook words every event; without: the polls alone.
    """

    active: bool
    requests: int
    events: int = 0
    sentences: list[str] = field(default_factory=list)
    notifications: int = 0
    outages: int = 0
    power_cycles: int = 0


# The scripted outage: the Garage Sync Module offline for 30 minutes (past the 10 minutes' grace:
# its issue, its offline and online events, its notification), then the hung Hall Mini
# power-cycled (through the notification's button when the blueprint runs).
GARAGE_SYNC = "G8T10000000002"
ALERT_STEADY_POLLS = 2
ALERT_OFFLINE_POLLS = 6
ALERT_BACK_POLLS = 3
NOTIFY_BLUEPRINT = "blink_health/notify_device_problem.yaml"
BLUEPRINTS = Path(__file__).resolve().parent.parent / "blueprints" / "automation"
NOTIFY_SERVICE = "mobile_app_bench"


async def _async_no_history(_history: OutageHistory) -> None:
    """Stand in for OutageHistory.async_setup: no stored history, no poll or event listener."""


async def _async_notify_blueprint(
    hass: HomeAssistant, entry: ConfigEntry
) -> list[ServiceCall]:
    """Use the notify blueprint for every Health sensor of the entry; return the notify calls."""
    calls: list[ServiceCall] = async_mock_service(hass, "notify", NOTIFY_SERVICE)
    target = Path(hass.config.config_dir) / "blueprints" / "automation" / "blink_health"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(BLUEPRINTS / NOTIFY_BLUEPRINT, target)
    sensors = [
        e.entity_id
        for e in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        if e.unique_id.endswith("-health") and e.domain == "sensor"
    ]
    config = {
        "id": "bench_notify",
        "use_blueprint": {
            "path": NOTIFY_BLUEPRINT,
            "input": {
                "health_sensors": sensors,
                "problem_minutes": 5,
                "notify_action": f"notify.{NOTIFY_SERVICE}",
            },
        },
    }
    if not await async_setup_component(hass, "automation", {"automation": config}):
        raise RuntimeError("the notify blueprint was refused")
    await hass.async_block_till_done()
    return calls


def _follow_logbook(hass: HomeAssistant, run: AlertsRun) -> None:
    """Word every Blink Health event as the logbook would (logbook.py's describers)."""
    describers: dict[str, Callable[[Any], dict[str, str]]] = {}

    def register(
        _domain: str, event_type: str, describe: Callable[[Any], dict[str, str]]
    ) -> None:
        """Keep one event type's describer."""
        describers[event_type] = describe

    async_describe_events(hass, register)

    @callback
    def on_event(event: Event) -> None:
        """Count the event and keep its sentence."""
        run.events += 1
        entry = describers[str(event.event_type)](event)
        run.sentences.append(
            f"{entry[LOGBOOK_ENTRY_NAME]} {entry[LOGBOOK_ENTRY_MESSAGE]}"
        )

    for event_type in describers:
        hass.bus.async_listen(event_type, on_event)


async def async_measure_alerts(
    *, active: bool, timeout_seconds: float = 600
) -> AlertsRun:
    """Script an outage and a power cycle on `demo`; count Blink requests from the first poll on.

    The same world changes at the same moments with and without the features: any request
    they made would be the difference between the two runs.
    """
    with contextlib.ExitStack() as stack:
        if not active:
            stack.enter_context(
                patch.object(OutageHistory, "async_setup", _async_no_history)
            )
        async with rig("demo") as rig_:
            hass = rig_.hass
            entry = await async_add_entry(rig_, BLINK_HEALTH)
            plug = SimPlug(rig_.sim, HALL_PLUG, HALL_PLUG_ENTITY)
            setup_test_component_platform(hass, "switch", [plug])
            await async_setup_component(
                hass, "switch", {"switch": {"platform": "test"}}
            )
            await hass.async_block_till_done()
            if not await _async_map_plug(
                hass, entry.entry_id, HALL_MINI, HALL_PLUG_ENTITY
            ):
                raise RuntimeError("the Hall Mini's plug could not be set")
            run = AlertsRun(active=active, requests=0)
            calls: list[ServiceCall] = []
            if active:
                calls = await _async_notify_blueprint(hass, entry)
                _follow_logbook(hass, run)
            cycled: list[Event] = []
            hass.bus.async_listen(EVENT_POWER_CYCLE, cycled.append)
            interval = BLINK_HEALTH.interval + 1
            await rig_.advance(interval)
            rig_.sim.reset_requests()
            world = rig_.sim.server.world
            for _ in range(ALERT_STEADY_POLLS):
                await rig_.advance(interval)
            rig_.sim.call(
                lambda: world.patch_device(GARAGE_SYNC, {"status": "offline"})
            )
            rig_.sim.call(lambda: world.patch_device(HALL_MINI, {"hung": True}))
            for _ in range(ALERT_OFFLINE_POLLS):
                await rig_.advance(interval)
            rig_.sim.call(lambda: world.patch_device(GARAGE_SYNC, {"status": "online"}))
            for _ in range(ALERT_BACK_POLLS):
                await rig_.advance(interval)
            health = _entity_id(hass, "sensor", f"{HALL_MINI}-health")
            if active:
                # The notification's Power-cycle button, as the Companion app reports it.
                hass.bus.async_fire(
                    "mobile_app_notification_action",
                    {"action": f"BLINK_HEALTH_POWER_CYCLE|{health}"},
                )
            else:
                await hass.services.async_call(
                    "button",
                    "press",
                    {
                        "entity_id": _entity_id(
                            hass, "button", f"{HALL_MINI}-power_cycle"
                        )
                    },
                    blocking=True,
                )
            # The cycle is its own task (it sleeps and waits for polls): time moves in 1 s
            # steps until it has told how it ended.
            seconds = 0.0
            while not cycled and seconds < timeout_seconds:
                await rig_.advance(1.0)
                seconds += 1.0
            if not cycled:
                raise RuntimeError("the Hall Mini's power cycle did not end")
            for _ in range(ALERT_STEADY_POLLS):
                await rig_.advance(interval)
            run.requests = rig_.sim.requests()
            run.notifications = len(calls)
            history = entry.runtime_data.outages
            run.outages = sum(
                len(record.outages) for record in history.devices.values()
            )
            run.power_cycles = history.power_cycles_7d()
            return run


def _entity_id(hass: HomeAssistant, domain: str, unique_id: str) -> str:
    """Return the Blink Health entity id of a unique id (the harness knows the demo has it)."""
    entity_id = er.async_get(hass).async_get_entity_id(
        domain, BLINK_HEALTH.domain, unique_id
    )
    if entity_id is None:
        raise RuntimeError(f"no {domain} {unique_id}")
    return entity_id
