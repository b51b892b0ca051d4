"""More hypothesis fuzzing of the poll's data path, on top of test_health's and test_playbook's.

Those prove parse_account and evaluate never raise and answer the same twice. These add: the
homescreen check in front of parsing never raises and, when it accepts a body, no device in
it is lost; the answer does not depend on the order of keys in the JSON; and the guided
troubleshooter never passes a device that has an issue open.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hypothesis import example, given, settings, strategies as st

from custom_components.blink_health.cloud import (
    HOMESCREEN_DEVICE_LISTS,
    HOMESCREEN_OPTIONAL_LISTS,
    is_homescreen,
)
from custom_components.blink_health.health import device_serial, parse_account
from custom_components.blink_health.playbook import (
    STEPS,
    History,
    InternetFigures,
    Thresholds,
    evaluate,
)
from custom_components.blink_health.troubleshooter import check_steps

from .test_health import DETAILS, DEVICE_KEYS, HOMESCREEN, JSON
from .test_playbook import FIGURES, HOMESCREENS, MOMENTS, THRESHOLDS

SERIALS = st.sampled_from(["A", "B", "C", "D"])
# Entries whose serial is there, or odd (missing, blank, a number, null), amid other garbage.
NEAR_ENTRY = st.builds(
    lambda base, key, serial: {**base, key: serial},
    st.dictionaries(DEVICE_KEYS, JSON, max_size=5),
    st.sampled_from(["serial", "serial_number"]),
    # Mostly a serial, so that whole homescreens pass often enough to test what follows.
    st.one_of(SERIALS, SERIALS, SERIALS, st.text(max_size=6), st.none(), st.integers()),
)
# Homescreens that mostly have the right shape, so that acceptance is tried often; the lists
# real homescreens may leave out (doorbells, owls) are sometimes absent.
NEAR_HOMESCREEN = st.fixed_dictionaries(
    {
        key: st.lists(NEAR_ENTRY, max_size=3) | JSON
        for key in HOMESCREEN_DEVICE_LISTS
        if key not in HOMESCREEN_OPTIONAL_LISTS
    },
    optional={
        "app_updates": JSON,
        "networks": JSON,
        "account": JSON,
        **{
            key: st.lists(NEAR_ENTRY, max_size=3) | JSON
            for key in HOMESCREEN_OPTIONAL_LISTS
        },
    },
)


def _reversed_keys(value: Any) -> Any:
    """Return the same JSON value with every object's keys in reverse order."""
    if isinstance(value, dict):
        return {key: _reversed_keys(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [_reversed_keys(item) for item in value]
    return value


def _entry_serials(body: dict[str, Any]) -> set[str | None]:
    """Return the serial of every device entry, as health.py reads serials."""
    return {
        device_serial(entry)
        for key in HOMESCREEN_DEVICE_LISTS
        for entry in body.get(key, [])
    }


@settings(max_examples=400, deadline=None)
@given(body=NEAR_HOMESCREEN | HOMESCREEN | JSON)
def test_homescreen_check_never_raises_and_loses_no_device(body: Any) -> None:
    """Whatever Blink answers: checked without raising; if accepted, every device is kept."""
    accepted = is_homescreen(body)
    assert accepted is is_homescreen(body)
    if accepted:
        assert parse_account(body).serials == _entry_serials(body)


@settings(max_examples=300, deadline=None)
@given(
    body=st.fixed_dictionaries(
        {
            key: st.lists(
                st.builds(
                    lambda base, key, serial: {**base, key: serial},
                    st.dictionaries(DEVICE_KEYS, JSON, max_size=5),
                    st.sampled_from(["serial", "serial_number"]),
                    SERIALS | st.text(min_size=1, max_size=6).filter(str.strip),
                ),
                max_size=3,
            )
            for key in HOMESCREEN_DEVICE_LISTS
        },
        optional={"app_updates": JSON, "networks": JSON, "account": JSON},
    )
)
@example(
    body={
        "cameras": [{"serial": 5, "serial_number": "A"}],
        "sync_modules": [{"serial": "A"}],
        "owls": [],
        "doorbells": [],
    }
)
def test_homescreens_with_serials_are_accepted_whole(body: dict[str, Any]) -> None:
    """Every list there, every entry with a serial: accepted, and every device kept."""
    assert is_homescreen(body)
    assert parse_account(body).serials == _entry_serials(body)


@settings(max_examples=200, deadline=None)
@given(homescreen=HOMESCREEN | JSON, details=DETAILS | JSON)
def test_key_order_changes_nothing(homescreen: Any, details: Any) -> None:
    """The same content with keys in another order: the same health, the same findings."""
    health = parse_account(homescreen, details)
    again = parse_account(_reversed_keys(homescreen), _reversed_keys(details))
    assert again == health
    history = History(now=datetime(2026, 1, 1))
    assert evaluate(again, Thresholds(), InternetFigures(), history) == evaluate(
        health, Thresholds(), InternetFigures(), history
    )


@settings(max_examples=200, deadline=None)
@given(
    homescreen=HOMESCREENS,
    thresholds=THRESHOLDS,
    download=FIGURES,
    ping=FIGURES,
    now=MOMENTS,
    offline_since=st.dictionaries(SERIALS, MOMENTS),
    latencies=st.lists(st.none() | FIGURES, max_size=6),
    failures=st.integers(0, 10),
)
def test_troubleshooter_never_passes_a_device_with_an_issue(
    *,
    homescreen: dict[str, Any],
    thresholds: Thresholds,
    download: Any,
    ping: Any,
    now: datetime,
    offline_since: dict[str, datetime],
    latencies: list[Any],
    failures: int,
) -> None:
    """Each device gets every step, its own findings among them, the same way every time."""
    health = parse_account(homescreen)
    internet = InternetFigures(download_mbps=download, ping_ms=ping)
    past = History(
        now=now,
        offline_since=offline_since,
        recent_latencies_ms=latencies,
        consecutive_failures=failures,
    )
    findings = evaluate(health, thresholds, internet, past)
    for serial in health.serials:
        results = check_steps(health, serial, thresholds, internet, past)
        assert results == check_steps(health, serial, thresholds, internet, past)
        assert [item.step for item in results] == list(STEPS)
        found = {
            (finding.kind, finding.serial)
            for result in results
            for finding in result.findings
        }
        own = {(f.kind, f.serial) for f in findings if f.serial == serial}
        assert own <= found
