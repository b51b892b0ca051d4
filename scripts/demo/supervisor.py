"""The demo's two processes, blinksim and Home Assistant: their config folder, start, wait and stop."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
import json
import os
from pathlib import Path
import shutil
import signal
import subprocess
import sys
import time

from . import DOMAIN, HOST, ROOT, DemoError, say
from .client import http, reachable

# What the repository tracks in config/; everything else there is runtime state (--reset removes it).
TRACKED = frozenset({"configuration.yaml", "dashboards"})
# The demo's story: the Hall Mini has hung. It is on a smart plug, so its repair issue can
# power-cycle it back; the Workshop camera (battery, no plug) stays offline.
HUNG_DEVICE = "G8T30000000001"


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
    http_store = config_dir / ".storage" / "http"
    if not http_store.exists():
        return (config_dir / ".storage").exists()
    stored = json.loads(http_store.read_text())
    stable = stored["data"].get("stable") or {}
    if stable.get("server_port") != port:
        stable["server_port"] = port
        stored["data"]["stable"] = stable
        http_store.write_text(json.dumps(stored, indent=2))
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
class Supervisor:
    """The simulator and Home Assistant as child processes of this script."""

    config_dir: Path
    ha_port: int = 8123
    sim_port: int = 8089
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """Return Home Assistant's base URL."""
        return f"http://{HOST}:{self.ha_port}"

    @property
    def sim_url(self) -> str:
        """Return the simulator's base URL."""
        return f"http://{HOST}:{self.sim_port}"

    def start(self, *, first_start: bool) -> None:
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
            if reachable(f"http://{HOST}:{port}/"):
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
        http("POST", f"{self.sim_url}/_sim/devices/{HUNG_DEVICE}", {"hung": True})
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
            600,
        )

    def wait_dashboard(self) -> None:
        """Wait until the dashboard's YAML is served (the frontend can show it)."""
        self._wait("the dashboard", (f"{self.url}/blink-health/0",), 60)

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
        while not any(reachable(url) for url in urls):
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

    def stop(self) -> dict[str, int]:
        """Stop Home Assistant, then the simulator (SIGTERM, SIGKILL after 60 s); return exit codes."""
        codes: dict[str, int] = {}
        for name in ("hass", "blinksim"):
            if (process := self.processes.get(name)) is None:
                continue
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
            try:
                codes[name] = process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()
                codes[name] = process.wait()
        self.processes.clear()
        return codes
