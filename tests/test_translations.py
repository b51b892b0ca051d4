"""Every issue, fix-flow step, menu option, progress text and abort used in code has English text."""

from __future__ import annotations

import ast
from collections import defaultdict
import json
from pathlib import Path
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from custom_components.blink_health import repairs
from custom_components.blink_health.issues import DEVICE_KINDS, FIXABLE_KINDS
from custom_components.blink_health.playbook import MARKER_KINDS, FindingKind, StepId

from .power_helpers import FRONT_YARD
from .repairs_helpers import device_issue_id

PACKAGE = Path(repairs.__file__).parent
# The step groups the fix flows hold; the flows themselves are repairs*.py.
FLOW_MODULES = (PACKAGE / "power" / "flow.py", PACKAGE / "readd" / "flow.py")
EN: dict[str, Any] = json.loads(
    (PACKAGE / "translations" / "en.json").read_text(encoding="utf-8")
)


def _keys_of_classes() -> dict[str, dict[str, set[str]]]:
    """Walk the fix flows: per flow class, the steps, options, progress and aborts.

    A class gets its bases' keys and those of the step groups it holds (power/flow.py,
    readd/flow.py), since their steps are shown under the flow.
    """
    own: dict[str, dict[str, set[str]]] = {}
    parts: dict[str, set[str]] = {}
    for module in (*FLOW_MODULES, *sorted(PACKAGE.glob("repairs*.py"))):
        for node in ast.parse(module.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef):
                own[node.name], parts[node.name] = _keys_of_class(node)

    def merged(name: str) -> dict[str, set[str]]:
        """Return a class's keys with its bases' and step groups' keys."""
        result: dict[str, set[str]] = defaultdict(set)
        for part in parts.get(name, set()) & own.keys():
            for kind, values in merged(part).items():
                result[kind] |= values
        for kind, values in own[name].items():
            result[kind] |= values
        return result

    return {name: merged(name) for name in own}


def _keys_of_class(node: ast.ClassDef) -> tuple[dict[str, set[str]], set[str]]:
    """Return one class's own keys, and the names of its bases and the classes it builds."""
    keys: dict[str, set[str]] = defaultdict(set)
    parts = {b.id for b in node.bases if isinstance(b, ast.Name)}
    for call in ast.walk(node):
        if isinstance(call, ast.List):
            keys["options"].update(
                e.value
                for e in call.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            )
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name):
            parts.add(call.func.id)
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
            continue
        for keyword in call.keywords:
            if not isinstance(keyword.value, ast.Constant):
                continue
            value = keyword.value.value
            if keyword.arg == "reason":
                keys["abort"].add(value)
            elif keyword.arg == "progress_action":
                keys["progress"].add(value)
            elif keyword.arg == "step_id" and call.func.attr != "async_show_progress":
                keys["step"].add(value)
    return keys, parts


def test_walk_finds_keys() -> None:
    """The code walk sees what the flows use (so the checks below can fail)."""
    keys = _keys_of_classes()
    assert {"init", "still_offline", "pick_plug"} <= keys["OfflineRepairFlow"]["step"]
    battery = keys["BatteryOfflineRepairFlow"]["step"]
    assert {"battery", "still_offline_battery"} <= battery
    assert {"plug_not_on", "not_back"} <= keys["PlugOffRepairFlow"]["step"]
    assert "switch_on" in keys["PlugOffRepairFlow"]["progress"]
    assert "issue_ignored" in keys["CheckAgainRepairFlow"]["abort"]
    assert "power_cycle" in keys["TroubleshootRepairFlow"]["progress"]
    assert {"unplugged", "batteries_out"} <= keys["TroubleshootRepairFlow"]["options"]
    assert "restart_battery" in keys["TroubleshootRepairFlow"]["step"]
    # The re-add's steps reach both flows that show it (the step group's keys are merged).
    for flow in ("ReaddRepairFlow", "TroubleshootRepairFlow"):
        assert {"readd_remove", "readd_add_unplug"} <= keys[flow]["progress"]
        assert {"readd_done", "readd_timeout_online"} <= keys[flow]["step"]
        assert {"readd_refused", "readd_cancelled"} <= keys[flow]["abort"]
    assert "readd_start" in keys["TroubleshootRepairFlow"]["options"]
    assert {"readd_watch", "readd_cancel"} <= keys["ReaddRepairFlow"]["options"]


