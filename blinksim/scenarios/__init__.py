"""Bundled scenario files (JSON) and the loader that finds them by name or path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class ScenarioError(ValueError):
    """A scenario file or a control request does not describe a valid world."""


SCENARIO_DIR = Path(__file__).parent


def available() -> list[str]:
    """Return the names of the bundled scenarios."""
    return sorted(path.stem for path in SCENARIO_DIR.glob("*.json"))


def load_scenario(name_or_path: str | Path) -> tuple[str, dict[str, Any]]:
    """Return (name, data) for a bundled scenario name or a path to a JSON file."""
    path = Path(name_or_path)
    if not path.suffix and not path.exists():
        path = SCENARIO_DIR / f"{name_or_path}.json"
        if not path.is_file():
            raise FileNotFoundError(
                f"no scenario {name_or_path!r}; bundled: {', '.join(available())}"
            )
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ScenarioError(f"{path}: a scenario is a JSON object")
    return str(data.get("name", path.stem)), data
