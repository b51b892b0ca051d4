"""Pure outage records: what one device's outages were, and the figures the sensors show.

No Home Assistant imports: plain functions of a record and a moment, tested as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypedDict

DAY = timedelta(hours=24)
WEEK = timedelta(days=7)
# Outages older than this are forgotten (the latest is always kept for "last outage").
KEEP = WEEK
# A device flapping all week must not grow the store without bound.
MAX_OUTAGES = 500


@dataclass(slots=True)
class Outage:
    """One time a device was seen offline: from the first poll that saw it, to the first back."""

    start: datetime
    end: datetime | None = None  # None while it lasts

    def seconds(self, now: datetime) -> float:
        """Return how long it lasted (so far, while it lasts)."""
        return max(0.0, ((self.end or now) - self.start).total_seconds())

    def overlap(self, start: datetime, now: datetime) -> float:
        """Return the seconds of this outage inside [start, now]."""
        begin, end = max(self.start, start), min(self.end or now, now)
        return max(0.0, (end - begin).total_seconds())


class StoredRecord(TypedDict):
    """A device's record as stored: ISO times, outages as [start, end-or-null] pairs."""

    since: str
    outages: list[list[str | None]]


@dataclass(slots=True)
class DeviceRecord:
    """A device's outages since it was first seen (at most a week back, plus the latest)."""

    since: datetime  # when the history first saw the device (availability counts from here)
    outages: list[Outage] = field(default_factory=list)

    @property
    def open(self) -> Outage | None:
        """Return the outage that lasts now, if any."""
        return (
            self.outages[-1] if self.outages and self.outages[-1].end is None else None
        )

    def seen(self, online: bool | None, now: datetime) -> bool:
        """Record what a poll saw; return True if the record changed.

        Unknown (None) changes nothing: an outage is neither begun nor ended by a guess.
        """
        if online is False and self.open is None:
            self.outages.append(Outage(start=now))
            return True
        if online is True and (current := self.open) is not None:
            current.end = now
            return True
        return False

    def prune(self, now: datetime) -> bool:
        """Forget outages that ended before the kept window (never the latest); True if any."""
        cutoff = now - KEEP
        latest = self.outages[-1:]
        kept = [
            outage
            for outage in self.outages[:-1]
            if outage.end is None or outage.end >= cutoff
        ][-(MAX_OUTAGES - 1) :] + latest
        changed = len(kept) != len(self.outages)
        self.outages = kept
        return changed

    def outages_in(self, window: timedelta, now: datetime) -> int:
        """Return how many outages overlap the last `window` (one that lasts counts)."""
        start = now - window
        return sum(
            1 for outage in self.outages if outage.end is None or outage.end > start
        )

    def last_outage_seconds(self, now: datetime) -> float | None:
        """Return the latest outage's duration (so far, while it lasts); None if none is known."""
        return self.outages[-1].seconds(now) if self.outages else None

    def availability(self, window: timedelta, now: datetime) -> float | None:
        """Return the share of the last `window` (or since first seen) the device was online, in %."""
        start = max(now - window, self.since)
        span = (now - start).total_seconds()
        if span <= 0:
            return None
        offline = sum(outage.overlap(start, now) for outage in self.outages)
        return round(100.0 * max(0.0, 1.0 - offline / span), 2)

    def as_stored(self) -> StoredRecord:
        """Return the record as JSON-serialisable stored data."""
        return {
            "since": self.since.isoformat(),
            "outages": [
                [outage.start.isoformat(), _iso(outage.end)] for outage in self.outages
            ],
        }

    @classmethod
    def from_stored(cls, raw: Any) -> DeviceRecord:
        """Rebuild a stored record (raises KeyError, TypeError or ValueError if unreadable)."""
        outages = [
            Outage(start=_time(start), end=None if end is None else _time(end))
            for start, end in raw["outages"]
        ]
        return cls(since=_time(raw["since"]), outages=outages)


def events_in(moments: list[datetime], window: timedelta, now: datetime) -> int:
    """Return how many of the moments fall in the last `window`."""
    start = now - window
    return sum(1 for moment in moments if moment > start)


def prune_moments(moments: list[datetime], now: datetime) -> list[datetime]:
    """Return the moments inside the kept window, at most MAX_OUTAGES of them."""
    cutoff = now - KEEP
    return [moment for moment in moments if moment >= cutoff][-MAX_OUTAGES:]


def _iso(moment: datetime | None) -> str | None:
    """Return an ISO time, or None."""
    return None if moment is None else moment.isoformat()


def _time(value: Any) -> datetime:
    """Read a stored ISO time that must carry a zone (raises TypeError or ValueError)."""
    if not isinstance(value, str):
        raise TypeError("a stored time is not text")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("a stored time has no zone")
    return moment
