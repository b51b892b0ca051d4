"""quality_scale.yaml is valid, as hassfest reads it: every rule has a status, and reasons where due."""

from __future__ import annotations

from pathlib import Path

from homeassistant.util.yaml import load_yaml_dict

from custom_components import blink_health

STATUSES = frozenset({"done", "exempt", "todo"})


def test_quality_scale_is_valid() -> None:
    """Each rule is a status or a status with a comment; exempt and todo say why."""
    path = Path(blink_health.__file__).parent / "quality_scale.yaml"
    rules = load_yaml_dict(str(path))["rules"]
    assert len(rules) >= 50  # every rule of the bronze to platinum tiers
    for name, rule in rules.items():
        if isinstance(rule, str):
            assert rule == "done", name
            continue
        assert rule["status"] in STATUSES, name
        if rule["status"] != "done":
            assert rule.get("comment"), f"{name} needs a reason"
