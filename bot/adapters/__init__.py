"""Adapters translate platform events into core commands and render core replies."""
