"""The Blink Health demo: blinksim plus a Home Assistant with Blink Health set up (scripts/develop, tests/browser).

Run from the repository root as `python -m scripts.demo`. One job a module: `supervisor` (the
two processes and their config folder), `client` (requests to their HTTP and websocket APIs),
`onboarding` (Home Assistant's user and login), `integration` (Blink Health's config entry and
options), `packages` (what Home Assistant imports), `__main__` (the command line).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = "blink_health"
HOST = "127.0.0.1"


def say(message: str) -> None:
    """Print a progress line the way scripts/setup does; a closed terminal stops nothing."""
    with contextlib.suppress(OSError):
        print(f"==> {message}", flush=True)


class DemoError(Exception):
    """The demo could not be brought up; the message says why and what to look at."""
