"""The store contract runs on every engine of tests/engines.py."""
