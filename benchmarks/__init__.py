"""Scripts that print figures (not timed tests); run each with .venv/bin/python."""
