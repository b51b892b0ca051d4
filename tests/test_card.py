"""The Blink Health card: registered by the integration, its bundle current, its texts translated."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
import re
import shutil
import subprocess

from homeassistant.components.frontend import DATA_EXTRA_MODULE_URL
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.blink_health.frontend import BUNDLE

ROOT = Path(__file__).parents[1]
CARD = ROOT / "card"
STAMP = CARD / "bundle.sha256"
SETUP = ROOT / "scripts" / "setup"
URL = re.compile(r"^/blink_health/frontend/blink-health-card\.js\?v=[0-9a-f]{12}$")


def _sources_hash(card: Path) -> str:
    """Return the hash scripts/setup stamps: each source's sha256sum line, hashed in path order."""
    files = ["build.mjs", "package.json", "package-lock.json"] + [
        str(path.relative_to(card))
        for path in (card / "src").rglob("*")
        if path.is_file()
    ]
    lines = "".join(
        f"{hashlib.sha256((card / name).read_bytes()).hexdigest()}  {name}\n"
        for name in sorted(files, key=lambda name: name.encode())
    )
    return hashlib.sha256(lines.encode()).hexdigest()


def _stamp(path: Path) -> dict[str, str]:
    """Return the stamp's lines as {"sources": hash, "bundle": hash}."""
    return dict(line.split(" ", 1) for line in path.read_text().splitlines())


def test_committed_bundle_is_built_from_its_sources() -> None:
    """card/bundle.sha256 names the current sources and the committed bundle (else: rebuild)."""
    stamp = _stamp(STAMP)
    assert stamp["sources"] == _sources_hash(CARD), (
        "card/ changed since the bundle was built: run scripts/setup (or cd card && "
        "npm ci && npm run build) and commit the bundle and card/bundle.sha256"
    )
    assert stamp["bundle"] == hashlib.sha256(BUNDLE.read_bytes()).hexdigest()


def test_bundle_defines_the_card_for_the_picker() -> None:
    """The bundle defines the element and lists it in the card picker with a preview."""
    bundle = BUNDLE.read_text()
    assert '"blink-health-card"' in bundle
    assert "customCards" in bundle and "preview:!0" in bundle
    assert "getStubConfig" in bundle and "getConfigElement" in bundle
    assert len(bundle.encode()) < 60_000  # minified: Lit and the card, no source maps


@pytest.mark.skipif(shutil.which("node") is None, reason="no Node.js to run card/test/")
def test_card_model_in_node() -> None:
    """card/test/: the card finds, groups and narrows devices as the README says (node --test)."""
    result = subprocess.run(
        ["node", "--test", "test/"],
        cwd=CARD,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^# pass [1-9]", result.stdout, re.MULTILINE), result.stdout


def test_card_texts_are_translated() -> None:
    """Every card_ key the sources use is in en.json's common section, and no other is there."""
    strings = json.loads(
        (ROOT / "custom_components/blink_health/translations/en.json").read_text()
    )
    common = {key for key in strings["common"] if key.startswith("card_")}
    sources = "".join(path.read_text() for path in (CARD / "src").rglob("*.js"))
    used = set(re.findall(r"""["'`](card_[a-z0-9_]+)["'`]""", sources))
    # Keys built from a state or an entity key: card_count_<state>, card_<outage key>, options.
    used |= {
        f"card_count_{state}"
        for state in re.findall(r'"(problem|warning|blocked|waiting)"', sources)
    }
    used |= {f"card_{key}" for key in ("outages_24h", "last_outage", "availability_7d")}
    used |= {f"card_option_{name}" for name in re.findall(r'name: "([a-z]+)"', sources)}
    assert used == common


@pytest.fixture
async def frontend(hass: HomeAssistant) -> None:
    """Run Home Assistant's frontend (and http) first, as every Home Assistant does."""
    assert await async_setup_component(hass, "frontend", {})


def _card_urls(hass: HomeAssistant) -> list[str]:
    """Return the extra module URLs the frontend loads that are the card's."""
    return [
        url for url in hass.data[DATA_EXTRA_MODULE_URL].urls if "blink_health" in url
    ]


async def test_card_is_served_and_loaded_by_the_frontend(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    frontend: None,
    init_integration: ConfigEntry,
) -> None:
    """With the frontend running, the bundle answers at a versioned URL that every page loads."""
    [url] = _card_urls(hass)
    assert URL.match(url), url
    assert url.endswith(hashlib.sha256(BUNDLE.read_bytes()).hexdigest()[:12])
    client = await hass_client()
    response = await client.get(url)
    assert response.status == 200
    assert await response.read() == BUNDLE.read_bytes()
    assert "javascript" in response.headers["Content-Type"]
    # Once per Home Assistant: a reload of the entry adds no second copy.
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    assert _card_urls(hass) == [url]


async def test_no_frontend_no_card(
    hass: HomeAssistant, init_integration: ConfigEntry
) -> None:
    """Without a frontend (a stripped-down configuration) the integration works, no card."""
    assert "frontend" not in hass.config.components
    assert DATA_EXTRA_MODULE_URL not in hass.data
    assert init_integration.state is ConfigEntryState.LOADED
    assert hass.states.async_entity_ids("sensor")


def _run_build_card(root: Path, tools: Path) -> subprocess.CompletedProcess[str]:
    """Run scripts/setup's build_card on a checkout with only `tools` on PATH."""
    text = SETUP.read_text()
    functions = "".join(
        re.search(rf"^{name}\(\) \{{\n.*?^\}}\n", text, re.DOTALL | re.MULTILINE).group(
            0
        )  # type: ignore[union-attr]
        for name in ("card_sources_hash", "build_card")
    )
    script = "say() { printf '==> %s\\n' \"$*\" >&2; }\ndie() { exit 1; }\n" + functions
    return subprocess.run(
        ["/bin/bash", "-c", script + 'build_card "$1"', "bash", str(root)],
        capture_output=True,
        text=True,
        env={"PATH": str(tools)},
        check=False,
    )


def test_setup_without_node_keeps_a_current_bundle_quietly(tmp_path: Path) -> None:
    """No node/npm: an up-to-date bundle is left alone silently; a stale one is reported."""
    tools = tmp_path / "bin"
    tools.mkdir()
    for tool in ("sha256sum", "sed", "find", "sort", "cut"):
        (tools / tool).symlink_to(f"/usr/bin/{tool}")
    root = tmp_path / "checkout"
    shutil.copytree(CARD, root / "card", ignore=shutil.ignore_patterns("node_modules"))
    (root / BUNDLE.relative_to(ROOT)).parent.mkdir(parents=True)
    (root / BUNDLE.relative_to(ROOT)).write_bytes(BUNDLE.read_bytes())
    current = _run_build_card(root, tools)
    assert (current.returncode, current.stdout, current.stderr) == (0, "", "")
    (root / "card/src/model.js").write_text("// changed\n")
    stale = _run_build_card(root, tools)
    assert stale.returncode == 0
    assert "node and npm are missing" in stale.stderr
    assert "out of date" in stale.stderr
    assert (root / BUNDLE.relative_to(ROOT)).read_bytes() == BUNDLE.read_bytes()
    assert os.access(SETUP, os.X_OK)