async def test_every_key_has_text(
    hass: HomeAssistant, init_integration: ConfigEntry
) -> None:
    """Walk the issues the code raises and the flows that fix them, against en.json."""
    issues = EN["issues"]
    classes = _keys_of_classes()
    missing: list[str] = []
    # Issues raised outside the playbook's findings: each has a fix flow for one device.
    flow_issues = ("readd", "troubleshoot")
    # Findings that only mark a device (another device is the cause, or it may only be
    # late) raise no issue.
    kinds = [str(kind) for kind in FindingKind if kind not in MARKER_KINDS]
    for key in [*kinds, *flow_issues]:
        text = issues.get(key)
        if text is None or "title" not in text:
            missing.append(f"issues.{key}.title")
            continue
        fixable = key in flow_issues or FindingKind(key) in FIXABLE_KINDS
        if not fixable:
            if "description" not in text:
                missing.append(f"issues.{key}.description")
            continue
        per_device = key in flow_issues or FindingKind(key) in DEVICE_KINDS
        issue_id = device_issue_id(hass, key, FRONT_YARD) if per_device else key
        flow = await repairs.async_create_fix_flow(
            hass,
            issue_id,
            {
                "entry_id": init_integration.entry_id,
                "device_id": device_issue_id(hass, key, FRONT_YARD).removeprefix(
                    f"{key}_"
                ),
            },
        )
        used = classes[type(flow).__name__]
        fix_flow = text.get("fix_flow", {})
        steps = fix_flow.get("step", {})
        if key == "troubleshoot":
            used["step"] |= {str(step) for step in StepId}
        abort = fix_flow.get("abort", {})
        progress = fix_flow.get("progress", {})
        menu_texts = set().union(
            *(step.get("menu_options", {}) for step in steps.values())
        )
        missing.extend(
            f"issues.{key}.fix_flow.step.{step}"
            for step in used["step"]
            if "title" not in steps.get(step, {})
        )
        missing.extend(
            f"issues.{key}.fix_flow.abort.{reason}"
            for reason in used["abort"] | {"entry_not_loaded"}
            if reason not in abort
        )
        missing.extend(
            f"issues.{key}.fix_flow.progress.{action}"
            for action in used["progress"]
            if action not in progress
        )
        missing.extend(
            f"issues.{key}.fix_flow menu option {option}"
            for option in used["options"]
            if option not in menu_texts
        )
    assert missing == []


def test_action_and_exceptions_have_text() -> None:
    """The diagnose action, its fields and the exceptions it raises are translated."""
    service = EN["services"]["diagnose"]
    assert {"name", "description"} <= service.keys()
    assert set(service["fields"]) == {"device_id", "open_troubleshooter"}
    source = (PACKAGE / "checkup.py").read_text(encoding="utf-8")
    keys = {
        node.value.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.keyword)
        and node.arg == "translation_key"
        and isinstance(node.value, ast.Constant)
    }
    assert keys
    assert keys <= set(EN["exceptions"])
    assert "diagnose" in EN["entity"]["button"]


def test_readd_action_and_errors_have_text() -> None:
    """The readd_camera action, its fields and the errors the readd package raises are translated."""
    service = EN["services"]["readd_camera"]
    assert {"name", "description"} <= service.keys()
    assert set(service["fields"]) == {"device_id", "timeout", "wait"}
    assert all({"name", "description"} <= f.keys() for f in service["fields"].values())
    trees = [
        ast.parse(module.read_text(encoding="utf-8"))
        for module in sorted((PACKAGE / "readd").glob("*.py"))
    ]
    raised = {
        node.args[0].value
        for tree in trees
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "translated_error"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }
    assert {"readd_interrupted", "readd_not_a_camera"} <= raised
    assert raised <= set(EN["exceptions"])
