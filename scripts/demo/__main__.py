"""The command line of scripts/develop: bring the demo up, say how to use it, stop it on Ctrl-C."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
import contextlib
import json
import os
from pathlib import Path
import signal
import sys
import time
from types import FrameType

from . import ROOT, DemoError, say
from .client import Client
from .integration import Setup
from .onboarding import USERNAME, password, sign_in
from .packages import missing_packages, required_packages
from .supervisor import Supervisor, prepare_config, reset


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


def _ready_text(demo: Supervisor, login: Mapping[str, str], elapsed: float) -> str:
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
    demo = Supervisor(config_dir, ha_port=args.port, sim_port=args.sim_port)
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


def _run(demo: Supervisor, *, first_start: bool, background: bool) -> int:
    """Bring the demo up, say how to use it, and wait until a process or the test ends."""
    parent = os.getppid()
    started = time.monotonic()
    demo.start(first_start=first_start)
    say(
        f"Home Assistant answers after {time.monotonic() - started:.0f} s; setting it up"
    )
    ha = Client(demo.url)
    sign_in(ha, demo.config_dir)
    Setup(ha, Client(demo.sim_url), demo.config_dir).run()
    demo.wait_dashboard()
    elapsed = time.monotonic() - started
    login = {"username": USERNAME, "password": password(demo.config_dir)}
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


def _stop(demo: Supervisor) -> None:
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
