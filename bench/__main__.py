"""`python -m bench`: Blink Health against Home Assistant core's `blink`, on simulated accounts.

scripts/bench runs this after scripts/setup; see docs/benchmarks.md for what each figure is.
"""

from __future__ import annotations

# The harness must be imported before the rest of Home Assistant (see bench.harness).
from . import harness  # isort: skip

import argparse
import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
import logging
from pathlib import Path
import sys

from homeassistant import runner

from .measure import (
    HALL_MINI,
    HOUR_SECONDS,
    POLLS_PER_DAY,
    AlertsRun,
    CostRun,
    DetectionRun,
    MemoryRun,
    PowerCycleRun,
    WorstHourRun,
    async_measure_alerts,
    async_measure_cost,
    async_measure_day,
    async_measure_detection,
    async_measure_idle,
    async_measure_memory,
    async_measure_power_cycle,
    async_measure_worst_hour,
)
from .report import Row, fmt, machine, markdown_table, median, p95, ratio, text_table

SCENARIOS = ("minimal", "demo", "large")
ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
LOOP_GOAL_MS = 5.0
REQUEST_RATIO_GOAL = 10.0


@dataclass(slots=True)
class Results:
    """Everything one bench run measured."""

    runs: int
    polls: int
    cost: dict[tuple[str, str], list[CostRun]] = field(default_factory=dict)
    day: dict[str, int] = field(default_factory=dict)
    idle_ms: list[float] = field(default_factory=list)
    memory: dict[str, MemoryRun] = field(default_factory=dict)
    detection: dict[str, list[DetectionRun]] = field(default_factory=dict)
    power_cycle: list[PowerCycleRun | None] = field(default_factory=list)
    worst_hour: WorstHourRun | None = None
    # Pairs of the same scripted outage and power cycle: (features active, polls only).
    alerts: list[tuple[AlertsRun, AlertsRun]] = field(default_factory=list)


def _say(message: str) -> None:
    """Print progress to stderr (stdout carries the table)."""
    print(message, file=sys.stderr, flush=True)


async def async_collect(
    scenarios: Sequence[str],
    runs: int,
    polls: int,
    *,
    memory_scenario: str | None = "large",
    detection: bool = True,
    worst_seconds: float | None = HOUR_SECONDS,
    alerts: bool = True,
) -> Results:
    """Run every measurement and return the raw figures."""
    results = Results(runs=runs, polls=polls)
    for scenario in scenarios:
        for integration in harness.INTEGRATIONS:
            _say(
                f"cost: {scenario} / {integration.label} ({runs} runs x {polls} polls)"
            )
            results.cost[scenario, integration.domain] = [
                await async_measure_cost(scenario, integration, polls)
                for _ in range(runs)
            ]
        _say(f"day: {scenario} / {harness.BLINK_HEALTH.label}")
        results.day[scenario] = await async_measure_day(scenario, harness.BLINK_HEALTH)
    results.idle_ms = await async_measure_idle(polls)
    if memory_scenario:
        for integration in harness.INTEGRATIONS:
            _say(f"memory: {memory_scenario} / {integration.label}")
            results.memory[integration.domain] = await async_measure_memory(
                memory_scenario, integration, 5
            )
    if detection:
        interval = harness.BLINK_HEALTH.interval
        phases = [interval * (i + 0.5) / runs for i in range(runs)]
        _say("detection: demo / Hall Mini unplugged")
        results.detection[harness.BLINK_HEALTH.domain] = [
            await async_measure_detection(harness.BLINK_HEALTH, phase)
            for phase in phases
        ]
        results.detection[harness.CORE_BLINK.domain] = [
            await async_measure_detection(harness.CORE_BLINK, interval / 2)
        ]
        _say("power cycle: demo / Hall Mini")
        results.power_cycle = [await async_measure_power_cycle() for _ in range(runs)]
    if alerts:
        _say(
            "alerts: demo / outages and a power cycle, with and without history and alerts"
        )
        results.alerts = [
            (
                await async_measure_alerts(active=True),
                await async_measure_alerts(active=False),
            )
            for _ in range(runs)
        ]
    if worst_seconds:
        _say("worst hour: demo / every door to a request, as often as it opens")
        results.worst_hour = await async_measure_worst_hour("demo", worst_seconds)
    return results


