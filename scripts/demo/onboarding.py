"""Home Assistant's onboarding and the demo user's login, through the HTTP APIs the frontend uses."""

from __future__ import annotations

from collections.abc import Mapping
import json
from pathlib import Path
import secrets
import time

from . import DemoError, say
from .client import Client, HTTPFailed

LOGIN_FILE = "demo_login.json"
USERNAME = "demo"
# What onboarding sets up on its own that reaches out to the internet; the demo stays offline.
ONBOARDING_EXTRAS = frozenset(
    {"google_translate", "met", "radio_browser", "shopping_list"}
)
# How long onboarding's own integrations may take to appear before the demo stops waiting.
EXTRAS_TIMEOUT = 30.0


def login_file(config_dir: Path) -> Path:
    """Return the file that keeps the demo user's password between runs (git-ignored)."""
    return config_dir / LOGIN_FILE


def password(config_dir: Path) -> str:
    """Return the demo user's password, making one up on the first run."""
    path = login_file(config_dir)
    if path.exists():
        return str(json.loads(path.read_text())["password"])
    password = secrets.token_urlsafe(9)
    path.write_text(json.dumps({"username": USERNAME, "password": password}) + "\n")
    path.chmod(0o600)
    return password


def sign_in(ha: Client, config_dir: Path) -> None:
    """Onboard (first run) or log in, leaving ha with a token and no internet-bound extras."""
    try:
        steps = {
            step["step"]: step["done"] for step in ha.request("GET", "/api/onboarding")
        }
    except HTTPFailed as err:
        if err.status != 404:
            raise
        steps = {}  # Home Assistant no longer serves the onboarding API once it is done.
    if steps and not steps.get("user"):
        say(f"First run: onboarding Home Assistant (user '{USERNAME}')")
        ha.token = _onboard(ha, config_dir)
    else:
        ha.token = _log_in(ha, config_dir)
    onboarded_now = bool(steps) and not steps.get("core_config")
    if steps:
        _finish_onboarding(ha, steps)
    _remove_onboarding_extras(ha, wait=onboarded_now)


def _client_id(ha: Client) -> str:
    """Return the OAuth client id Home Assistant's auth expects (the frontend's URL)."""
    return f"{ha.url}/"


def _onboard(ha: Client, config_dir: Path) -> str:
    """Create the demo user; return an access token."""
    result = ha.request(
        "POST",
        "/api/onboarding/users",
        {
            "client_id": _client_id(ha),
            "name": "Demo",
            "username": USERNAME,
            "password": password(config_dir),
            "language": "en",
        },
    )
    return _token(ha, result["auth_code"])


def _finish_onboarding(ha: Client, steps: Mapping[str, bool]) -> None:
    """Complete the onboarding steps still open (core config, analytics, integrations)."""
    if not steps.get("core_config"):
        ha.request("POST", "/api/onboarding/core_config", {})
    if not steps.get("analytics"):
        ha.request("POST", "/api/onboarding/analytics", {})
    if not steps.get("integration"):
        ha.request(
            "POST",
            "/api/onboarding/integration",
            {
                "client_id": _client_id(ha),
                "redirect_uri": f"{ha.url}/?auth_callback=1",
            },
        )


def _token(ha: Client, code: str) -> str:
    """Exchange an authorization code for an access token."""
    result = ha.request(
        "POST",
        "/auth/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": _client_id(ha),
        },
        form=True,
    )
    return str(result["access_token"])


def _log_in(ha: Client, config_dir: Path) -> str:
    """Log in as the demo user through Home Assistant's login flow; return an access token."""
    flow = ha.request(
        "POST",
        "/auth/login_flow",
        {
            "client_id": _client_id(ha),
            "handler": ["homeassistant", None],
            "redirect_uri": f"{ha.url}/?auth_callback=1",
        },
    )
    result = ha.request(
        "POST",
        f"/auth/login_flow/{flow['flow_id']}",
        {
            "username": USERNAME,
            "password": password(config_dir),
            "client_id": _client_id(ha),
        },
    )
    if result.get("type") != "create_entry":
        raise DemoError(
            f"could not log in as '{USERNAME}' with the password in {login_file(config_dir)}; "
            "run scripts/develop --reset to start fresh"
        )
    return _token(ha, result["result"])


def _remove_onboarding_extras(ha: Client, *, wait: bool) -> None:
    """Delete the entries onboarding adds that need the internet (weather, radio, TTS).

    Onboarding creates them in background tasks after its core_config step: on that run,
    wait until each has appeared; later runs only sweep up what an interrupted run left.
    """
    removed: set[str] = set()
    deadline = time.monotonic() + (EXTRAS_TIMEOUT if wait else 0)
    while True:
        for entry in ha.entries(None):
            if entry["domain"] in ONBOARDING_EXTRAS:
                ha.request(
                    "DELETE", f"/api/config/config_entries/entry/{entry['entry_id']}"
                )
                removed.add(entry["domain"])
        if removed >= ONBOARDING_EXTRAS or time.monotonic() >= deadline:
            break
        time.sleep(0.5)
    if removed:
        say(
            "Removed what onboarding adds that needs the internet: "
            + ", ".join(sorted(removed))
        )
