"""python -m blinksim: arguments, banner, serving until stopped, and SIGTERM."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
import signal
import sys

import aiohttp
import pytest

from blinksim import __main__ as cli
from blinksim.server import SimServer
from blinksim.world import World

ROOT = Path(__file__).parents[2]


def test_parse_args() -> None:
    """Defaults follow the design: demo on 127.0.0.1:8089."""
    args = cli.parse_args([])
    assert (args.scenario, args.host, args.port) == ("demo", "127.0.0.1", 8089)
    assert cli.parse_args(["--scenario", "large", "--port", "0"]).port == 0


async def test_banner_shows_credentials(socket_enabled: None) -> None:
    """The banner prints URL, email, password and the 2FA PIN when 2FA is on."""
    async with SimServer(World.from_scenario("demo")) as sim:
        text = cli.banner(sim)
        assert sim.url in text and "demo@example.com" in text and "blink-demo" in text
        assert "2FA PIN:  123456" in text
        sim.update_account(two_factor=False)
        assert "2FA:      off" in cli.banner(sim)
        assert sim.state()["scenario"] == "demo"
        assert sim.update_internet(ping_ms=5)["ping_ms"] == 5


async def test_serve_until_stopped(socket_enabled: None) -> None:
    """serve() answers requests until its stop event is set."""
    listening = asyncio.Event()

    class Output(io.StringIO):
        """Captures the banner and tells the test when it arrives."""

        def write(self, text: str) -> int:
            """Keep the text and wake the test."""
            listening.set()
            return super().write(text)

    out = Output()
    stop = asyncio.Event()
    task = asyncio.create_task(
        cli.serve(cli.parse_args(["--scenario", "minimal", "--port", "0"]), stop, out)
    )
    await asyncio.wait_for(listening.wait(), 10)
    url = out.getvalue().split("listening on ")[1].split()[0]
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{url}/_sim/state") as response,
    ):
        assert (await response.json())["scenario"] == "minimal"
    stop.set()
    await task
    assert out.getvalue().endswith("blinksim stopping\n")


def test_main(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """main() rejects an unknown scenario with status 2 and otherwise serves."""
    assert cli.main(["--scenario", "nope"]) == 2
    assert "no scenario 'nope'" in capsys.readouterr().err
    served: list[str] = []

    async def fake_serve(args: object, stop: asyncio.Event) -> None:
        """Record the call instead of serving forever."""
        served.append(getattr(args, "scenario"))

    monkeypatch.setattr(cli, "serve", fake_serve)
    assert cli.main(["--scenario", "minimal"]) == 0
    assert served == ["minimal"]


async def test_sigterm_stops_the_process(socket_enabled: None) -> None:
    """The real CLI prints its URL and exits 0 on SIGTERM."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "blinksim", "--scenario", "minimal", "--port", "0",
        cwd=ROOT, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    first = (await asyncio.wait_for(process.stdout.readline(), 20)).decode()
    assert "listening on http://127.0.0.1:" in first
    process.send_signal(signal.SIGTERM)
    rest = (await asyncio.wait_for(process.stdout.read(), 20)).decode()
    assert await process.wait() == 0
    assert "minimal@example.com" in rest and "blinksim stopping" in rest
