"""Smoke test of the benchmark harness (scripts/bench): structure only, never a figure."""

from __future__ import annotations

import pytest

from bench.__main__ import async_collect, build_rows, goals, render_document
from bench.measure import CostRun
from bench.report import markdown_table, text_table


@pytest.mark.usefixtures("socket_enabled")
async def test_bench_measures_both_integrations_on_minimal() -> None:
    """Every measurement runs on `minimal` and yields counts and timings of the right kinds."""
    # The worst hour for five minutes: the same actions, a twelfth of the time.
    results = await async_collect(
        ["minimal"], runs=1, polls=2, memory_scenario="minimal", worst_seconds=300
    )

    for domain in ("blink_health", "blink"):
        (run,) = results.cost["minimal", domain]
        assert isinstance(run, CostRun)
        assert isinstance(run.setup_requests, int) and run.setup_requests > 0
        assert isinstance(run.entities, int) and run.entities > 0
        assert len(run.poll_requests) == 2
        assert all(isinstance(n, int) for n in run.poll_requests)
        assert all(isinstance(ms, float) for ms in run.poll_loop_ms)
        assert results.memory[domain].scenario == "minimal"
    assert isinstance(results.day["minimal"], int)
    assert set(results.detection) == {"blink_health", "blink"}
    assert len(results.power_cycle) == 1
    worst = results.worst_hour
    assert worst is not None
    assert isinstance(worst.requests, int) and worst.requests > 0
    assert isinstance(worst.ceiling, int) and worst.ceiling > 0
    ((active, baseline),) = results.alerts
    assert (active.active, baseline.active) == (True, False)
    assert isinstance(active.requests, int) and active.requests > 0
    assert active.events > 0 and active.sentences and active.power_cycles == 1
    assert (baseline.events, baseline.power_cycles) == (0, 0)  # the features were off

    rows = build_rows(results)
    measures = {row.measure for row in rows}
    assert "Blink requests per steady-state poll (median)" in measures
    assert "Event-loop CPU per poll, median (ms)" in measures
    assert any(row.measure.startswith("`power_cycle`") for row in rows)
    assert any(row.measure.startswith("Most Blink requests") for row in rows)
    assert any(row.measure.startswith("Blink requests added by outage") for row in rows)
    assert any("Zero additional Blink requests" in line for line in goals(results))
    assert any("request budget" in line for line in goals(results))
    assert markdown_table(rows).count("\n") == len(rows) + 1
    assert text_table(rows).count("\n") == len(rows)
    assert goals(results)[0].startswith("- 1 request per steady-state poll")
    document = render_document(results, rows, "scripts/bench --scenario minimal")
    assert "scripts/bench --scenario minimal" in document
    assert "| Home Assistant |" in document
