"""Custom integrations of this repository (makes the folder importable in tests)."""
