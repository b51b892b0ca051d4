"""End-to-end tests in headless Chromium (pytest -m browser)."""
