"""Storage: SQLAlchemy Core (async) on SQLite by default, PostgreSQL for more."""