def _pooled(runs: list[CostRun], attr: str) -> list[float]:
    """Return one per-poll list gathered over every run."""
    return [float(v) for run in runs for v in getattr(run, attr)]


def build_rows(results: Results) -> list[Row]:
    """Turn the raw figures into table rows (medians over runs and polls)."""
    rows: list[Row] = []
    bh, core = harness.BLINK_HEALTH.domain, harness.CORE_BLINK.domain
    scenarios = list(dict.fromkeys(s for s, _ in results.cost))

    def add(
        measure: str, scenario: str, a: float | None, b: float | None, d: int = 1
    ) -> None:
        """Append a row with both figures and their ratio."""
        rows.append(Row(measure, scenario, fmt(a, d), fmt(b, d), ratio(a, b)))

    for scenario in scenarios:
        a, b = results.cost[scenario, bh], results.cost[scenario, core]
        add(
            "Entities",
            scenario,
            median([r.entities for r in a]),
            median([r.entities for r in b]),
        )
    for scenario in scenarios:
        a, b = results.cost[scenario, bh], results.cost[scenario, core]
        add(
            "Blink requests, setup (sign-in to first data)",
            scenario,
            median([r.setup_requests for r in a]),
            median([r.setup_requests for r in b]),
        )
    for scenario in scenarios:
        a, b = results.cost[scenario, bh], results.cost[scenario, core]
        add(
            "Blink requests per steady-state poll (median)",
            scenario,
            median(_pooled(a, "poll_requests")),
            median(_pooled(b, "poll_requests")),
        )
    for scenario in scenarios:
        b = results.cost[scenario, core]
        add(
            "Blink requests per day at 300 s",
            scenario,
            results.day.get(scenario),
            median(_pooled(b, "poll_requests")) * POLLS_PER_DAY,
        )
    for scenario in scenarios:
        a, b = results.cost[scenario, bh], results.cost[scenario, core]
        pa, pb = _pooled(a, "poll_loop_ms"), _pooled(b, "poll_loop_ms")
        add("Event-loop CPU per poll, median (ms)", scenario, median(pa), median(pb), 2)
        add("Event-loop CPU per poll, p95 (ms)", scenario, p95(pa), p95(pb), 2)
    for scenario in scenarios:
        a, b = results.cost[scenario, bh], results.cost[scenario, core]
        add(
            "Setup time to every entity having a state (s)",
            scenario,
            median([r.setup_seconds for r in a]),
            median([r.setup_seconds for r in b]),
            3,
        )
    for scenario in scenarios:
        a, b = results.cost[scenario, bh], results.cost[scenario, core]
        add(
            "Event-loop CPU during setup (ms)",
            scenario,
            median([r.setup_loop_ms for r in a]),
            median([r.setup_loop_ms for r in b]),
            1,
        )
    if results.memory:
        ma, mb = results.memory.get(bh), results.memory.get(core)
        scenario = next(iter(results.memory.values())).scenario
        add(
            "Peak traced memory added by the entry (KiB)",
            scenario,
            ma.peak_kib if ma else None,
            mb.peak_kib if mb else None,
            0,
        )
        add(
            "Traced memory still held after 5 polls (KiB)",
            scenario,
            ma.retained_kib if ma else None,
            mb.retained_kib if mb else None,
            0,
        )
    rows.extend(_detection_rows(results))
    rows.extend(_alerts_rows(results))
    if (worst := results.worst_hour) is not None:
        rows.append(
            Row(
                "Most Blink requests user actions can cause in one hour "
                f"({worst.actions}); most in a minute",
                worst.scenario,
                f"{worst.requests}; {worst.most_in_a_minute} (ceiling {worst.ceiling})",
                "n/a (core has no budget)",
                "n/a",
            )
        )
    return rows


