"""scripts/setup finds the machine's own Debian mirrors in apt's configuration (no host of its own)."""

from __future__ import annotations

from pathlib import Path
import re
import subprocess

ROOT = Path(__file__).parents[1]
SETUP = ROOT / "scripts" / "setup"
KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"


def _mirrors(etc: Path) -> list[tuple[str, str]]:
    """Run scripts/setup's debian_mirrors on an apt folder; return its (signed-by, uri) lines."""
    text = SETUP.read_text()
    function = re.search(
        r"^debian_mirrors\(\) \{\n.*?^\}\n", text, re.DOTALL | re.MULTILINE
    )
    assert function is not None
    out = subprocess.run(
        ["bash", "-c", function.group(0) + 'debian_mirrors "$1"', "bash", str(etc)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [
        (signed, uri) for signed, uri in (line.split("\t") for line in out.splitlines())
    ]


def _apt(tmp_path: Path, files: dict[str, str]) -> Path:
    """Write an apt configuration folder with the given files."""
    etc = tmp_path / "apt"
    (etc / "sources.list.d").mkdir(parents=True)
    for name, content in files.items():
        (etc / name).write_text(content)
    return etc


def test_deb822_sources_give_the_debian_mirror_not_security_nor_others(
    tmp_path: Path,
) -> None:
    """A deb822 file: the Debian archive with its keyring; security and third parties left out."""
    etc = _apt(
        tmp_path,
        {
            "sources.list.d/debian.sources": (
                "Types: deb\n"
                "# a comment\n"
                "URIs: http://mirror.example/debian\n"
                "Suites: bookworm bookworm-updates\n"
                "Components: main\n"
                f"Signed-By: {KEYRING}\n"
                "\n"
                "Types: deb\n"
                "URIs: http://mirror.example/debian-security\n"
                "Suites: bookworm-security\n"
                "Components: main\n"
                f"Signed-By: {KEYRING}\n"
                "\n"
                "Types: deb-src\n"
                "URIs: http://source.example/debian\n"
                "Suites: bookworm\n"
            ),
            "sources.list.d/nodesource.sources": (
                "Types: deb\n"
                "URIs: https://nodes.example/node_20.x\n"
                "Suites: nodistro\n"
                "Signed-By: /usr/share/keyrings/nodesource.gpg\n"
            ),
            "sources.list.d/off.sources": (
                "Enabled: no\nTypes: deb\nURIs: http://off.example/debian\nSuites: trixie\n"
            ),
        },
    )
    assert _mirrors(etc) == [(KEYRING, "http://mirror.example/debian")]


def test_one_line_sources_with_and_without_options(tmp_path: Path) -> None:
    """sources.list and *.list entries: options are read, comments and security skipped."""
    etc = _apt(
        tmp_path,
        {
            "sources.list": (
                "# deb http://commented.example/debian bookworm main\n"
                "deb http://plain.example/debian/ bookworm main\n"
                "deb http://plain.example/debian-security bookworm-security main\n"
                "deb-src http://plain.example/debian bookworm main\n"
            ),
            "sources.list.d/local.list": (
                f"deb [arch=amd64 signed-by={KEYRING}] http://proxy.example:3142/debian trixie main\n"
                "deb https://vendor.example/apt stable main\n"
            ),
            "sources.list.d/ignored.list.disabled": "deb http://ignored.example/debian sid main\n",
        },
    )
    assert _mirrors(etc) == [
        ("", "http://plain.example/debian/"),
        (KEYRING, "http://proxy.example:3142/debian"),
    ]


def test_no_debian_archive_gives_nothing(tmp_path: Path) -> None:
    """A machine whose apt knows no Debian archive: no mirror (setup then says so)."""
    etc = _apt(
        tmp_path,
        {"sources.list": "deb http://archive.example/ubuntu noble main\n"},
    )
    assert _mirrors(etc) == []


def test_setup_names_no_host() -> None:
    """The script writes no mirror of its own: apt's configuration names the hosts."""
    assert re.findall(r"\b(?:deb|https?)://\S+", SETUP.read_text()) == []
