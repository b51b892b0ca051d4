"""The packages the demo's Home Assistant imports, as its integrations' manifests pin them."""

from __future__ import annotations

from collections.abc import Iterable
import importlib.metadata
import json
from pathlib import Path

from . import DOMAIN, ROOT
from .onboarding import ONBOARDING_EXTRAS

# Integrations configuration.yaml sets up besides the ones Home Assistant always loads.
CONFIGURED = (
    "history",
    "logbook",
    "lovelace",
    "recorder",
    "rest",
    "rest_command",
    "template",
)


def _manifest_requirements(manifests: Path, domains: Iterable[str]) -> set[str]:
    """Return the requirements of the integrations under manifests and of their dependencies."""
    seen: set[str] = set()
    todo = list(domains)
    requirements: set[str] = set()
    while todo:
        name = todo.pop()
        if (
            name in seen
            or not (manifest := manifests / name / "manifest.json").exists()
        ):
            continue
        seen.add(name)
        data = json.loads(manifest.read_text())
        requirements.update(data.get("requirements", []))
        todo.extend(data.get("dependencies", []))
    return requirements


def required_packages() -> list[str]:
    """Return every package the demo's Home Assistant imports, as its manifests pin them.

    Home Assistant would pip-install these itself on its first start (it runs with --skip-pip
    here), so requirements_test.txt pins them and scripts/setup installs them up front.
    """
    from homeassistant import bootstrap  # noqa: PLC0415 - only the venv's Python has it

    core = _manifest_requirements(
        Path(bootstrap.__file__).parent / "components",
        (*sorted(bootstrap.DEFAULT_INTEGRATIONS), *CONFIGURED, *ONBOARDING_EXTRAS),
    )
    ours = _manifest_requirements(ROOT / "custom_components", (DOMAIN,))
    return sorted(core | ours, key=str.lower)


def missing_packages(requirements: Iterable[str]) -> list[str]:
    """Return the requirements whose exact version is not installed in this Python."""
    missing = []
    for requirement in requirements:
        name, _, version = requirement.partition("==")
        try:
            installed = importlib.metadata.version(name.split("[")[0])
        except importlib.metadata.PackageNotFoundError:
            missing.append(requirement)
            continue
        if version and installed != version:
            missing.append(requirement)
    return missing