def _detection_rows(results: Results) -> list[Row]:
    """Rows for the Hall Mini unplugged and power-cycled on `demo`."""
    bh_runs = results.detection.get(harness.BLINK_HEALTH.domain)
    core_runs = results.detection.get(harness.CORE_BLINK.domain)
    if not bh_runs:
        return []
    rows: list[Row] = []
    off = [r.online_off_seconds for r in bh_runs if r.online_off_seconds is not None]
    polls = [r.online_off_polls for r in bh_runs if r.online_off_polls is not None]
    issue = [r.issue_seconds for r in bh_runs if r.issue_seconds is not None]
    core_seen = [r.online_off_seconds for r in core_runs or [] if r.online_off_seconds]
    watched = core_runs[0].watched_seconds if core_runs else 0
    core_text = (
        fmt(median(core_seen))
        if core_seen
        else f"n/a: no entity of the device changed in {3 * harness.CORE_BLINK.interval:.0f} s"
    )
    rows.append(
        Row(
            "Unplugged → `online` off, s of HA time (median; max)",
            "demo",
            f"{fmt(median(off))}; {fmt(max(off))} ({fmt(median(polls))} poll)"
            if off
            else "not seen",
            core_text,
            "n/a",
        )
    )
    rows.append(
        Row(
            f"Unplugged → `camera_offline_{HALL_MINI}` issue, s (median)",
            "demo",
            fmt(median(issue)) if issue else f"not raised in {watched:.0f} s",
            "n/a (core raises no issues)",
            "n/a",
        )
    )
    cycles = [r for r in results.power_cycle if r is not None]
    if cycles:
        good = [r for r in cycles if r.online_again]
        text = (
            f"{fmt(median([r.seconds for r in good]))} (off {fmt(cycles[0].off_seconds)} s"
            f" + boot {fmt(cycles[0].boot_seconds)} s; {len(good)}/{len(cycles)} online_again;"
            f" {fmt(median([r.requests for r in cycles]))} requests)"
        )
    else:
        text = "n/a: blink_health.power_cycle not available"
    rows.append(
        Row(
            "`power_cycle` action → `online_again`, s of HA time",
            "demo",
            text,
            "n/a (core has no power cycle)",
            "n/a",
        )
    )
    return rows


def _alerts_difference(results: Results) -> list[int]:
    """Return, per run, the Blink requests the features added to the same outage script."""
    return [active.requests - baseline.requests for active, baseline in results.alerts]


def _alerts_rows(results: Results) -> list[Row]:
    """Return the row for issue 20's outage history, logbook and notifications on `demo`."""
    if not results.alerts:
        return []
    active = [a for a, _ in results.alerts]
    baseline = [b for _, b in results.alerts]
    added = _alerts_difference(results)
    first = active[0]
    text = (
        f"{fmt(median(added))} (max {max(added)}; {fmt(median([r.requests for r in active]))}"
        f" with them, {fmt(median([r.requests for r in baseline]))} without; meanwhile"
        f" {first.events} events worded, {first.notifications} notify calls,"
        f" {first.outages} outages and {first.power_cycles} power cycle recorded)"
    )
    return [
        Row(
            "Blink requests added by outage history, logbook and notifications "
            "(an outage and a power cycle)",
            "demo",
            text,
            "n/a (core has none)",
            "n/a",
        )
    ]


