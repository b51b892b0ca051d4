"""Benchmark harness: Blink Health against Home Assistant core's `blink` on blinksim (scripts/bench)."""
