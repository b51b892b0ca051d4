"""Pure: one Blink account's request budget, Blink's Retry-After pause and the failure backoff.

Every request Blink Health sends for an account is admitted here first (issue 17). The scheduled
poll at the options' interval (with the details and token renewals it brings) is the reserved
share: the budget never refuses it, so polling never starves. Everything sooner than that
schedule is *extra* (on demand: diagnose, "check again", a reload; fast polls while a power
cycle or a re-add is verified; attach mode's live requests and the core watchdog's probe) and
is admitted only within the budget below. Times are monotonic seconds, passed in; nothing here
knows Home Assistant.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum
import math

# A healthy day at the default 5-minute interval costs about 320 requests (README, fault
# matrix: 288 homescreens, 6 token renewals, 23-28 details). Extra requests may add at most
# that much again in a day...
EXTRA_PER_DAY = 300
# ...and at most six a minute: a power-cycled device verified every 15 s, and a person's
# "check again" beside it.
EXTRA_PER_MINUTE = 6
# Requests that arrive within this long of Blink's last answer are served that answer.
COALESCE_SECONDS = 15.0
# A device's details asked for on demand are fetched again only when older than this.
DETAILS_FRESH_SECONDS = 300.0
MINUTE = 60.0
HOUR = 3600.0
DAY = 86400.0
# Blink's access tokens live 4 hours; a renewal rides along with a poll at most once an hour.
RENEWALS_PER_HOUR = 1
# The coordinator schedules polls with up to a second of jitter.
SCHEDULE_SLACK = 2.0


class Hold(StrEnum):
    """Why a request is not sent now."""

    PAUSED = "paused"  # Blink's Retry-After
    BACKOFF = "backoff"  # after a failure, until the announced next try
    BUDGET = "budget"  # the extra requests of the last minute or day are spent


@dataclass(frozen=True, slots=True)
class Refusal:
    """A request not admitted: why, and in how many seconds one would be."""

    hold: Hold
    wait: float


@dataclass(slots=True)
class RequestGovernor:
    """The budget, pause and backoff of one account; kept across setup retries and reloads.

    `interval` is the options' polling interval (None: no schedule of its own, attach mode,
    where every request is extra); `max_backoff` caps the wait after failures.
    """

    interval: float | None
    max_backoff: float
    per_minute: int = EXTRA_PER_MINUTE
    per_day: int = EXTRA_PER_DAY
    consecutive_failures: int = 0
    # Blink's Retry-After: nothing before it. After a failure: no try before retry_at.
    not_before: float = 0.0
    retry_at: float = 0.0
    # When Blink last answered a poll, and when the last poll of the reserved share was sent.
    last_answer: float | None = None
    last_reserved: float | None = None
    _extra: deque[float] = field(default_factory=deque)

    def is_reserved(self, now: float) -> bool:
        """Return whether a poll now is the schedule's own (at least one interval since the last)."""
        if self.interval is None:
            return False
        return (
            self.last_reserved is None
            or now - self.last_reserved >= self.interval - SCHEDULE_SLACK
        )

    def answered_within(self, now: float, seconds: float = COALESCE_SECONDS) -> bool:
        """Return whether Blink answered a poll less than `seconds` ago (its data is fresh)."""
        return self.last_answer is not None and now - self.last_answer < seconds

    def check(self, now: float, *, cost: int = 1) -> Refusal | None:
        """Return why a poll costing `cost` requests may not be sent now, or None to send it."""
        if now < self.not_before:
            return Refusal(Hold.PAUSED, self.not_before - now)
        if now < self.retry_at:
            return Refusal(Hold.BACKOFF, self.retry_at - now)
        if self.is_reserved(now):
            return None
        return self.budget_refusal(now, cost=cost)

    def budget_refusal(self, now: float, *, cost: int = 1) -> Refusal | None:
        """Return a refusal when `cost` more extra requests would overspend the budget."""
        self._prune(now)
        if len(self._extra) + cost > self.per_day:
            return Refusal(Hold.BUDGET, self._extra[0] + DAY - now)
        minute = [moment for moment in self._extra if moment > now - MINUTE]
        if len(minute) + cost > self.per_minute:
            return Refusal(Hold.BUDGET, minute[0] + MINUTE - now)
        return None

    def extra_in(self, now: float, seconds: float) -> int:
        """Return how many extra requests were sent in the last `seconds`."""
        self._prune(now)
        return sum(1 for moment in self._extra if moment > now - seconds)

    def sent(self, now: float, requests: int, *, reserved: bool) -> None:
        """Record a poll's requests: the schedule's share, or extra (counted in the budget)."""
        if reserved:
            self.last_reserved = now
        elif requests > 0:
            self._extra.extend([now] * requests)

    def succeeded(self) -> None:
        """Record a poll that worked: no more backoff."""
        self.consecutive_failures = 0
        self.retry_at = 0.0

    def answered(self, now: float) -> None:
        """Record that Blink answered a request now: its answer is fresh for a moment."""
        self.last_answer = now

    def backoff(self) -> float:
        """Return the wait after the failures so far: the interval doubled per failure, capped."""
        base = self.interval if self.interval is not None else 0.0
        return float(min(base * 2**self.consecutive_failures, self.max_backoff))

    def failed(self, now: float, retry_after: float | None = None) -> float:
        """Count a failed poll; return the wait before the next try (announced in the log)."""
        self.consecutive_failures += 1
        wait = max(retry_after or 0.0, self.backoff())
        self.retry_at = now + wait
        self.paused(now, retry_after)
        return wait

    def paused(self, now: float, retry_after: float | None) -> None:
        """Honour a Retry-After: nothing is sent before it has passed."""
        if retry_after:
            self.not_before = max(self.not_before, now + retry_after)

    def _prune(self, now: float) -> None:
        """Forget extra requests older than a day."""
        while self._extra and self._extra[0] <= now - DAY:
            self._extra.popleft()


def hourly_ceiling(interval: float, details_per_poll: int) -> int:
    """Return the most requests one hour can hold, whatever a user does (the bench's bound).

    The schedule's polls at `interval` (each with at most `details_per_poll` details and a
    token renewal now and then), and the extra budget: six a minute, at most a day's worth.
    """
    polls = math.ceil(HOUR / interval)
    return (
        polls * (1 + details_per_poll)
        + RENEWALS_PER_HOUR
        + min(EXTRA_PER_MINUTE * round(HOUR / MINUTE), EXTRA_PER_DAY)
    )
