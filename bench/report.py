"""Turns measurements into the table (Markdown) and describes the machine they ran on."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import version
import os
from pathlib import Path
import platform
import statistics

from homeassistant.const import __version__ as HA_VERSION


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the table: a figure for Blink Health and for core, and their ratio."""

    measure: str
    scenario: str
    blink_health: str
    core: str
    ratio: str


def median(values: list[float] | list[int]) -> float:
    """Return the median (0 for no values)."""
    return float(statistics.median(values)) if values else 0.0


def p95(values: list[float]) -> float:
    """Return the 95th percentile (the largest value below 20 samples' resolution)."""
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def ratio(blink_health: float | None, core: float | None) -> str:
    """Return Blink Health / core as text, or n/a."""
    if blink_health is None or core is None or core == 0:
        return "n/a"
    value = blink_health / core
    return f"{value:.3f}" if value < 0.1 else f"{value:.2f}"


def fmt(value: float | None, digits: int = 1) -> str:
    """Format a figure (n/a for None; integers without decimals)."""
    if value is None:
        return "n/a"
    if float(value).is_integer() and digits <= 1:
        return f"{int(value):,}"
    return f"{value:,.{digits}f}"


def cpu_model() -> str:
    """Return the CPU model name from /proc/cpuinfo, else the platform's processor string."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def machine() -> dict[str, str]:
    """Describe the machine and the versions the figures come from."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {
        "CPU": cpu_model(),
        "Cores": f"{os.cpu_count()} ({usable} usable by this process)",
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "Home Assistant": HA_VERSION,
        "blinkpy": version("blinkpy"),
    }


def markdown_table(rows: list[Row]) -> str:
    """Render the rows as a Markdown table."""
    lines = [
        "| Measure | Scenario | Blink Health | HA core `blink` | Blink Health / core |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    lines.extend(
        f"| {r.measure} | {r.scenario} | {r.blink_health} | {r.core} | {r.ratio} |"
        for r in rows
    )
    return "\n".join(lines)


def text_table(rows: list[Row]) -> str:
    """Render the rows as aligned plain text for the terminal."""
    header = ("Measure", "Scenario", "Blink Health", "core blink", "BH/core")
    cells = [
        header,
        *((r.measure, r.scenario, r.blink_health, r.core, r.ratio) for r in rows),
    ]
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
    return "\n".join(
        "  ".join(c[i].ljust(widths[i]) for i in range(len(header))).rstrip()
        for c in cells
    )
