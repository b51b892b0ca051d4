"""quality_scale.yaml is valid, as hassfest reads it: every rule has a status, and reasons where due."""

from __future__ import annotations

from pathlib import Path
import re

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


def test_every_rule_names_its_proof() -> None:
    """Each rule has a comment, and every test it names exists (a renamed test fails here)."""
    tests = Path(__file__).parent
    path = Path(blink_health.__file__).parent / "quality_scale.yaml"
    rules = load_yaml_dict(str(path))["rules"]
    named = 0
    for name, rule in rules.items():
        assert isinstance(rule, dict), f"{name} needs a comment naming its proof"
        comment = rule["comment"]
        current: Path | None = None
        for match in re.finditer(r"(?:tests/)?(test_\w+\.py)|::(test_\w+)", comment):
            if match.group(1):
                current = tests / match.group(1)
                assert current.exists(), f"{name}: {current.name} does not exist"
                named += 1
            else:
                assert current is not None, f"{name}: ::{match.group(2)} names no file"
                assert re.search(
                    rf"^(?:async )?def {match.group(2)}\(",
                    current.read_text(encoding="utf-8"),
                    re.MULTILINE,
                ), f"{name}: {current.name} has no {match.group(2)}"
    assert named >= 30
