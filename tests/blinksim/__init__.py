"""Tests for blinksim, the local Blink cloud simulator."""