def goals(results: Results) -> list[str]:
    """Say, for each goal of issue 10, whether this run met it."""
    bh, core = harness.BLINK_HEALTH.domain, harness.CORE_BLINK.domain
    lines = []
    per_poll = {
        s: median(_pooled(results.cost[s, bh], "poll_requests"))
        for s, d in results.cost
        if d == bh
    }
    met = all(v == 1 for v in per_poll.values())
    lines.append(
        f"- 1 request per steady-state poll whatever the number of cameras: "
        f"{'met' if met else 'NOT met'} ({', '.join(f'{s} {fmt(v)}' for s, v in per_poll.items())})."
    )
    if ("demo", bh) in results.cost:
        a = median(_pooled(results.cost["demo", bh], "poll_requests"))
        b = median(_pooled(results.cost["demo", core], "poll_requests"))
        factor = b / a if a else 0.0
        lines.append(
            f"- At least {REQUEST_RATIO_GOAL:.0f}x fewer requests per poll than core on `demo`: "
            f"{'met' if factor >= REQUEST_RATIO_GOAL else 'NOT met'} ({factor:.0f}x)."
        )
    if (worst := results.worst_hour) is not None:
        lines.append(
            f"- The worst hour of user actions within the request budget "
            f"(governor.hourly_ceiling): {'met' if worst.requests <= worst.ceiling else 'NOT met'} "
            f"({worst.requests} of at most {worst.ceiling})."
        )
    if results.alerts:
        added = _alerts_difference(results)
        lines.append(
            "- Zero additional Blink requests for outage history, logbook and notifications "
            f"(issue 20): {'met' if not any(added) else 'NOT met'} "
            f"({', '.join(str(a) for a in added)} over {len(added)} runs)."
        )
    if ("large", bh) in results.cost:
        loop_ms = median(_pooled(results.cost["large", bh], "poll_loop_ms"))
        lines.append(
            f"- Under {LOOP_GOAL_MS:.0f} ms event-loop time per poll at 100 cameras: "
            f"{'met' if loop_ms < LOOP_GOAL_MS else 'NOT met'} (median {loop_ms:.1f} ms)."
        )
    return lines


def render_document(results: Results, rows: list[Row], command: str) -> str:
    """Return docs/benchmarks.md."""
    facts = "\n".join(f"| {k} | {v} |" for k, v in machine().items())
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    template = (ROOT / "bench" / "benchmarks.md.in").read_text(encoding="utf-8")
    return template.format(
        command=command,
        when=when,
        machine=facts,
        table=markdown_table(rows),
        goals="\n".join(goals(results)),
        runs=results.runs,
        polls=results.polls,
        idle=f"{median(results.idle_ms):.2f}",
    )


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__)
    parser.add_argument(
        "--runs", type=int, default=3, help="runs per figure (default 3)"
    )
    parser.add_argument(
        "--polls", type=int, default=30, help="measured polls per run (default 30)"
    )
    parser.add_argument(
        "--scenario",
        action="append",
        choices=SCENARIOS,
        help="scenario to measure (repeatable; default: all three)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DOC,
        help="Markdown file to write (default docs/benchmarks.md)",
    )
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    return parser.parse_args(argv)


async def async_main(argv: Sequence[str]) -> int:
    """Measure, print the table, write the document."""
    args = parse_args(argv)
    runner.configure_event_loop(asyncio.get_running_loop())
    scenarios = args.scenario or list(SCENARIOS)
    results = await async_collect(
        scenarios,
        args.runs,
        args.polls,
        memory_scenario="large" if "large" in scenarios else scenarios[-1],
    )
    rows = build_rows(results)
    print(text_table(rows))
    print("\n".join(goals(results)))
    if not args.no_write:
        command = " ".join(["scripts/bench", *argv])
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(
            render_document(results, rows, command), encoding="utf-8"
        )
        _say(f"wrote {args.output}")
    return 0


def main() -> int:
    """Run the benchmark; quiet Home Assistant's logs below errors."""
    logging.basicConfig(
        level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s"
    )
    # Core's camera platform looks for libturbojpeg (not installed here) and logs a traceback;
    # thumbnails are only resized on request, which the bench never makes.
    logging.getLogger("homeassistant.components.camera.img_util").addFilter(
        lambda _record: False
    )
    return asyncio.run(async_main(sys.argv[1:]))


if __name__ == "__main__":
    sys.exit(main())
