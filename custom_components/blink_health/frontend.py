"""The Blink Health card: served by the integration and loaded by every dashboard.

Once per Home Assistant (from `async_setup`): the bundle in `frontend/` is served under a URL
that carries its content hash (so browsers cache it until it changes) and added as an extra
module of the frontend, so `custom:blink-health-card` works without a dashboard resource or a
second HACS download. The bundle is built from `card/` (README, "The card's sources").
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from homeassistant.components.frontend import DATA_EXTRA_MODULE_URL, add_extra_js_url
from homeassistant.components.http import StaticPathConfig
from homeassistant.core import HomeAssistant

from .const import DOMAIN, LOGGER

BUNDLE = Path(__file__).parent / "frontend" / "blink-health-card.js"
URL_BASE = f"/{DOMAIN}/frontend"


def _bundle_version(path: Path) -> str:
    """Return a short hash of the bundle's content (blocking: read in the executor)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


async def async_register_card(hass: HomeAssistant) -> str | None:
    """Serve the card's bundle and load it on every dashboard; return its URL.

    Home Assistant always runs the frontend and http (they are default integrations, set up
    before custom ones; the manifest's after_dependencies orders them first). Without them
    (tests, a stripped-down configuration) there is nothing to register the card with.
    """
    if hass.http is None or DATA_EXTRA_MODULE_URL not in hass.data:
        LOGGER.debug("No frontend running: the Blink Health card is not registered")
        return None
    version = await hass.async_add_executor_job(_bundle_version, BUNDLE)
    await hass.http.async_register_static_paths(
        [StaticPathConfig(f"{URL_BASE}/{BUNDLE.name}", str(BUNDLE), cache_headers=True)]
    )
    url = f"{URL_BASE}/{BUNDLE.name}?v={version}"
    add_extra_js_url(hass, url)
    return url
