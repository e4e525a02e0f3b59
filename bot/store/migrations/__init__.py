"""Alembic migrations, run on start by bot.store.migrate."""
