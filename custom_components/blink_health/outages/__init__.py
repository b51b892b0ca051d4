"""Outage history kept across restarts: the record model, its tracker and its sensors."""

from __future__ import annotations

from .tracker import STORE_NAME, OutageHistory

__all__ = ["STORE_NAME", "OutageHistory"]
