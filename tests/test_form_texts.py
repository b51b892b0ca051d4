"""The words of forms, progress screens and selectors read as a user would say them (issue 19)."""

from __future__ import annotations

import re

from .test_translations import EN

# Which fix-flow step shows each progress text (power/flow.py, readd/flow.py,
# repairs_plug_off.py).
PROGRESS_STEP = {"power_cycle": "power_cycle", "switch_on": "switch_on"}
READD_STEP = "readd_watch"


def test_every_progress_screen_has_a_title() -> None:
    """Without a step title the frontend shows "Repair issue" above a progress screen."""
    untitled = []
    for issue, text in EN["issues"].items():
        flow = text.get("fix_flow", {})
        for action in flow.get("progress", {}):
            step = PROGRESS_STEP.get(action, READD_STEP)
            if not flow["step"].get(step, {}).get("title"):
                untitled.append(f"{issue}.{step}")
    assert untitled == []
    titles = EN["issues"]["camera_offline"]["fix_flow"]["step"]["power_cycle"]
    assert titles["title"] == "Power-cycling {device}"


def test_selector_units_read_with_any_number() -> None:
    """A unit after the number reads for 1 as for 3: no bare plural ("1 bars")."""
    units = {
        f"{name}.{key}": unit
        for name, selector in EN["selector"].items()
        for key, unit in selector.get("unit_of_measurement", {}).items()
    }
    # A bare plural noun ("bars", "power cycles") reads wrong after 1.
    plural = {
        key: unit for key, unit in units.items() if re.fullmatch(r"[a-z ]*s", unit)
    }
    assert plural == {}
    assert units["signal_bars.bars"] == "of 5 bars"


def test_wording_fixed_in_issue_19() -> None:
    """The phrases the issue quotes are gone from every text."""
    texts = str(EN)
    for phrase in (
        "Give the re-add up",
        "steps {failed_steps}",
        "entry Blink Health read was deleted",
        "this account read was deleted",
        "Got None",
    ):
        assert phrase not in texts
