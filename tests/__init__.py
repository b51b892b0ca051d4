"""Tests for Blink Health."""
