"""Command line: python -m blinksim --scenario demo --host 127.0.0.1 --port 8089."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
import contextlib
import signal
import sys
from typing import TextIO

from .scenarios import available
from .server import SimServer
from .world import World


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m blinksim", description="A local Blink cloud for blinkpy."
    )
    parser.add_argument(
        "--scenario",
        default="demo",
        help=f"bundled scenario ({', '.join(available())}) or a JSON file path",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=int, default=8089, help="port to listen on; 0 picks a free one"
    )
    return parser.parse_args(argv)


def banner(sim: SimServer) -> str:
    """Return what the CLI prints once it listens: URL and the credentials to log in with."""
    account = sim.world.account
    lines = [
        f"blinksim scenario {sim.world.name!r} listening on {sim.url}",
        f"  email:    {account.email}",
        f"  password: {account.password}",
        f"  2FA PIN:  {account.pin}" if account.two_factor else "  2FA:      off",
        f"  control:  {sim.url}/_sim/state",
        f"  use it:   BLINK_HEALTH_CLOUD_URL={sim.url}",
    ]
    return "\n".join(lines)


async def serve(
    args: argparse.Namespace, stop: asyncio.Event, out: TextIO = sys.stdout
) -> None:
    """Run the simulator until `stop` is set; SIGINT and SIGTERM set it."""
    loop = asyncio.get_running_loop()
    handled: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
            handled.append(sig)
    try:
        async with SimServer(
            World.from_scenario(args.scenario), host=args.host, port=args.port
        ) as sim:
            out.write(banner(sim) + "\n")
            out.flush()
            await stop.wait()
            out.write("blinksim stopping\n")
            out.flush()
    finally:
        for sig in handled:
            loop.remove_signal_handler(sig)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit status."""
    args = parse_args(argv)
    try:
        World.from_scenario(args.scenario)
    except (OSError, ValueError) as err:
        sys.stderr.write(f"blinksim: {err}\n")
        return 2

    async def run() -> None:
        """Create the stop event inside the loop and serve."""
        await serve(args, asyncio.Event())

    asyncio.run(run())
    return 0


if (
    __name__ == "__main__"
):  # pragma: no cover - exercised by the SIGTERM test in a subprocess
    sys.exit(main())
