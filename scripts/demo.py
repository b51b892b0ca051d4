"""The Blink Health demo: blinksim plus a Home Assistant with Blink Health set up (scripts/develop, tests/browser)."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Iterable, Mapping
import contextlib
from dataclasses import dataclass, field
import importlib.metadata
import json
import os
from pathlib import Path
import secrets
import shutil
import signal
import subprocess
import sys
import time
from types import FrameType
from typing import Any
import urllib.error
import urllib.parse
import urllib.request

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = "blink_health"
HOST = "127.0.0.1"
# What the repository tracks in config/; everything else there is runtime state (--reset removes it).
TRACKED = frozenset({"configuration.yaml", "dashboards"})
LOGIN_FILE = "demo_login.json"
OPTIONS_FILE = "demo_options.json"
USERNAME = "demo"
# The demo's story: the Hall Mini has hung. It is on a smart plug, so its repair issue can
# power-cycle it back; the Workshop camera (battery, no plug) stays offline.
HUNG_DEVICE = "G8T30000000001"
# Options → settings: the internet sensors Blink Health compares with Blink's requirements, and
# no offline grace, so the hung Mini's issue is there at once (battery cameras keep their own 30
# minutes). Polling stays Blink Health's 5 minutes (no user option); "check again" and the
# diagnose button fetch fresh data sooner.
SETTINGS = {
    "download_sensor": "sensor.internet_download_speed",
    "offline_grace_minutes": 0,
    "ping_sensor": "sensor.internet_ping",
}
# The switch configuration.yaml defines for each of the simulator's plugs.
PLUG_SWITCHES = {
    "plug-garage-sync": "switch.garage_sync_module_plug",
    "plug-hall-mini": "switch.hall_mini_plug",
}
# What onboarding sets up on its own that reaches out to the internet; the demo stays offline.
ONBOARDING_EXTRAS = frozenset(
    {"google_translate", "met", "radio_browser", "shopping_list"}
)
# Integrations configuration.yaml sets up besides the ones Home Assistant always loads.
CONFIGURED = ("lovelace", "rest", "rest_command", "template")
# How long onboarding's own integrations may take to appear before the demo stops waiting.
EXTRAS_TIMEOUT = 30.0


def say(message: str) -> None:
    """Print a progress line the way scripts/setup does; a closed terminal stops nothing."""
    with contextlib.suppress(OSError):
        print(f"==> {message}", flush=True)


class DemoError(Exception):
    """The demo could not be brought up; the message says why and what to look at."""


class HTTPFailed(DemoError):
    """Home Assistant or the simulator answered a request with an error status."""

    def __init__(self, status: int, message: str) -> None:
        """Keep the status for callers that expect some (404 once onboarded)."""
        super().__init__(message)
        self.status = status


def _http(
    method: str,
    url: str,
    body: Mapping[str, Any] | None = None,
    *,
    token: str | None = None,
    form: bool = False,
    timeout: float = 30,
) -> Any:
    """Send one request to Home Assistant or the simulator and return the decoded JSON."""
    headers = {}
    data = None
    if body is not None:
        if form:
            data = urllib.parse.urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - loopback URLs only
            raw = response.read()
    except urllib.error.HTTPError as err:
        path = urllib.parse.urlsplit(url).path
        raise HTTPFailed(
            err.code, f"{method} {path} answered {err.code}: {err.read()[:300]!r}"
        ) from err
    return json.loads(raw) if raw else None


def _reachable(url: str) -> bool:
    """Return whether a GET of url answers 2xx."""
    try:
        with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - loopback URLs only
            return True
    except OSError:
        return False


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


def prepare_config(config_dir: Path, port: int) -> bool:
    """Fill a config folder from the repository's YAML; return whether it was set up before.

    Home Assistant keeps its port in storage after the first start (the http YAML section is
    deprecated), so a later --port is written there before it starts.
    """
    config_dir.mkdir(parents=True, exist_ok=True)
    if config_dir != ROOT / "config":
        for name in sorted(TRACKED):
            source, target = ROOT / "config" / name, config_dir / name
            if not target.exists():
                if source.is_dir():
                    shutil.copytree(source, target)
                else:
                    shutil.copy2(source, target)
    links = {
        config_dir / "custom_components" / DOMAIN: ROOT / "custom_components" / DOMAIN,
        config_dir / "blueprints" / "automation" / DOMAIN: ROOT
        / "blueprints"
        / "automation"
        / DOMAIN,
    }
    for link, target in links.items():
        if link.is_symlink() or link.exists():
            continue
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(os.path.relpath(target, link.parent))
    http = config_dir / ".storage" / "http"
    if not http.exists():
        return (config_dir / ".storage").exists()
    stored = json.loads(http.read_text())
    stable = stored["data"].get("stable") or {}
    if stable.get("server_port") != port:
        stable["server_port"] = port
        stored["data"]["stable"] = stable
        http.write_text(json.dumps(stored, indent=2))
    return True


def reset(config_dir: Path) -> None:
    """Remove Home Assistant's runtime state from config_dir, keeping the tracked YAML."""
    for item in config_dir.iterdir():
        if item.name in TRACKED:
            continue
        if item.is_dir() and not item.is_symlink():
            shutil.rmtree(item)
        else:
            item.unlink()


