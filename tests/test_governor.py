"""The request governor as plain functions: the reserved schedule, the budget, pause and backoff."""

from __future__ import annotations

from custom_components.blink_health.governor import (
    COALESCE_SECONDS,
    DAY,
    EXTRA_PER_DAY,
    EXTRA_PER_MINUTE,
    Hold,
    Refusal,
    RequestGovernor,
    hourly_ceiling,
)

INTERVAL = 300.0
MAX_BACKOFF = 3600.0


def _governor(interval: float | None = INTERVAL) -> RequestGovernor:
    """Return a governor for the default 5-minute schedule."""
    return RequestGovernor(interval=interval, max_backoff=MAX_BACKOFF)


def test_the_schedule_is_reserved_and_never_refused() -> None:
    """A poll an interval after the last reserved one is the schedule's: the budget never refuses it."""
    governor = _governor()
    now = 1000.0
    for _ in range(EXTRA_PER_DAY):
        governor.sent(now, 1, reserved=False)
    assert governor.budget_refusal(now) is not None
    assert governor.is_reserved(now)
    assert governor.check(now) is None
    governor.sent(now, 1, reserved=True)
    assert not governor.is_reserved(now + 10)
    assert governor.check(now + 10) == Refusal(Hold.BUDGET, DAY - 10)
    # A second of jitter early is still the schedule's poll.
    assert governor.check(now + INTERVAL - 1) is None


def test_extra_requests_per_minute() -> None:
    """Extra requests: at most EXTRA_PER_MINUTE in any minute; the refusal says when."""
    governor = _governor()
    governor.sent(0.0, 1, reserved=True)
    for second in range(EXTRA_PER_MINUTE):
        assert governor.check(10.0 + second) is None
        governor.sent(10.0 + second, 1, reserved=False)
    refusal = governor.check(20.0)
    assert refusal == Refusal(Hold.BUDGET, 50.0)
    assert governor.check(70.0) is None
    assert governor.extra_in(70.0, 60.0) == EXTRA_PER_MINUTE - 1
    # A poll costing two requests needs room for both.
    governor.sent(70.0, 1, reserved=False)
    assert governor.check(71.0, cost=2) is not None


def test_extra_requests_per_day() -> None:
    """At most EXTRA_PER_DAY extra requests in 24 hours; the oldest leaving makes room."""
    governor = _governor(None)
    for index in range(EXTRA_PER_DAY):
        governor.sent(index * 60.0, 1, reserved=False)
    last = (EXTRA_PER_DAY - 1) * 60.0
    refusal = governor.check(last + 60)
    assert refusal is not None
    assert refusal.hold is Hold.BUDGET
    assert refusal.wait == DAY - last - 60
    assert governor.check(DAY + 1) is None
    assert not governor.is_reserved(0.0)  # no schedule of its own (attach mode)


def test_failures_back_off_and_retry_after_pauses() -> None:
    """Each failure doubles the wait up to the cap; Retry-After holds at least as long."""
    governor = _governor()
    waits = [governor.failed(0.0) for _ in range(5)]
    assert waits == [600.0, 1200.0, 2400.0, 3600.0, 3600.0]
    assert governor.check(3599.0) == Refusal(Hold.BACKOFF, 1.0)
    governor.succeeded()
    assert governor.consecutive_failures == 0
    assert governor.check(0.0) is None
    wait = governor.failed(0.0, retry_after=7200.0)
    assert wait == 7200.0
    assert governor.check(100.0) == Refusal(Hold.PAUSED, 7100.0)
    governor.paused(100.0, None)  # no Retry-After: no pause of its own
    assert governor.not_before == 7200.0


def test_answers_are_fresh_for_a_moment() -> None:
    """Requests within COALESCE_SECONDS of Blink's answer are served it."""
    governor = _governor()
    assert not governor.answered_within(0.0)
    governor.answered(100.0)
    assert governor.answered_within(100.0 + COALESCE_SECONDS - 1)
    assert not governor.answered_within(100.0 + COALESCE_SECONDS)


def test_hourly_ceiling() -> None:
    """An hour's bound: the schedule at its interval with details, a renewal, the extra budget."""
    assert hourly_ceiling(300, 2) == 12 * 3 + 1 + EXTRA_PER_DAY
    assert hourly_ceiling(60, 0) == 60 + 1 + EXTRA_PER_DAY