@dataclass
class Demo:
    """The two processes and Home Assistant's setup through its public HTTP APIs."""

    config_dir: Path
    ha_port: int = 8123
    sim_port: int = 8089
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    token: str = ""

    @property
    def url(self) -> str:
        """Return Home Assistant's base URL."""
        return f"http://{HOST}:{self.ha_port}"

    @property
    def sim_url(self) -> str:
        """Return the simulator's base URL."""
        return f"http://{HOST}:{self.sim_port}"

    @property
    def client_id(self) -> str:
        """Return the OAuth client id Home Assistant's auth expects (the frontend's URL)."""
        return f"{self.url}/"

    # Processes

    def start(self, *, first_start: bool, timeout: float = 600) -> None:
        """Start the simulator and Home Assistant and wait until both answer."""
        env = {
            **os.environ,
            "BLINK_HEALTH_CLOUD_URL": self.sim_url,
            # Home Assistant's port on its first start; prepare_config() keeps it for later ones.
            "SETUP_PORT": str(self.ha_port),
            "BLINK_DEMO_STATE_URL": f"{self.sim_url}/_sim/state",
            "BLINK_DEMO_PLUG_URL": self.sim_url + "/_sim/plugs/{{ plug_id }}",
        }
        for name, port in (
            ("the simulator", self.sim_port),
            ("Home Assistant", self.ha_port),
        ):
            if _reachable(f"http://{HOST}:{port}/"):
                raise DemoError(
                    f"port {port} (for {name}) is already in use; choose others with "
                    "--port and --sim-port"
                )
        self.processes["blinksim"] = self._spawn(
            [
                *("-m", "blinksim", "--scenario", "demo"),
                *("--host", HOST, "--port", str(self.sim_port)),
            ],
            "blinksim.log",
            env,
        )
        self._wait("the simulator", (f"{self.sim_url}/_sim/state",), 30)
        _http("POST", f"{self.sim_url}/_sim/devices/{HUNG_DEVICE}", {"hung": True})
        say(
            f"Simulator (demo scenario) at {self.sim_url}: 9 Blink devices, the Hall Mini has hung"
        )
        # --skip-pip: everything it needs is pinned in requirements_test.txt (scripts/setup);
        # nothing is installed behind the user's back while the page stays dark.
        self.processes["hass"] = self._spawn(
            ["-m", "homeassistant", "-c", str(self.config_dir), "--skip-pip"],
            "hass.out",
            env,
        )
        log = self.config_dir / "home-assistant.log"
        if first_start:
            say(
                "First start of Home Assistant: it creates its storage in "
                f"{self.config_dir} and sets up its frontend and default integrations "
                f"(seconds to a minute; log: {log})"
            )
        else:
            say(f"Starting Home Assistant (log: {log})")
        # Both answer without a login once the frontend is set up: the first before onboarding,
        # the second after it.
        self._wait(
            "Home Assistant",
            (f"{self.url}/api/onboarding", f"{self.url}/auth/providers"),
            timeout,
        )

    def _spawn(
        self, args: list[str], log_name: str, env: Mapping[str, str]
    ) -> subprocess.Popen[bytes]:
        """Start a Python child in its own session (Ctrl-C reaches only this script)."""
        with (self.config_dir / log_name).open("wb") as log:
            return subprocess.Popen(
                [sys.executable, *args],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def _wait(self, name: str, urls: tuple[str, ...], timeout: float) -> None:
        """Poll until one of urls answers, a process exits or timeout passes; report progress."""
        started = time.monotonic()
        last_note = started
        while not any(_reachable(url) for url in urls):
            for proc_name, process in self.processes.items():
                if process.poll() is not None:
                    raise DemoError(
                        f"{proc_name} exited with status {process.returncode} while starting; "
                        f"see {self.config_dir}/hass.out and {self.config_dir}/blinksim.log"
                    )
            now = time.monotonic()
            if now - started > timeout:
                raise DemoError(
                    f"{name} did not answer at {' or '.join(urls)} within {timeout:.0f} s"
                )
            if now - last_note >= 10:
                last_note = now
                say(
                    f"  still waiting for {name} ({now - started:.0f} s): {self._last_log_line()}"
                )
            time.sleep(0.5)

    def _last_log_line(self) -> str:
        """Return the last line Home Assistant logged (what it is busy with), shortened."""
        for name in ("home-assistant.log", "hass.out"):
            path = self.config_dir / name
            if path.exists() and (
                lines := path.read_text(errors="replace").splitlines()
            ):
                return lines[-1][:160]
        return "starting up"

    def stop(self, timeout: float = 60) -> dict[str, int]:
        """Stop Home Assistant, then the simulator (SIGTERM, SIGKILL after timeout); return exit codes."""
        codes: dict[str, int] = {}
        for name in ("hass", "blinksim"):
            if (process := self.processes.get(name)) is None:
                continue
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
            try:
                codes[name] = process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                codes[name] = process.wait()
        self.processes.clear()
        return codes

    # Home Assistant setup, through the same HTTP APIs the frontend uses

    def login_file(self) -> Path:
        """Return the file that keeps the demo user's password between runs (git-ignored)."""
        return self.config_dir / LOGIN_FILE

    def password(self) -> str:
        """Return the demo user's password, making one up on the first run."""
        path = self.login_file()
        if path.exists():
            return str(json.loads(path.read_text())["password"])
        password = secrets.token_urlsafe(9)
        path.write_text(json.dumps({"username": USERNAME, "password": password}) + "\n")
        path.chmod(0o600)
        return password

    def set_up(self) -> None:
        """Onboard (first run) or log in, then make sure Blink Health is set up and configured."""
        try:
            steps = {
                step["step"]: step["done"]
                for step in _http("GET", f"{self.url}/api/onboarding")
            }
        except HTTPFailed as err:
            if err.status != 404:
                raise
            steps = {}  # Home Assistant no longer serves the onboarding API once it is done.
        if steps and not steps.get("user"):
            say(f"First run: onboarding Home Assistant (user '{USERNAME}')")
            self.token = self._onboard()
        else:
            self.token = self._log_in()
        onboarded_now = bool(steps) and not steps.get("core_config")
        if steps:
            self._finish_onboarding(steps)
        self._remove_onboarding_extras(wait=onboarded_now)
        entry_id = self._ensure_entry()
        self._wait_loaded(entry_id)
        self._ensure_options(entry_id)

    def _onboard(self) -> str:
        """Create the demo user; return an access token."""
        result = _http(
            "POST",
            f"{self.url}/api/onboarding/users",
            {
                "client_id": self.client_id,
                "name": "Demo",
                "username": USERNAME,
                "password": self.password(),
                "language": "en",
            },
        )
        return self._token(result["auth_code"])

    def _finish_onboarding(self, steps: Mapping[str, bool]) -> None:
        """Complete the onboarding steps still open (core config, analytics, integrations)."""
        if not steps.get("core_config"):
            _http(
                "POST", f"{self.url}/api/onboarding/core_config", {}, token=self.token
            )
        if not steps.get("analytics"):
            _http("POST", f"{self.url}/api/onboarding/analytics", {}, token=self.token)
        if not steps.get("integration"):
            _http(
                "POST",
                f"{self.url}/api/onboarding/integration",
                {
                    "client_id": self.client_id,
                    "redirect_uri": f"{self.url}/?auth_callback=1",
                },
                token=self.token,
            )

    def _token(self, code: str) -> str:
        """Exchange an authorization code for an access token."""
        result = _http(
            "POST",
            f"{self.url}/auth/token",
            {
                "grant_type": "authorization_code",
                "code": code,
                "client_id": self.client_id,
            },
            form=True,
        )
        return str(result["access_token"])

    def _log_in(self) -> str:
        """Log in as the demo user through Home Assistant's login flow; return an access token."""
        flow = _http(
            "POST",
            f"{self.url}/auth/login_flow",
            {
                "client_id": self.client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": f"{self.url}/?auth_callback=1",
            },
        )
        result = _http(
            "POST",
            f"{self.url}/auth/login_flow/{flow['flow_id']}",
            {
                "username": USERNAME,
                "password": self.password(),
                "client_id": self.client_id,
            },
        )
        if result.get("type") != "create_entry":
            raise DemoError(
                f"could not log in as '{USERNAME}' with the password in {self.login_file()}; "
                "run scripts/develop --reset to start fresh"
            )
        return self._token(result["result"])

    def sim_account(self) -> dict[str, Any]:
        """Return the simulated Blink account (email, password, PIN) from the control API."""
        return dict(_http("GET", f"{self.sim_url}/_sim/state")["account"])

    def _entries(self, domain: str | None = DOMAIN) -> list[dict[str, Any]]:
        """Return the config entries of a domain (all of them for None)."""
        query = f"?domain={domain}" if domain else ""
        return list(
            _http(
                "GET",
                f"{self.url}/api/config/config_entries/entry{query}",
                token=self.token,
            )
        )

    def _run_flow(self, base: str, flow: dict[str, Any]) -> dict[str, Any]:
        """Answer Blink Health's sign-in steps (credentials, then the 2FA PIN) until the flow ends."""
        account = self.sim_account()
        credentials = {"username": account["email"], "password": account["password"]}
        answers = {
            "user": credentials,
            "reauth_confirm": credentials,
            "2fa": {"pin": account["pin"]},
        }
        for _ in range(5):
            if flow["type"] != "form":
                return flow
            if flow.get("errors"):
                raise DemoError(f"Blink Health's sign-in refused: {flow['errors']}")
            flow = _http(
                "POST",
                f"{base}/{flow['flow_id']}",
                answers[flow["step_id"]],
                token=self.token,
            )
        raise DemoError("Blink Health's sign-in did not finish")

    def _ws(self, message: dict[str, Any]) -> Any:
        """Send one command over Home Assistant's websocket API and return its result."""

        async def run() -> Any:
            async with (
                aiohttp.ClientSession() as session,
                session.ws_connect(f"{self.url}/api/websocket") as ws,
            ):
                await ws.receive_json()  # auth_required
                await ws.send_json({"type": "auth", "access_token": self.token})
                if (await ws.receive_json())["type"] != "auth_ok":
                    raise DemoError("Home Assistant refused the demo's websocket login")
                await ws.send_json({"id": 1, **message})
                reply = await ws.receive_json()
                if not reply.get("success"):
                    raise DemoError(f"{message['type']} failed: {reply.get('error')}")
                return reply["result"]

        return asyncio.run(run())

    def _remove_onboarding_extras(self, *, wait: bool) -> None:
        """Delete the entries onboarding adds that need the internet (weather, radio, TTS).

        Onboarding creates them in background tasks after its core_config step: on that run,
        wait until each has appeared; later runs only sweep up what an interrupted run left.
        """
        removed: set[str] = set()
        deadline = time.monotonic() + (EXTRAS_TIMEOUT if wait else 0)
        while True:
            for entry in self._entries(None):
                if entry["domain"] in ONBOARDING_EXTRAS:
                    _http(
                        "DELETE",
                        f"{self.url}/api/config/config_entries/entry/{entry['entry_id']}",
                        token=self.token,
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

    def _ensure_entry(self) -> str:
        """Add Blink Health through the config flow, or finish its reauth; return the entry id."""
        base = f"{self.url}/api/config/config_entries/flow"
        if not (entries := self._entries()):
            say("Adding Blink Health (the simulator's demo account, with its 2FA PIN)")
            flow = _http("POST", base, {"handler": DOMAIN}, token=self.token)
            result = self._run_flow(base, flow)
            if result["type"] != "create_entry":
                raise DemoError(f"Blink Health's config flow ended with {result}")
            return str(result["result"]["entry_id"])
        # The simulator starts afresh on every run, so the stored tokens are unknown to it and
        # Blink Health asks to sign in again: answer that the way a person would.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self._entries()[0]["state"] == "loaded":
                break
            for flow in self._ws({"type": "config_entries/flow/progress"}):
                if (
                    flow["handler"] == DOMAIN
                    and flow["context"].get("source") == "reauth"
                ):
                    say("Signing Blink Health in to the fresh simulator again (reauth)")
                    self._run_flow(
                        base,
                        _http("GET", f"{base}/{flow['flow_id']}", token=self.token),
                    )
            time.sleep(1)
        return str(entries[0]["entry_id"])

    def _wait_loaded(self, entry_id: str, timeout: float = 120) -> None:
        """Wait until the entry is loaded (its devices exist)."""
        deadline = time.monotonic() + timeout
        while True:
            entry = next(e for e in self._entries() if e["entry_id"] == entry_id)
            if entry["state"] == "loaded":
                return
            if time.monotonic() > deadline:
                raise DemoError(f"Blink Health did not load: {entry['state']}")
            time.sleep(1)

    def _options_step(
        self, entry_id: str, step: str
    ) -> tuple[str, dict[str, Any]] | None:
        """Open the options flow on the given menu step; None when the menu lacks it."""
        base = f"{self.url}/api/config/config_entries/options/flow"
        flow = _http("POST", base, {"handler": entry_id}, token=self.token)
        if flow["type"] == "menu":
            if step not in flow["menu_options"]:
                return None
            flow = _http(
                "POST",
                f"{base}/{flow['flow_id']}",
                {"next_step_id": step},
                token=self.token,
            )
        if flow.get("step_id") != step:
            return None
        return f"{base}/{flow['flow_id']}", flow

    def _ensure_options(self, entry_id: str) -> None:
        """Point Blink Health at the demo's internet sensors and map the plugs (once)."""
        state = self._options_state()
        if not state.get("settings_done") and (
            opened := self._options_step(entry_id, "settings")
        ):
            url, form = opened
            answer = {**_defaults(form), **SETTINGS}
            result = _http("POST", url, answer, token=self.token)
            if result["type"] != "create_entry":
                raise DemoError(
                    f"Blink Health's settings refused: {result.get('errors')}"
                )
            say(
                "Options: the demo's download-speed and ping sensors are compared with "
                "Blink's needs; no offline grace period"
            )
            state["settings_done"] = True
            self._wait_loaded(entry_id)
        if not state.get("plugs_done") and (
            opened := self._options_step(entry_id, "plugs")
        ):
            # One pass of the Smart plugs page per device: choose it, then give its switch.
            answers = self.plug_answers(opened[1])
            for index, (serial, switch) in enumerate(answers.items()):
                if index and not (opened := self._options_step(entry_id, "plugs")):
                    raise DemoError("Blink Health's smart plug options went away")
                url, _ = opened
                form = _http("POST", url, {"device": serial}, token=self.token)
                result = _http(
                    "POST", url, {**_defaults(form), "plug": switch}, token=self.token
                )
                if result["type"] != "create_entry":
                    raise DemoError(
                        f"Blink Health's smart plug options refused: {result.get('errors')}"
                    )
                self._wait_loaded(entry_id)
            say(
                "Options: the demo's plug switches feed the Garage Sync Module and the Hall Mini"
            )
            state["plugs_done"] = True
        (self.config_dir / OPTIONS_FILE).write_text(json.dumps(state) + "\n")

    def plug_answers(self, form: Mapping[str, Any]) -> dict[str, str]:
        """Return serial → switch for each device the plugs step offers that a demo plug feeds."""
        plugs = _http("GET", f"{self.sim_url}/_sim/state")["plugs"]
        offered = [
            option["value"]
            for field_ in form["data_schema"]
            if field_["name"] == "device"
            for option in field_["selector"]["select"]["options"]
        ]
        return {
            serial: PLUG_SWITCHES[plug_id]
            for serial in offered
            for plug_id, plug in plugs.items()
            if serial in plug["devices"] and plug_id in PLUG_SWITCHES
        }

    def _options_state(self) -> dict[str, Any]:
        """Return which option pages the demo has already filled in on an earlier run."""
        path = self.config_dir / OPTIONS_FILE
        return dict(json.loads(path.read_text())) if path.exists() else {}

    def wait_dashboard(self, timeout: float = 60) -> None:
        """Wait until the dashboard's YAML is served (the frontend can show it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if _reachable(f"{self.url}/blink-health/0"):
                return
            time.sleep(0.5)
        raise DemoError("the dashboard did not answer")


def _defaults(form: Mapping[str, Any]) -> dict[str, Any]:
    """Return a form's current values: its suggested values, else its defaults."""
    answer: dict[str, Any] = {}
    for field_ in form["data_schema"]:
        suggested = (field_.get("description") or {}).get("suggested_value")
        if suggested is not None:
            answer[field_["name"]] = suggested
        elif "default" in field_:
            answer[field_["name"]] = field_["default"]
    return answer


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """Turn SIGTERM (a test's teardown, a service manager) into the same path as Ctrl-C."""
    raise KeyboardInterrupt


def _parser() -> argparse.ArgumentParser:
    """Return the command line of scripts/develop."""
    parser = argparse.ArgumentParser(
        prog="scripts/develop",
        description="Run blinksim (demo scenario) and Home Assistant with Blink Health set up.",
    )
    parser.add_argument(
        "--reset", action="store_true", help="start from a fresh Home Assistant"
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=ROOT / "config",
        help="config folder (default: config/; another one is filled from it)",
    )
    parser.add_argument(
        "--port", type=int, default=8123, help="Home Assistant's port (8123)"
    )
    parser.add_argument(
        "--sim-port", type=int, default=8089, help="the simulator's port (8089)"
    )
    parser.add_argument(
        "--background",
        action="store_true",
        help="print one line 'READY {json}' when set up (for tests), then keep running",
    )
    return parser


def _ready_text(demo: Demo, login: Mapping[str, str], elapsed: float) -> str:
    """Return what a person reads once the demo is up."""
    url = f"http://localhost:{demo.ha_port}"
    plug = f"{demo.sim_url}/_sim/plugs/plug-garage-sync"
    return (
        f"\nBlink Health demo ready in {elapsed:.0f} s\n"
        f"  open:      {url}/blink-health\n"
        f"  login:     {login['username']} / {login['password']}\n"
        "  try:       Settings → Repairs → “Hall Mini is offline” → Power-cycle it\n"
        f"  simulator: {demo.sim_url}/_sim/state  (to switch the Garage Sync Module's plug off:\n"
        f"             curl -X POST -d '{{\"on\": false}}' {plug})\n"
        f"  logs:      {demo.config_dir / 'home-assistant.log'}\n"
        "Ctrl-C stops both; a re-run keeps this state; --reset starts fresh."
    )


def main(argv: list[str] | None = None) -> int:
    """Run the demo until Ctrl-C (or SIGTERM); with --background print a READY line for tests."""
    args = _parser().parse_args(argv)
    config_dir: Path = args.config.resolve()
    if missing := missing_packages(required_packages()):
        print(
            "scripts/develop: Home Assistant needs packages that are not installed: "
            f"{', '.join(missing)}. Pin them in requirements_test.txt and run scripts/setup.",
            file=sys.stderr,
        )
        return 1
    if args.reset and config_dir.exists():
        say(f"--reset: removing Home Assistant's state from {config_dir}")
        reset(config_dir)
    first_start = not prepare_config(config_dir, args.port)
    demo = Demo(config_dir, ha_port=args.port, sim_port=args.sim_port)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        return _run(demo, first_start=first_start, background=args.background)
    except KeyboardInterrupt:
        say("Stopping Home Assistant and the simulator")
        return 0
    except (DemoError, OSError) as err:
        with contextlib.suppress(OSError):
            print(f"scripts/develop: {err}", file=sys.stderr)
        return 1
    finally:
        # Whatever ended the run (even a closed terminal), both processes are stopped.
        _stop(demo)


def _run(demo: Demo, *, first_start: bool, background: bool) -> int:
    """Bring the demo up, say how to use it, and wait until a process or the test ends."""
    parent = os.getppid()
    started = time.monotonic()
    demo.start(first_start=first_start)
    say(
        f"Home Assistant answers after {time.monotonic() - started:.0f} s; setting it up"
    )
    demo.set_up()
    demo.wait_dashboard()
    elapsed = time.monotonic() - started
    login = {"username": USERNAME, "password": demo.password()}
    if background:
        ready = {
            "url": demo.url,
            "sim_url": demo.sim_url,
            "config": str(demo.config_dir),
            **login,
            "seconds": round(elapsed, 1),
            "pids": {name: p.pid for name, p in demo.processes.items()},
        }
        print("READY " + json.dumps(ready), flush=True)
    else:
        print(_ready_text(demo, login, elapsed), flush=True)
    # A test that dies without its teardown must not leave the demo running (ppid → 1).
    while all(p.poll() is None for p in demo.processes.values()) and (
        not background or os.getppid() == parent
    ):
        time.sleep(0.5)
    stopped = [name for name, p in demo.processes.items() if p.poll() is not None]
    say(
        f"{', '.join(stopped) or 'the test'} stopped; stopping the demo "
        f"(see {demo.config_dir}/hass.out and {demo.config_dir}/blinksim.log)"
    )
    return 1


def _stop(demo: Demo) -> None:
    """Stop both processes, ignoring further Ctrl-C meanwhile; report how they ended."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if codes := demo.stop():
        say(
            "Stopped: "
            + ", ".join(f"{name} (exit {code})" for name, code in codes.items())
        )


if __name__ == "__main__":
    sys.exit(main())
